"""Fill the English catalogue from tools/translations_en.py.

    .venv/bin/python tools/apply_translations.py [--overwrite]

Run after `pybabel update` (see `make translations`). Sets msgstr for every message that has none
(or is fuzzy) and is in the dictionary; existing translations are kept unless --overwrite is given,
which makes the dictionary win. Prints what is still untranslated.
"""
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parent))
from translations_en import TRANSLATIONS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _is_translated(message) -> bool:
    if message.fuzzy:
        return False
    if message.pluralizable:
        forms = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        return all(forms)
    return bool(message.string)


def apply(path: Path = PO_PATH, overwrite: bool = False) -> tuple[int, list[str]]:
    """Fill `path` in place; returns (number filled, msgids still untranslated)."""
    with open(path, "rb") as f:
        catalog = read_po(f)
    filled, missing = 0, []
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if message.pluralizable else message.id
        if message.context:
            key = (message.context, key)
        english = TRANSLATIONS.get(key)
        if _is_translated(message) and not overwrite:
            continue
        if english is None:
            if not _is_translated(message):
                missing.append(key)
            continue
        if message.pluralizable:
            singular, plural = english if isinstance(english, tuple) else (english, english)
            new = (singular,) + (plural,) * (catalog.num_plurals - 1)
        else:
            if isinstance(english, tuple):
                english = english[0]
            new = english
        if message.string != new or message.fuzzy:
            message.string = new
            message.flags.discard("fuzzy")
            filled += 1
    with open(path, "wb") as f:
        write_po(f, catalog, width=76)
    return filled, missing


def main(argv: list[str]) -> int:
    filled, missing = apply(overwrite="--overwrite" in argv)
    for msgid in missing:
        print(f"untranslated: {msgid}")
    print(f"filled {filled} messages; {len(missing)} still untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
