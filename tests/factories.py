"""Factories for test data. Every object is committed (a savepoint inside the test's transaction)."""
import itertools
import random

import sqlalchemy as sa

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.companies.models import Company
from app.companies.services import assign_escort
from app.companies.uscc import generate
from app.reference.models import Department, Industry, Town

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)
_seq = itertools.count(1)
_rng = random.Random(4754)


class Factories:
    def __init__(self, session):
        self.session = session

    def _commit(self, obj):
        self.session.add(obj)
        self.session.commit()
        return obj

    def department(self, **kw):
        n = next(_seq)
        return self._commit(Department(code=kw.pop("code", f"dept{n}"), name=kw.pop("name", f"测试部门{n}"), **kw))

    def town(self, **kw):
        n = next(_seq)
        return self._commit(Town(code=kw.pop("code", f"town{n}"), name=kw.pop("name", f"测试街道{n}"), **kw))

    def industry(self, **kw):
        n = next(_seq)
        return self._commit(Industry(code=kw.pop("code", f"Z{n}"), name=kw.pop("name", f"测试行业{n}"), **kw))

    def user(self, role=Role.ESCORT, **kw):
        n = next(_seq)
        if role == Role.HELPER and "department" not in kw and "department_id" not in kw:
            kw["department"] = self.department()
        if role == Role.COMPANY and "company" not in kw and "company_id" not in kw:
            kw["company"] = self.company()
        department = kw.pop("department", None)
        company = kw.pop("company", None)
        user = User(
            username=kw.pop("username", f"{role}{n}"),
            name=kw.pop("name", f"测试{n}"),
            role=role,
            password_hash=kw.pop("password_hash", _HASH),
            department_id=department.id if department else kw.pop("department_id", None),
            company_id=company.id if company else kw.pop("company_id", None),
            **kw,
        )
        return self._commit(user)

    def company(self, escort=None, **kw):
        n = next(_seq)
        town = kw.pop("town", None) or self.session.scalars(sa.select(Town).limit(1)).first() or self.town()
        industry = kw.pop("industry", None) or self.session.scalars(sa.select(Industry).limit(1)).first() or self.industry()
        company = Company(
            name=kw.pop("name", f"杭州测试企业{n}有限公司"),
            uscc=kw.pop("uscc", generate(_rng)),
            town_id=town.id,
            industry_id=industry.id,
            category=kw.pop("category", "new_force"),
            **kw,
        )
        self._commit(company)
        if escort is not None:
            assign_escort(None, company, escort, "测试分配")
            self.session.commit()
        return company
