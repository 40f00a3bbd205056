"""统一社会信用代码 (GB 32100-2015) checks."""
import random

import pytest

from app.companies.uscc import CHARSET, check_character, generate, is_valid, normalize, validation_error

# Published codes of well-known companies (their check characters are the real ones).
REAL_CODES = [
    "91350100M000100Y43",  # the standard's worked example
    "91440300708461136T",
    "914403001922038216",
    "91330100716105852F",
    "91110000802100433B",
]


def _message(code) -> str:
    error = validation_error(code)
    return "" if error is None else str(error)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(app, code):
    assert validation_error(code) is None
    assert is_valid(code)


def test_lower_case_and_surrounding_spaces_are_accepted_and_normalised(app):
    assert is_valid(" 91350100m000100y43 ")
    assert normalize(" 91350100m000100y43 ") == "91350100M000100Y43"


def test_full_width_characters_from_a_chinese_keyboard_are_accepted(app):
    typed = "９１３５０１００Ｍ０００１００ｙ４３\u3000"  # full-width digits and letters, ideographic space
    assert normalize(typed) == "91350100M000100Y43"
    assert is_valid(typed)


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_other_check_character_is_refused(app, code):
    for wrong in CHARSET:
        if wrong == code[-1]:
            continue
        with app.test_request_context():
            assert _message(code[:17] + wrong) == "统一社会信用代码校验位不正确，请核对后重新输入。"


def test_a_changed_body_character_is_caught_by_the_check_character(app):
    code = REAL_CODES[0]
    for i in range(17):
        for replacement in "0A":
            if code[i] == replacement:
                continue
            assert not is_valid(code[:i] + replacement + code[i + 1:])


@pytest.mark.parametrize(
    "code, length", [("", 0), ("9135010", 7), ("91350100M000100Y4", 17), ("91350100M000100Y430", 19)]
)
def test_wrong_length_says_how_long_it_is(app, code, length):
    with app.test_request_context():
        assert _message(code) == f"统一社会信用代码应为18位，当前为{length}位。"


@pytest.mark.parametrize("letter", "IOSVZ")
def test_letters_the_standard_excludes_are_refused(app, letter):
    code = "91350100M000100" + letter + "43"
    with app.test_request_context():
        message = _message(code)
    assert f"统一社会信用代码含有不允许的字符：{letter}" in message
    assert "不使用 I、O、S、V、Z" in message


def test_other_characters_are_refused_and_named_once(app):
    with app.test_request_context():
        message = _message("91350100-000100-43")
    assert "不允许的字符：-（" in message


# The weights as printed in GB 32100-2015 (not computed the way the code computes them).
STANDARD_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def test_check_character_follows_the_standard_including_the_zero_case(app):
    rng = random.Random(1)
    seen_zero = False
    for _ in range(3000):
        body = "91330109" + "".join(rng.choice(CHARSET) for _ in range(9))
        total = sum(CHARSET.index(c) * w for c, w in zip(body, STANDARD_WEIGHTS))
        expected = CHARSET[(31 - total % 31) % 31]
        assert check_character(body) == expected
        seen_zero = seen_zero or total % 31 == 0
    assert seen_zero  # the sum ≡ 0 case (check character "0") was exercised


def test_generated_codes_are_valid_and_distinct(app):
    rng = random.Random(7)
    codes = [generate(rng) for _ in range(500)]
    assert all(is_valid(c) for c in codes)
    assert len(set(codes)) == 500
    assert all(c.startswith("91330109") for c in codes)
