"""Password hashing (argon2id) and the password rules users see."""
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


def password_problems(password: str, *, staff: bool, context: tuple[str, ...] = ()) -> list[str]:
    """Reasons a new password is refused (empty list when acceptable)."""
    problems = []
    minimum = 12 if staff else 8
    if len(password) < minimum:
        problems.append(_("密码至少需要%(n)d个字符。", n=minimum))
    if len(password) > 128:
        problems.append(_("密码最多128个字符。"))
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) <= 2:
        problems.append(_("这个密码太常见，很容易被猜到，请换一个。"))
    for word in context:
        word = (word or "").lower()
        if len(word) >= 3 and word in lowered:
            problems.append(_("密码不能包含您的用户名、姓名或系统名称。"))
            break
    return problems
