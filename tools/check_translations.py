"""Check the English catalogue: untranslated messages and placeholder mismatches.

    .venv/bin/python tools/check_translations.py [path/to/messages.po] [--strict]

Prints every msgid without an English msgstr (or marked fuzzy, which `pybabel compile` skips) and every
msgstr whose %-placeholders or HTML tags differ from its msgid. Exits 1 on a placeholder or tag mismatch
(with --strict also on an untranslated message), else 0.
"""
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"

# A printf-style conversion as Python's % operator reads it: %(name)s, %d, %02d, %% ...
_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<conv>[diouxXeEfFgGcrsa%])"
)
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


@dataclass
class Report:
    untranslated: list[str] = field(default_factory=list)
    mismatches: list[tuple[str, str, str]] = field(default_factory=list)  # (msgid, msgstr, what)
    total: int = 0


def placeholders(text: str) -> Counter:
    """The %-conversions in `text` as (name, conversion) pairs; width/flags do not matter."""
    return Counter((m.group("name"), m.group("conv")) for m in _PLACEHOLDER.finditer(text))


def tags(text: str) -> Counter:
    """The HTML tags in `text` by name, closing tags as "/name"."""
    return Counter(("/" if m.group(0).startswith("</") else "") + m.group(1).lower() for m in _TAG.finditer(text))


def _compare(msgid: str, msgstr: str, report: Report, key: str, python_format: bool) -> None:
    # Babel flags a msgid python-format only when it holds a conversion; a bare "%" in a
    # plain string is literal text, so only then must the translation avoid conversions too.
    if python_format or placeholders(msgid):
        if placeholders(msgid) != placeholders(msgstr):
            report.mismatches.append((key, msgstr, "placeholders"))
            return
    if tags(msgid) != tags(msgstr):
        report.mismatches.append((key, msgstr, "HTML tags"))


def check(path: Path | str = PO_PATH) -> Report:
    with open(path, "rb") as f:
        catalog = read_po(f)
    report = Report()
    for message in catalog:
        if not message.id:
            continue  # the header
        report.total += 1
        python_format = "python-format" in message.flags
        if message.pluralizable:
            singular, plural = message.id
            forms = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
            if message.fuzzy or not all(forms):
                report.untranslated.append(singular)
                continue
            for index, form in enumerate(forms):
                _compare(singular if index == 0 else plural, form, report, singular, python_format)
        else:
            if message.fuzzy or not message.string:
                report.untranslated.append(message.id)
                continue
            _compare(message.id, message.string, report, message.id, python_format)
    return report


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    paths = [a for a in argv if not a.startswith("--")]
    report = check(paths[0] if paths else PO_PATH)
    for msgid in report.untranslated:
        print(f"untranslated: {msgid}")
    for msgid, msgstr, what in report.mismatches:
        print(f"{what} differ: {msgid!r} -> {msgstr!r}")
    print(f"{report.total} messages, {len(report.untranslated)} untranslated, "
          f"{len(report.mismatches)} mismatches")
    if report.mismatches or (strict and report.untranslated):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
