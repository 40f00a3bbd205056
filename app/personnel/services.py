"""Writes about people and assignments. Each function checks its rules, audits and
flushes; the caller commits once. A refusal raises Refused before anything changes."""
import re
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.auth import end_all_sessions
from app.accounts.services import revoke_all_tokens
from app.accounts.models import Role, User
from app.accounts.passwords import hash_password, password_problems
from app.companies.models import Company
from app.companies.queries import visible_companies
from app.companies.services import assign_escort
from app.core import audit
from app.extensions import db
from app.personnel import permissions
from app.personnel.queries import current_company_counts
from app.reference.models import Department, Town

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{2,63}$")
# The fields a staff form may set; role, active and password have their own functions and rules.
PROFILE_FIELDS = ("name", "phone", "email", "department_id", "town_id")
AUDITED_FIELDS = ("username", "role") + PROFILE_FIELDS

# Unambiguous characters (no 0/O, 1/l/I) so a temporary password can be read out over the phone.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"

MODE_ONE = "one"
MODE_ROUND_ROBIN = "round_robin"


class Refused(Exception):
    """A rule forbids the write; the message is for the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------- helpers


def username_problem(username: str) -> str | None:
    """Why a new username cannot be used, or None."""
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        return _("用户名须为3–64位字母、数字或 _ . @ -，并以字母或数字开头。")
    taken = db.session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == username.lower()))
    if taken is not None:
        return _("用户名“%(name)s”已被使用，请换一个。", name=username)
    return None


def generate_password(context: tuple[str, ...] = ()) -> str:
    """A random temporary password (four groups of four, about 90 bits) that passes the rules."""
    while True:
        candidate = "-".join("".join(secrets.choice(_ALPHABET) for _i in range(4)) for _j in range(4))
        if not password_problems(candidate, staff=True, context=context):
            return candidate


def _choose_password(password: str | None, *, staff: bool, context: tuple[str, ...]) -> str:
    if not password:
        return generate_password(context)
    problems = password_problems(password, staff=staff, context=context)
    if problems:
        raise Refused(" ".join(problems))
    return password


def _check_staff_fields(role: str, data: dict) -> None:
    if role == Role.HELPER and not data.get("department_id"):
        raise Refused(_("帮帮团成员必须选择所属职能部门。"))
    if data.get("department_id") and db.session.get(Department, data["department_id"]) is None:
        raise Refused(_("所选职能部门不存在。"))
    if data.get("town_id") and db.session.get(Town, data["town_id"]) is None:
        raise Refused(_("所选镇街不存在。"))


def _clean(data: dict) -> dict:
    """The whitelisted profile fields present in `data`: text stripped, empty ids as None."""
    cleaned = {}
    for field in PROFILE_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field in ("department_id", "town_id"):
            cleaned[field] = value or None
        else:
            cleaned[field] = (value or "").strip()
    return cleaned


def _current_companies(user: User) -> int:
    return current_company_counts([user.id]).get(user.id, 0)


# ---------------------------------------------------------------- staff


def create_staff(actor: User, data: dict, *, password: str | None = None) -> tuple[User, str]:
    """A new staff account that must change its password at first sign-in.

    Returns the user and the initial password (generated when none is given), to show once.
    """
    role = data.get("role")
    if role not in Role.STAFF:
        raise Refused(_("请选择有效的角色。"))
    if not permissions.can_create_staff(actor, role):
        raise Refused(_("您不能创建“%(role)s”账号。", role=Role.LABELS[role]))
    username = (data.get("username") or "").strip()
    problem = username_problem(username)
    if problem:
        raise Refused(problem)
    fields = _clean(data)
    if not fields.get("name"):
        raise Refused(_("请填写姓名。"))
    _check_staff_fields(role, fields)
    plain = _choose_password(password, staff=True, context=(username, fields["name"], "peipao"))
    user = User(username=username, role=role, password_hash=hash_password(plain), must_change_password=True, **fields)
    db.session.add(user)
    db.session.flush()
    audit.record("user_created", user, actor=actor, after=audit.snapshot(user, AUDITED_FIELDS))
    return user, plain


def update_staff(actor: User, user: User, data: dict) -> User:
    """Change a staff member's profile and role, within what `actor` may grant."""
    if not permissions.can_edit_staff(actor, user):
        raise Refused(_("您不能修改这个账号。"))
    role = data.get("role", user.role)
    if role != user.role:
        if user.id == actor.id:
            raise Refused(_("不能修改自己的角色。"))
        if role not in permissions.assignable_roles(actor, user):
            raise Refused(_("您不能把角色设为“%(role)s”。", role=Role.LABELS.get(role, role)))
        if user.role == Role.ESCORT:
            n = _current_companies(user)
            if n:
                raise Refused(_("%(name)s 名下还有 %(n)d 家企业，请先移交给其他陪跑员再更改角色。", name=user.name, n=n))
    fields = _clean(data)
    if "name" in fields and not fields["name"]:
        raise Refused(_("请填写姓名。"))
    _check_staff_fields(role, {"department_id": user.department_id, **fields})
    before = audit.snapshot(user, AUDITED_FIELDS)
    user.role = role
    for field, value in fields.items():
        setattr(user, field, value)
    db.session.flush()
    after = audit.snapshot(user, AUDITED_FIELDS)
    changed = [k for k in AUDITED_FIELDS if before[k] != after[k]]
    if changed:
        audit.record("user_updated", user, actor=actor,
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return user


def deactivate_staff(actor: User, user: User, *, reason: str = "") -> None:
    """Switch the account off and end all its sessions.

    Refused for oneself, and for an escort who still has companies (move them first:
    reassign_and_deactivate does both in one step).
    """
    if user.id == actor.id:
        raise Refused(_("不能停用自己的账号。"))
    if not permissions.can_deactivate_staff(actor, user):
        raise Refused(_("您不能停用这个账号。"))
    if not user.active:
        raise Refused(_("该账号已是停用状态。"))
    if user.role == Role.ESCORT:
        n = _current_companies(user)
        if n:
            raise Refused(_("%(name)s 名下还有 %(n)d 家企业，请先移交给其他陪跑员再停用。", name=user.name, n=n))
    user.active = False
    end_all_sessions(user)
    db.session.flush()
    audit.record("user_deactivated", user, actor=actor, before={"active": True}, after={"active": False},
                 message=reason.strip())


def reactivate_staff(actor: User, user: User) -> None:
    if not permissions.can_deactivate_staff(actor, user):
        raise Refused(_("您不能启用这个账号。"))
    if user.active:
        raise Refused(_("该账号已是启用状态。"))
    user.active = True
    db.session.flush()
    audit.record("user_reactivated", user, actor=actor, before={"active": False}, after={"active": True})


def reset_password(actor: User, user: User, *, password: str | None = None) -> str:
    """Give a staff member a temporary password (generated unless given) that must be changed
    at the next sign-in, and end all their sessions. Returns the password to show once."""
    if user.id == actor.id:
        raise Refused(_("不能在这里重置自己的密码，请使用“修改密码”。"))
    if not permissions.can_reset_password(actor, user):
        raise Refused(_("您不能重置这个账号的密码。"))
    return _set_temporary_password(actor, user, password)


def _set_temporary_password(actor: User, user: User, password: str | None) -> str:
    plain = _choose_password(password, staff=user.is_staff, context=(user.username, user.name, "peipao"))
    user.password_hash = hash_password(plain)
    user.must_change_password = True
    end_all_sessions(user)
    revoke_all_tokens(user, actor)
    db.session.flush()
    audit.record("password_reset", user, actor=actor)
    return plain


# ---------------------------------------------------------------- escorts and companies


def _check_targets(targets: list[User], *, leaving: User | None = None) -> None:
    if not targets:
        raise Refused(_("请选择接手的陪跑员。"))
    for target in targets:
        if target.role != Role.ESCORT or not target.active:
            raise Refused(_("%(name)s 不是在岗的陪跑员，不能接手企业。", name=target.name))
        if leaving is not None and target.id == leaving.id:
            raise Refused(_("接手的陪跑员不能是要停用的本人。"))


def plan_reassignment(companies: list[Company], targets: list[User], mode: str) -> list[tuple[Company, User]]:
    """Who gets which company.

    MODE_ONE: every company to the single target. MODE_ROUND_ROBIN: companies in name
    order dealt out one by one to the targets, starting with the one who currently has
    the fewest companies, so shares differ by at most one.
    """
    companies = sorted(companies, key=lambda c: (c.name, c.id))
    if mode == MODE_ONE:
        if len(targets) != 1:
            raise Refused(_("“全部移交给一位陪跑员”只能选择一位陪跑员。"))
        return [(c, targets[0]) for c in companies]
    if mode != MODE_ROUND_ROBIN:
        raise Refused(_("请选择移交方式。"))
    load = current_company_counts(t.id for t in targets)
    ordered = sorted(targets, key=lambda t: (load.get(t.id, 0), t.name, t.id))
    return [(c, ordered[i % len(ordered)]) for i, c in enumerate(companies)]


def reassign_companies(actor: User, companies: list[Company], targets: list[User], *, mode: str,
                       reason: str, leaving: User | None = None) -> int:
    """Move the companies to the target escorts in one transaction, keeping their history.

    Each move goes through assign_escort (closes the old assignment, opens a new one,
    audits). Returns how many companies changed escort.
    """
    if not permissions.can_reassign_companies(actor):
        raise Refused(_("您没有调整陪跑员的权限。"))
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("请填写调整原因。"))
    if not companies:
        raise Refused(_("请至少选择一家企业。"))
    _check_targets(targets, leaving=leaving)
    plan = plan_reassignment(companies, targets, mode)
    moved = 0
    for company, escort in plan:
        if assign_escort(actor, company, escort, reason) is not None:
            moved += 1
    audit.record(
        "companies_reassigned", leaving, actor=actor,
        after={"mode": mode, "targets": [t.id for t in targets], "companies": [c.id for c, _e in plan], "moved": moved},
        message=reason[:200],
    )
    return moved


