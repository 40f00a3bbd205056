"""统一社会信用代码 (unified social credit code) per GB 32100-2015.

18 characters: registration authority (1), entity type (1), administrative
division (6), organisation code (9, with its own GB 11714 check), and a check
character computed over the first 17 with weights 3^i mod 31.
"""
import random
import unicodedata

from flask_babel import lazy_gettext as _l

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, ...
_VALUE = {c: i for i, c in enumerate(CHARSET)}

# GB 11714 organisation code check (positions 9–17 of the credit code).
ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def _org_check(first8: str) -> str:
    total = sum(ORG_CHARSET.index(c) * w for c, w in zip(first8, ORG_WEIGHTS))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def normalize(code: str) -> str:
    """Upper case, no surrounding spaces, and full-width characters (typed with a Chinese IME) made ASCII."""
    return unicodedata.normalize("NFKC", code or "").strip().upper()


def validation_error(code: str):
    """Return None for a valid code, or a message saying what is wrong."""
    code = normalize(code)
    if len(code) != 18:
        return _l("统一社会信用代码应为18位，当前为%(n)d位。", n=len(code))
    bad = [c for c in code if c not in _VALUE]
    if bad:
        return _l("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、S、V、Z）。", chars="".join(dict.fromkeys(bad)))
    if check_character(code[:17]) != code[17]:
        return _l("统一社会信用代码校验位不正确，请核对后重新输入。")
    return None


def is_valid(code: str) -> bool:
    return validation_error(code) is None


def generate(rng: random.Random, division: str = "330109") -> str:
    """A well-formed code for a company (企业, 91) in the given division (萧山区 330109)."""
    org_body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    org = org_body + _org_check(org_body)
    first17 = "91" + division + org
    return first17 + check_character(first17)
