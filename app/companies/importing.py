"""Company spreadsheets: the columns shared by the template, the import and the export.

An import is all or nothing. `validate_rows` checks every row with the rules of
CompanyForm (same messages where they apply) against reference data loaded once
into dicts, so 5,000 rows cost a handful of queries; `import_companies` then
writes them with two bulk inserts and one audit record, and the view commits.

The headers are a file format, not UI text: a template downloaded in any UI
language has the same Chinese headers, and those are what the import reads.
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import force_locale, lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.orm import aliased

from app.accounts.models import Role, User
from app.companies.models import CATEGORIES, GOAL_STATUSES, SPECIALIZED_TIERS, Company, EscortAssignment
from app.companies.uscc import normalize, validation_error
from app.core import audit
from app.core.db import utcnow
from app.extensions import db
from app.reference.models import Industry, Town

IMPORT_REASON = "批量导入"
MAX_EMPLOYEES = 10_000_000
MAX_REVENUE = Decimal("1e12")  # Numeric(14, 2)
_IN_CHUNK = 1000  # bound parameters per IN (…) query


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool
    note: object  # lazy string for the template's instructions sheet
    aliases: tuple = ()
    width: int = 16


COLUMNS = (
    Column("企业名称", "name", True, _l("必填，不超过200字。"), width=32),
    Column("统一社会信用代码", "uscc", True, _l("必填，18位，校验位须正确；不能与已登记企业或本表其他行重复。"),
           aliases=("信用代码", "社会信用代码"), width=22),
    Column("镇街", "town", True, _l("必填，填写镇街名称（见“选项”表）。"), aliases=("所属镇街",), width=12),
    Column("行业门类", "industry", True, _l("必填，填写门类字母（如 C）或名称（如 制造业）。"), aliases=("行业",), width=20),
    Column("陪跑类别", "category", True, _l("必填，填写类别名称（如 新势力企业）或代码（如 new_force）。"),
           aliases=("类别",), width=22),
    Column("专精特新梯度", "specialized_tier", False, _l("选填，见“选项”表；不属于可留空或填“无”。"), width=22),
    Column("规上企业", "is_above_scale", False, _l("选填，填“是”或“否”，留空视为“否”。"),
           aliases=("规上企业（是/否）", "是否规上企业", "规上"), width=10),
    Column("年营业收入（万元）", "annual_revenue", False, _l("选填，数字，单位万元，不能为负数。"),
           aliases=("年营业收入", "营业收入（万元）"), width=18),
    Column("从业人数", "employees", False, _l("选填，非负整数。"), width=10),
    Column("地址", "address", False, _l("选填，不超过300字。"), width=36),
    Column("联系人", "contact_name", False, _l("选填，不超过50字。"), width=10),
    Column("联系电话", "contact_phone", False, _l("选填，不超过32位。"), aliases=("电话",), width=16),
    Column("陪跑员用户名", "escort", False, _l("选填，填写在岗陪跑员的登录用户名，导入后即分配给该陪跑员。"), width=14),
)
TEXT_FIELDS = {"uscc", "contact_phone", "escort"}  # formatted as text in the template: no 1.2E+17


def _header_key(header: str) -> str:
    """Headers compare without spaces, a required-marker star, or full/half-width differences."""
    text = "".join(str(header).split()).rstrip("*＊")
    return text.translate(str.maketrans("()／：:", "（）/：：")).lower()


_COLUMN_BY_KEY = {_header_key(name): column for column in COLUMNS for name in (column.header, *column.aliases)}


def _plain(text: str) -> str:
    """Labels compare without spaces, quote marks or letter case (“小巨人” = "小巨人" = 小巨人)."""
    return "".join(ch for ch in str(text) if not ch.isspace() and ch not in "“”\"'‘’「」『』").casefold()


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: object


@dataclass
class _Lookups:
    """Reference data for one import, loaded once: no query per row."""

    towns: dict = field(default_factory=dict)  # plain key -> (id, active, name)
    industries: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # username -> (id, username, role, active)
    users_folded: dict = field(default_factory=dict)  # the same, by lower-case username
    existing_codes: set = field(default_factory=set)

    @classmethod
    def load(cls, codes, usernames) -> "_Lookups":
        lookups = cls()
        for town in db.session.execute(sa.select(Town.id, Town.code, Town.name, Town.active)):
            for key in (town.name, town.code):
                lookups.towns.setdefault(_plain(key), (town.id, town.active, town.name))
        for ind in db.session.execute(sa.select(Industry.id, Industry.code, Industry.name, Industry.active)):
            for key in (ind.code, ind.name, ind.code + ind.name):
                lookups.industries.setdefault(_plain(key), (ind.id, ind.active, ind.name))
        for chunk in _chunks(sorted(codes)):
            lookups.existing_codes.update(db.session.scalars(sa.select(Company.uscc).where(Company.uscc.in_(chunk))))
        for chunk in _chunks(sorted({u.lower() for u in usernames})):
            stmt = sa.select(User.id, User.username, User.role, User.active).where(sa.func.lower(User.username).in_(chunk))
            for user in db.session.execute(stmt):
                lookups.users[user.username] = user
                lookups.users_folded.setdefault(user.username.lower(), user)
        return lookups


def _chunks(items, size: int = _IN_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


_CATEGORY_KEYS = {_plain(code): code for code in CATEGORIES}
_TIER_KEYS = {_plain("无"): "", **{_plain(code): code for code in SPECIALIZED_TIERS if code}}
_TRUE = {"是", "y", "yes", "true", "1", "√", "规上"}
_FALSE = {"否", "n", "no", "false", "0", "×", "规下"}


def _label_keys(mapping: dict, labels: dict) -> dict:
    """Code keys plus the labels both in the current language and in Chinese (the file format)."""
    keys = dict(mapping)
    for code, label in labels.items():
        label = label[0] if isinstance(label, tuple) else label
        keys.setdefault(_plain(str(label)), code)
        with force_locale("zh"):
            keys.setdefault(_plain(str(label)), code)
    return keys


class _RowChecker:
    """Turns one row's cells into clean field values, collecting RowErrors."""

    def __init__(self, lookups: _Lookups, headers: dict):
        self.lookups = lookups
        self.headers = headers  # field -> header as written in the file
        self.categories = _label_keys(_CATEGORY_KEYS, CATEGORIES)
        self.tiers = _label_keys(_TIER_KEYS, {k: v for k, v in SPECIALIZED_TIERS.items() if k})
        self.seen_codes: dict[str, int] = {}  # credit code -> first row that has it
        self.lengths = {name: Company.__table__.c[name].type.length
                        for name in ("name", "address", "contact_name", "contact_phone")}

    def check(self, number: int, record: dict, errors: list) -> dict:
        self.number, self.record, self.errors = number, record, errors
        before = len(errors)
        clean = {"row": number}
        for name in ("name", "address", "contact_name", "contact_phone"):
            clean[name] = self._string(name)
        clean["uscc"] = self._uscc()
        clean["town_id"] = self._reference("town", self.lookups.towns, _l("请填写镇街。"),
                                           _l("找不到该镇街，请填写“选项”表中的镇街名称。"), _l("该镇街已停用。"))
        clean["industry_id"] = self._reference("industry", self.lookups.industries, _l("请填写行业门类。"),
                                               _l("找不到该行业门类，请填写门类字母或名称。"), _l("该行业门类已停用。"))
        clean["category"] = self._choice("category", self.categories, required=True)
        clean["specialized_tier"] = self._choice("specialized_tier", self.tiers, required=False) or ""
        clean["is_above_scale"] = self._yes_no("is_above_scale")
        clean["annual_revenue"] = self._revenue()
        clean["employees"] = self._employees()
        clean["escort_id"] = self._escort()
        return clean if len(errors) == before else None

    def _raw(self, name):
        header = self.headers.get(name)
        return self.record.get(header) if header else None

    def _error(self, name, message, value=None):
        shown = _text(self._raw(name) if value is None else value)
        self.errors.append(RowError(self.number, self.headers.get(name, _column(name).header), shown[:100], message))
        return None

    def _string(self, name):
        value = _text(self._raw(name))
        if name == "name" and not value:
            return self._error(name, _l("请填写企业名称。"))
        limit = self.lengths[name]
        if len(value) > limit:
            return self._error(name, _l("不能超过%(max)d个字符（当前%(n)d个）。", max=limit, n=len(value)))
        return value

    def _uscc(self):
        code = normalize(_text(self._raw("uscc")))
        if not code:
            return self._error("uscc", _l("请填写统一社会信用代码。"))
        error = validation_error(code)
        if error is None and code in self.lookups.existing_codes:
            error = _l("该统一社会信用代码已登记，不能重复添加。")
        if error is None and code in self.seen_codes:
            error = _l("与第%(row)d行的统一社会信用代码重复。", row=self.seen_codes[code])
        if error is not None:
            return self._error("uscc", error)
        self.seen_codes[code] = self.number
        return code

    def _reference(self, name, table, missing, unknown, inactive):
        value = _text(self._raw(name))
        if not value:
            return self._error(name, missing)
        found = table.get(_plain(value))
        if found is None:
            return self._error(name, unknown)
        ref_id, active, _label = found
        if not active:
            return self._error(name, inactive)
        return ref_id

    def _choice(self, name, keys, *, required):
        value = _text(self._raw(name))
        if not value:
            if required:
                return self._error(name, _l("请填写陪跑类别。"))
            return ""
        code = keys.get(_plain(value))
        if code is None:
            if name == "category":
                return self._error(name, _l("无法识别的陪跑类别，可填：%(choices)s。",
                                            choices="、".join(str(label) for label, _s in CATEGORIES.values())))
            return self._error(name, _l("无法识别的专精特新梯度，可填：%(choices)s。",
                                        choices="、".join(str(v) for v in SPECIALIZED_TIERS.values())))
        return code

    def _yes_no(self, name):
        raw = self._raw(name)
        if isinstance(raw, bool):
            return raw
        value = _text(raw).casefold()
        if value in _TRUE:
            return True
        if value in _FALSE or value == "":
            return False
        return self._error(name, _l("请填写“是”或“否”。"))

    def _revenue(self):
        raw = self._raw("annual_revenue")
        if raw is None:
            return None
        try:
            amount = Decimal(str(raw).replace(",", "").replace("，", "").strip())
        except InvalidOperation:
            return self._error("annual_revenue", _l("请填写数字。"))
        if not amount.is_finite():
            return self._error("annual_revenue", _l("请填写数字。"))
        if amount < 0:
            return self._error("annual_revenue", _l("不能为负数。"))
        if amount >= MAX_REVENUE:
            return self._error("annual_revenue", _l("数值过大，请核对单位（万元）。"))
        return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def _employees(self):
        raw = self._raw("employees")
        if raw is None:
            return None
        try:
            number = Decimal(str(raw).replace(",", "").strip())
        except InvalidOperation:
            return self._error("employees", _l("请填写整数。"))
        if not number.is_finite() or number != number.to_integral_value():
            return self._error("employees", _l("请填写整数。"))
        if not 0 <= number <= MAX_EMPLOYEES:
            return self._error("employees", _l("请输入合理的人数。"))
        return int(number)

    def _escort(self):
        username = _text(self._raw("escort"))
        if not username:
            return None
        user = self.lookups.users.get(username) or self.lookups.users_folded.get(username.lower())
        if user is None:
            return self._error("escort", _l("找不到该用户名。"))
        if user.role != Role.ESCORT:
            return self._error("escort", _l("该用户不是陪跑员。"))
        if not user.active:
            return self._error("escort", _l("该陪跑员账号已停用。"))
        return user.id