def reassign_and_deactivate(actor: User, escort: User, targets: list[User], *, mode: str, reason: str) -> int:
    """The one step for a departing escort: hand every current company over, then deactivate."""
    if escort.id == actor.id:
        raise Refused(_("不能停用自己的账号。"))
    if not permissions.can_deactivate_staff(actor, escort):
        raise Refused(_("您不能停用这个账号。"))
    companies = list(db.session.scalars(visible_companies(actor).where(Company.escort_id == escort.id)))
    moved = 0
    if companies:
        moved = reassign_companies(actor, companies, targets, mode=mode, reason=reason, leaving=escort)
    deactivate_staff(actor, escort, reason=reason)
    return moved


# ---------------------------------------------------------------- portal accounts


def create_portal_account(actor: User, company: Company, data: dict, *, password: str | None = None) -> tuple[User, str]:
    """A company-role account for one of the company's staff; first sign-in forces a new password.

    The caller checks can_create_portal_account(actor, company).
    """
    username = (data.get("username") or "").strip()
    problem = username_problem(username)
    if problem:
        raise Refused(problem)
    name = (data.get("name") or "").strip()
    if not name:
        raise Refused(_("请填写姓名。"))
    plain = _choose_password(password, staff=False, context=(username, name, "peipao"))
    user = User(
        username=username, name=name, phone=(data.get("phone") or "").strip(), role=Role.COMPANY,
        company_id=company.id, password_hash=hash_password(plain), must_change_password=True,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("portal_account_created", user, actor=actor,
                 after={"username": username, "name": name, "company_id": company.id})
    return user, plain


def reset_portal_password(actor: User, account: User, *, password: str | None = None) -> str:
    """A temporary password for a portal account. The caller checks can_manage_portal_account."""
    if account.role != Role.COMPANY:
        raise Refused(_("这不是企业用户账号。"))
    return _set_temporary_password(actor, account, password)


def set_portal_account_active(actor: User, account: User, active: bool) -> None:
    """Switch a portal account off (ending its sessions) or on again. The caller checks permission."""
    if account.role != Role.COMPANY:
        raise Refused(_("这不是企业用户账号。"))
    if account.active == active:
        raise Refused(_("该账号已是启用状态。") if active else _("该账号已是停用状态。"))
    account.active = active
    if not active:
        end_all_sessions(account)
    db.session.flush()
    audit.record("user_reactivated" if active else "user_deactivated", account, actor=actor,
                 before={"active": not active}, after={"active": active})
