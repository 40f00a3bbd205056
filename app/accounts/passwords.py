"""Password hashing (argon2id) and the password rules users see."""
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()  # argon2id, argon2-cffi's RFC 9106 low-memory profile

# A short bundled list of passwords attackers try first; all lower case.
COMMON_PASSWORDS = frozenset(
    """
    123456 123456789 12345678 1234567890 password password1 password123 qwerty qwerty123
    qwertyuiop 111111 000000 123123 abc123 abcd1234 1q2w3e4r 1qaz2wsx qazwsxedc iloveyou
    admin admin123 admin1234 administrator root123 welcome welcome1 letmein passw0rd
    p@ssw0rd p@ssword 88888888 66666666 12341234 11223344 147258369 5201314 woaini1314
    aa123456 a123456 a12345678 zxcvbnm asdfghjkl changeme changeme123 default123
    """.split()
)


# Words that tie a password to this system (ASVS: context-specific words are refused).
SYSTEM_WORDS = ("peipao", "xiaoshan", "陪跑", "萧山")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The list above plus the 30,000 most common leaked passwords that zxcvbn bundles (offline)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return COMMON_PASSWORDS | frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def minimum_length(*, staff: bool) -> int:
    """Staff accounts reach every company's data, so their passwords are longer."""
    return 12 if staff else 8


def minimum_length_for(user) -> int:
    return minimum_length(staff=user.is_staff)


def password_problems(password: str, *, staff: bool, context: tuple[str, ...] = ()) -> list[str]:
    """Reasons a new password is refused (empty list when acceptable)."""
    problems = []
    minimum = minimum_length(staff=staff)
    if len(password) < minimum:
        problems.append(_("密码至少需要%(n)d个字符。", n=minimum))
    if len(password) > 128:
        problems.append(_("密码最多128个字符。"))
    lowered = password.lower()
    if lowered in common_passwords() or len(set(password)) <= 2:
        problems.append(_("这个密码太常见，很容易被猜到，请换一个。"))
    for word in (*context, *SYSTEM_WORDS):
        word = (word or "").lower()
        if (len(word) >= 3 or (len(word) >= 2 and not word.isascii())) and word in lowered:
            problems.append(_("密码不能包含您的用户名、姓名或系统名称。"))
            break
    return problems