def _column(name: str) -> Column:
    return next(c for c in COLUMNS if c.field == name)


def validate_rows(rows) -> tuple[list[dict], list[RowError]]:
    """Check every row of `read_table` output; returns (clean rows, errors).

    Nothing is worth importing unless `errors` is empty. Errors name the
    spreadsheet row, the header as written in the file, the cell and the reason.
    """
    errors: list[RowError] = []
    if not rows:
        return [], [RowError(2, "", "", _l("文件中没有数据行（第1行为表头，数据从第2行开始）。"))]
    headers: dict[str, str] = {}
    for header in rows[0][1]:
        column = _COLUMN_BY_KEY.get(_header_key(header))
        if column is None:
            errors.append(RowError(1, header, header, _l("无法识别的列，请使用导入模板中的表头。")))
        elif column.field in headers:
            errors.append(RowError(1, header, header, _l("与“%(other)s”列重复。", other=headers[column.field])))
        else:
            headers[column.field] = header
    for column in COLUMNS:
        if column.required and column.field not in headers:
            errors.append(RowError(1, column.header, "", _l("缺少必填列“%(header)s”。", header=column.header)))
    if errors:
        return [], errors

    codes = {normalize(_text(record.get(headers["uscc"]))) for _n, record in rows}
    usernames = {_text(record.get(headers["escort"])) for _n, record in rows} - {""} if "escort" in headers else set()
    checker = _RowChecker(_Lookups.load(codes, usernames), headers)
    clean_rows = []
    for number, record in rows:
        clean = checker.check(number, record, errors)
        if clean is not None:
            clean_rows.append(clean)
    order = {c.field: i for i, c in enumerate(COLUMNS)}
    by_header = {header: order[name] for name, header in headers.items()}
    errors.sort(key=lambda e: (e.row, by_header.get(e.column, 99)))
    return (clean_rows if not errors else []), errors


