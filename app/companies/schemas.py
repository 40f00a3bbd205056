"""The payload of a new company through the API: the page form's rules (companies.forms), as one schema.

Reference fields take an id, a code or a name (镇街, 行业门类); the credit code is checked (check digit,
not registered yet) with the same functions as the form.
"""
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from pydantic import Field, Strict, WithJsonSchema, field_validator

from app.accounts.models import User
from app.companies.forms import uscc_duplicate_error
from app.companies.models import CATEGORIES, SPECIALIZED_TIERS
from app.companies.queries import active_escorts
from app.companies.uscc import validation_error
from app.core.payloads import (
    OptionalId, Paging, Payload, QueryInt, StrictBoolean, query_choice, query_text, refuse, text,
)
from app.extensions import db
from app.reference.models import Industry, Town

IdOrName = Annotated[int, Strict()] | Annotated[str, Strict()]


def _active_id(model, value, *columns) -> int | None:
    """The active row named by id, code or name."""
    conditions = [column == str(value) for column in columns]
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and 0 < value < 2**31:
        conditions.append(model.id == value)
    return db.session.scalar(sa.select(model.id).where(sa.or_(*conditions), model.active.is_(True)).limit(1))


class CompanyCreate(Payload):
    """登记的企业。 / A new company."""

    messages: ClassVar[dict] = {
        "name": _l("请填写企业名称。"), "uscc": _l("请填写统一社会信用代码。"), "category": _l("请选择类别。"),
        "town": _l("请选择镇街。"), "industry": _l("请选择行业。"), "specialized_tier": _l("专精特新梯度无效。"),
        "is_above_scale": _l("应为 true 或 false。"), "annual_revenue": _l("应为数字。"),
        "annual_revenue:greater_than_equal": _l("不能为负数。"),
        "employees": _l("请输入合理的人数。"), "escort_id": _l("请选择在岗的陪跑员。"),
        "address": _l("应为文本。"), "contact_name": _l("应为文本。"), "contact_phone": _l("应为文本。"),
    }

    name: text(200)
    uscc: Annotated[text(30), Field(description="校验位须正确，不能与已登记企业重复。 / "
                                                "Check digit must be right; must be unique.")]
    category: Literal[tuple(CATEGORIES)]
    town: IdOrName = Field(description="镇街的编号、代码或名称。 / Town id, code or name.")
    industry: IdOrName = Field(description="行业门类的编号、代码或名称。 / Industry id, code or name.")
    specialized_tier: Literal[tuple(SPECIALIZED_TIERS)] = ""
    is_above_scale: StrictBoolean = False
    annual_revenue: Annotated[Annotated[float, Strict(), Field(ge=0)] | None,
                              WithJsonSchema({"type": "number", "minimum": 0, "nullable": True,
                                              "description": "万元 / 10,000 CNY"})] = None
    employees: Annotated[int, Strict(), Field(ge=0, le=10_000_000)] | None = None
    address: text(300, required=False) = ""
    contact_name: text(50, required=False) = ""
    contact_phone: text(32, required=False) = ""
    escort_id: OptionalId = Field(None, description="在岗陪跑员的编号。 / An active escort's id.")

    @field_validator("specialized_tier", mode="before")
    @classmethod
    def _no_tier(cls, value):
        return "" if value is None else value

    @field_validator("uscc")
    @classmethod
    def _credit_code(cls, value):
        error = validation_error(value) or uscc_duplicate_error(value)
        if error:
            raise refuse(error)
        return value

    @field_validator("town")
    @classmethod
    def _town(cls, value):
        return _active_id(Town, value, Town.code, Town.name) or _raise(cls.messages["town"])

    @field_validator("industry")
    @classmethod
    def _industry(cls, value):
        return _active_id(Industry, value, Industry.code, Industry.name) or _raise(cls.messages["industry"])

    @field_validator("annual_revenue")
    @classmethod
    def _amount(cls, value):
        if value is not None and value >= 10**12:
            raise refuse(_l("请输入合理的金额。"))
        return value

    @field_validator("escort_id")
    @classmethod
    def _escort(cls, value):
        if value is not None and db.session.scalar(
                active_escorts().with_only_columns(User.id).where(User.id == value)) is None:
            raise refuse(cls.messages["escort_id"])
        return value

    def company_data(self) -> dict:
        """The fields companies.services.create_company takes."""
        return {
            "name": self.name, "uscc": self.uscc, "town_id": self.town, "industry_id": self.industry,
            "category": self.category, "specialized_tier": self.specialized_tier,
            "is_above_scale": self.is_above_scale,
            "annual_revenue": None if self.annual_revenue is None else Decimal(str(self.annual_revenue)),
            "employees": self.employees, "address": self.address, "contact_name": self.contact_name,
            "contact_phone": self.contact_phone,
        }


def _raise(message):
    raise refuse(message)


class CompanyListQuery(Paging):
    """GET /api/v1/companies: the list's filters."""

    q: query_text() = Field("", description=(
        "名称或曾用名包含该词，或信用代码为该代码（与页面的企业搜索相同）。 / The name or a former name contains it, "
        "or the credit code is it (the pages' company search)."))
    category: query_choice(CATEGORIES) = Field(None, description="陪跑类别 / Category")
    town: QueryInt = Field(None, description="镇街编号 / Town id")
    escort_id: QueryInt = Field(None, description="陪跑员编号 / Escort id")
