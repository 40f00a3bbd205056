"""Password rules per ASVS: length (8, 12 for staff; at least 64 allowed), no composition rules,
common and context-specific passwords refused; argon2id at least as strong as the ASVS minimum,
and old hashes upgraded at the next sign-in."""
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.low_level import Type
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from app.accounts.models import Role, User
from app.accounts.passwords import common_passwords, hash_password, password_problems, verify_password
from tests.conftest import Browser
from tests.factories import PASSWORD

COMMON = "这个密码太常见，很容易被猜到，请换一个。"
CONTEXT = "密码不能包含您的用户名、姓名或系统名称。"


def test_the_bundled_list_holds_tens_of_thousands_of_leaked_passwords():
    assert len(common_passwords()) >= 10_000
    long_ones = [p for p in FREQUENCY_LISTS["passwords"] if len(p) >= 12][:5]
    assert long_ones
    for password in long_ones:
        assert COMMON in password_problems(password, staff=True)
        assert COMMON in password_problems(password.upper(), staff=True)  # case does not save it


@pytest.mark.parametrize("password", ["sunshine", "Football", "1qaz2wsx3edc", "qwertyuiop123", "password1234"])
def test_well_known_passwords_are_refused(password):
    assert COMMON in password_problems(password, staff=False)


@pytest.mark.parametrize("password, context", [
    ("xiaoshan-office-2026", ()), ("我的陪跑平台密码2026", ()), ("peipao-is-great", ()),
    ("zhangwei-secret-1", ("zhangwei", "张伟")), ("密码张伟12345678", ("zhangwei", "张伟")),
])
def test_context_specific_words_are_refused(password, context):
    assert CONTEXT in password_problems(password, staff=True, context=context)


def test_no_composition_rules_and_long_passphrases_allowed():
    assert password_problems("lowercase only words here", staff=True) == []
    assert password_problems("x" * 3 + "correct horse battery staple " * 2 + "tail", staff=True) == []
    assert password_problems("一句足够长的中文密码短语也可以", staff=True) == []
    assert password_problems("k" + "q7-" * 21 + "z", staff=True) == []  # 65 characters
    assert password_problems("q7-z" * 32, staff=True) == []  # 128
    assert password_problems("q7-z" * 32 + "x", staff=True)  # 129: refused


def test_hashes_are_argon2id_with_at_least_the_asvs_parameters():
    encoded = hash_password("an example passphrase")
    from argon2 import extract_parameters

    p = extract_parameters(encoded)
    assert p.type is Type.ID
    # OWASP/ASVS minimum for argon2id: 19 MiB memory, 2 iterations, 1 degree of parallelism.
    assert p.memory_cost >= 19 * 1024 and p.time_cost >= 2 and p.parallelism >= 1


def test_a_weaker_hash_is_upgraded_at_the_next_sign_in(app, make, db_session):
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    user = make.user(role=Role.ESCORT, password_hash=weak)
    assert Browser(app.test_client()).login(user.username).status_code == 302
    db_session.expire_all()
    stored = db_session.scalar(sa.select(User.password_hash).where(User.id == user.id))
    assert stored != weak and verify_password(stored, PASSWORD)
    from argon2 import extract_parameters

    assert extract_parameters(stored).memory_cost >= 19 * 1024


def test_a_common_password_is_refused_on_the_change_form(login_as, db_session):
    b, user = login_as(Role.COMPANY)
    common = next(p for p in FREQUENCY_LISTS["passwords"] if len(p) >= 8 and p.isalnum())
    response = b.post("/auth/password", {"current_password": PASSWORD, "new_password": common, "confirm": common})
    assert COMMON in response.get_data(as_text=True)
    db_session.expire_all()
    assert verify_password(db_session.get(User, user.id).password_hash, PASSWORD)