def import_companies(actor, clean_rows: list[dict], *, filename: str = "") -> dict:
    """Insert validated rows (from validate_rows) in bulk, assign escorts, audit once.

    Flushes, never commits. Returns a summary: count, assigned, filename.
    """
    now = utcnow()
    company_rows = [
        {
            "name": r["name"], "uscc": r["uscc"], "town_id": r["town_id"], "industry_id": r["industry_id"],
            "category": r["category"], "specialized_tier": r["specialized_tier"],
            "is_above_scale": r["is_above_scale"], "annual_revenue": r["annual_revenue"],
            "employees": r["employees"], "address": r["address"], "contact_name": r["contact_name"],
            "contact_phone": r["contact_phone"], "escort_id": r["escort_id"], "goal_status": "not_started",
            "goal_note": "", "created_at": now, "updated_at": now,
        }
        for r in clean_rows
    ]
    if company_rows:
        # render_nulls keeps one key set for every row, so the rows go in multi-row batches
        # instead of a new statement wherever a None would change the set of columns.
        db.session.execute(sa.insert(Company).execution_options(render_nulls=True), company_rows)
    ids: dict[str, int] = {}
    for chunk in _chunks(r["uscc"] for r in clean_rows):
        ids.update(db.session.execute(sa.select(Company.uscc, Company.id).where(Company.uscc.in_(chunk))).all())
    assignments = [
        {"company_id": ids[r["uscc"]], "escort_id": r["escort_id"], "started_at": now, "ended_at": None,
         "reason": IMPORT_REASON, "assigned_by_id": getattr(actor, "id", None)}
        for r in clean_rows if r["escort_id"]
    ]
    if assignments:
        db.session.execute(sa.insert(EscortAssignment).execution_options(render_nulls=True), assignments)
    summary = {"count": len(company_rows), "assigned": len(assignments), "filename": filename[:200]}
    audit.record(
        "companies_imported", None, actor=actor,
        after={**summary, "company_ids": sorted(ids.values())},
        message=f"导入企业 {len(company_rows)} 家（{filename[:100]}）",
    )
    db.session.flush()
    return summary


# --- the downloadable template -------------------------------------------------


def build_template() -> Workbook:
    """The import template: headers on sheet 1, instructions and allowed values after it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业"
    options = workbook.create_sheet("选项")
    notes = workbook.create_sheet(str(_l("填写说明")))

    bold = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = bold
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.field in TEXT_FIELDS:
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    towns = db.session.scalars(sa.select(Town.name).where(Town.active.is_(True)).order_by(Town.code)).all()
    industries = [f"{code} {name}" for code, name in db.session.execute(
        sa.select(Industry.code, Industry.name).where(Industry.active.is_(True)).order_by(Industry.code))]
    lists = {
        "town": towns,
        "industry": industries,
        "category": [str(label) for label, _slogan in CATEGORIES.values()],
        "specialized_tier": [str(label) for label in SPECIALIZED_TIERS.values()],
        "is_above_scale": ["是", "否"],
    }
    last_row = 20_001
    for option_index, (name, values) in enumerate(lists.items(), start=1):
        column = _column(name)
        option_letter = get_column_letter(option_index)
        options.cell(row=1, column=option_index, value=column.header).font = bold
        options.column_dimensions[option_letter].width = column.width + 6
        for row, value in enumerate(values, start=2):
            options.cell(row=row, column=option_index, value=value)
        if not values:
            continue
        target = get_column_letter(COLUMNS.index(column) + 1)
        validation = DataValidation(
            type="list", formula1=f"'选项'!${option_letter}$2:${option_letter}${len(values) + 1}",
            allow_blank=True, showErrorMessage=False,
        )
        validation.add(f"{target}2:{target}{last_row}")
        sheet.add_data_validation(validation)

    notes.append([str(_l("列名")), str(_l("是否必填")), str(_l("填写要求"))])
    for cell in notes[1]:
        cell.font = bold
    for column in COLUMNS:
        notes.append([column.header, str(_l("必填")) if column.required else str(_l("选填")), str(column.note)])
    notes.append([])
    notes.append([str(_l("说明")), "", str(_l("第1行为表头，请勿修改；数据从第2行开始。全部行检查无误后才会导入，有任何错误则一行都不导入。"))])
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 80
    return workbook


# --- export ----------------------------------------------------------------------

EXPORT_HEADERS = [c.header for c in COLUMNS] + ["陪跑员", "目标进度", "登记时间"]


def export_rows(stmt: sa.Select, *, batch: int = 1000):
    """Rows for EXPORT_HEADERS from a scoped company select, streamed `batch` at a time.

    Selects plain columns (no ORM objects) joined to their labels, so memory
    stays flat and there is no query per row.
    """
    town, industry, escort = aliased(Town), aliased(Industry), aliased(User)
    stmt = (
        stmt.join(town, Company.town_id == town.id)
        .join(industry, Company.industry_id == industry.id)
        .outerjoin(escort, Company.escort_id == escort.id)
        .with_only_columns(
            Company.name, Company.uscc, town.name, industry.code, industry.name, Company.category,
            Company.specialized_tier, Company.is_above_scale, Company.annual_revenue, Company.employees,
            Company.address, Company.contact_name, Company.contact_phone, escort.username, escort.name,
            Company.goal_status, Company.created_at,
        )
        .order_by(Company.name, Company.id)
        .execution_options(yield_per=batch)
    )
    categories = {code: str(label) for code, (label, _s) in CATEGORIES.items()}
    tiers = {code: str(label) for code, label in SPECIALIZED_TIERS.items()}
    tiers[""] = ""
    goals = {code: str(label) for code, label in GOAL_STATUSES.items()}
    yes, no = "是", "否"
    for (name, uscc, town_name, industry_code, industry_name, category, tier, above, revenue, employees,
         address, contact_name, contact_phone, escort_username, escort_name, goal, created_at) in db.session.execute(stmt):
        yield (
            name, uscc, town_name, f"{industry_code} {industry_name}", categories.get(category, category),
            tiers.get(tier, tier), yes if above else no, revenue, employees, address, contact_name,
            contact_phone, escort_username or "", escort_name or "", goals.get(goal, goal), created_at,
        )
