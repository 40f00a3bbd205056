"""`flask demo scale`: a district-sized data set on top of the demo accounts, for benchmarks.

Adds companies (with their escorts' assignment history), escorts and department helpers,
visits for every escort, and problems spread over every state, category, department, town
and the last three years, each with the timeline events, dispatch records, extension
requests, audit rows and notifications the real services would have written.

The problems are not walked through app.tickets.services (that runs ~30 statements per
step): each one is simulated in Python — the working-day deadlines of the SLA settings,
on-time facts, returns, reopenings, automatic closing and supervision by the sweep — and the
rows are written in bulk (executemany on SQLite, COPY on PostgreSQL). Every step of a problem
is read from the transitions table (app/tickets/transitions.py): the state it leads to, and the
actor's role, which must be one the table allows there (tests/test_scale_replay.py replays every
timeline through it).

`flask demo scale` (app/demo/cli.py) imports this module from the source tree; it is a tool
for benchmarks, not part of the app.
Primary keys are assigned here, so events reference their ticket without a round trip;
ticket numbers continue the per-year counters.

Deterministic: the same --seed and --now give the same rows.
"""
from __future__ import annotations

import json
import random
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from operator import itemgetter

import sqlalchemy as sa

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.companies.models import CATEGORIES as COMPANY_CATEGORIES
from app.companies.models import Company, EscortAssignment
from app.companies.uscc import generate as generate_uscc
from app.core.models import AuditLog, Notification
from app.core.timeutil import LOCAL_TZ
from app.core.workdays import is_workday
from app.demo import data
from app.extensions import db
from app.reference.models import Department, Industry, Town
from app.search import index as search_index
from app.settings.sla import get_sla
from app.tickets.models import (
    DispatchRecord, ExtensionRequest, Ticket, TicketCoDepartment, TicketCounter, TicketEvent,
)
from app.tickets.transitions import COLLECT_EVENT, TRANSITIONS, initial_state, target_state
from app.visits.models import Visit

# --------------------------------------------------------------------------- texts

PROBLEM_TEXTS = {
    "financing": [("流动资金贷款续贷困难",
                   "银行收紧授信，{amount}万元流动资金贷款到期后续贷审批未通过，影响原材料采购。"),
                  ("希望对接政策性低息贷款", "扩产项目资金缺口约{amount}万元，希望对接政策性银行和担保机构。"),
                  ("应收账款融资渠道咨询", "下游客户账期长，应收账款约{amount}万元，想了解供应链金融产品。")],
    "land": [("扩产项目新增用地指标", "扩产项目需新增工业用地{n}亩，用地指标申请进展缓慢。"),
             ("厂房租赁到期需搬迁", "现租厂房{n}个月后到期，需在本镇街寻找合适的标准厂房。"),
             ("低效用地改造审批咨询", "计划对老厂区进行“腾笼换鸟”改造，想了解容积率调整流程。")],
    "labour": [("招聘技术工人困难", "急需数控、焊接等技术工人{n}名，本地招聘渠道效果不佳。"),
               ("高层次人才落户咨询", "引进的研发骨干需办理人才落户和子女入学，流程不清楚。"),
               ("员工技能培训补贴申请", "组织了{n}名员工参加技能培训，想了解培训补贴的申报条件。")],
    "policy": [("研发费用加计扣除口径咨询", "想了解今年研发费用加计扣除的最新口径和申报时间。"),
               ("技改补助资金迟迟未到账", "去年申报的技术改造补助已公示，资金{n}个月仍未到账。"),
               ("稳岗返还政策申请", "企业符合稳岗返还条件，但申报系统提示信息不一致。")],
    "approval": [("新厂房用电增容审批慢", "新建厂房需增容至{n}00千伏安，申请已提交两个月仍未批复。"),
                 ("建设项目竣工验收办理", "新建车间已完工，竣工验收涉及多个部门，希望协调联合验收。"),
                 ("生产许可证变更手续", "企业地址变更后生产许可证需同步变更，材料要求不明确。")],
    "energy": [("排污许可证续期材料", "排污许可证下月到期，续期材料有疑问。"),
               ("能耗指标不足影响扩产", "新上生产线年用能约{n}00吨标准煤，能评指标紧张。"),
               ("光伏屋顶项目并网咨询", "计划在厂房屋顶建设分布式光伏，想了解备案和并网流程。")],
    "logistics": [("进口设备通关时间长", "一批检测设备在港口滞留{n}天，影响交付。"),
                  ("园区道路限行影响货运", "园区道路限行后大货车进出困难，影响原材料进厂。"),
                  ("出口集装箱订舱困难", "海运运力紧张，{n}个集装箱订舱一直排不上。")],
    "market": [("希望参加境外展会", "希望参加政府组织的境外展会，拓展东南亚市场。"),
               ("产品进入政府采购目录", "自主研发产品希望申请进入首台套和政府采购推荐目录。"),
               ("对接本地龙头企业配套", "希望通过产业链对接会成为本地整车企业的配套供应商。")],
    "technology": [("高新技术企业认定辅导", "希望获得高新技术企业认定的申报辅导。"),
                   ("申报专精特新需要哪些材料", "今年准备申报省级专精特新中小企业，材料要求不清楚。"),
                   ("校企合作研发平台对接", "希望与高校共建研发中心，攻关{n}项关键工艺。")],
    "other": [("企业名称变更后证照更新", "企业名称变更后，多项证照和银行账户需同步更新。"),
              ("厂区周边公交线路调整建议", "厂区员工{n}00余人，建议增设通勤公交站点。"),
              ("商标被抢注维权咨询", "企业商标在境外被抢注，想了解维权途径。")],
}
# The department a category usually goes to (codes of data.DEPARTMENTS), most likely first.
CATEGORY_DEPARTMENTS = {
    "financing": ["finance", "finance", "economy"], "land": ["land", "land", "drc"], "labour": ["hrss"],
    "policy": ["economy", "tax", "drc", "finance"], "approval": ["market", "drc", "land", "ecology"],
    "energy": ["ecology", "drc", "economy"], "logistics": ["economy", "drc"], "market": ["market", "economy"],
    "technology": ["science", "science", "economy"], "other": ["market", "drc", "economy", "hrss"],
}
# 协办: the share of dispatches naming co-departments, by category (cross-department problems — power,
# land, approvals, energy — most often), and the departments asked to help (codes, any but the lead).
CO_SHARE = {"approval": 0.35, "land": 0.3, "energy": 0.3, "policy": 0.12, "labour": 0.1, "financing": 0.08,
            "logistics": 0.12, "market": 0.08, "technology": 0.08, "other": 0.1}
CO_DEPARTMENTS = {
    "financing": ["finance", "economy", "tax"], "land": ["land", "drc", "ecology", "economy"],
    "labour": ["hrss", "economy", "finance"], "policy": ["economy", "tax", "drc", "finance"],
    "approval": ["market", "drc", "land", "ecology", "economy"], "energy": ["ecology", "drc", "economy", "land"],
    "logistics": ["economy", "drc", "market"], "market": ["market", "economy", "science"],
    "technology": ["science", "economy", "finance"], "other": ["market", "drc", "economy", "hrss"],
}
CO_OPINIONS = ["本部门意见：符合政策条件，可配合办理，请承办部门统筹答复。",
               "经核查，相关审批材料齐全，本部门同意按程序推进。",
               "该事项涉及本部门的环节已开通绿色通道，可并联办理。",
               "本部门无不同意见，建议企业按清单补齐材料后统一提交。"]
CATEGORY_WEIGHTS = {"financing": 14, "land": 9, "labour": 16, "policy": 18, "approval": 12, "energy": 6,
                    "logistics": 5, "market": 7, "technology": 9, "other": 4}
REPLIES = ["已与相关科室对接，具体办理流程和材料清单已发送企业联系人。",
           "经协调，相关手续已开通绿色通道，预计两周内办结。",
           "已组织现场对接会，企业诉求已纳入专项协调清单。",
           "政策口径已书面答复企业，并安排专人跟踪申报。"]
COMMENTS = ["请问目前办理到哪一步了？", "材料已补充提交，请查收。", "感谢及时对接，期待尽快办结。",
            "已电话沟通，企业同意按此方案推进。"]
NOTES = ["已电话联系企业负责人核实情况。", "该事项涉及跨部门协调，已报专班。", "企业反映的情况属实，建议优先办理。"]
VISIT_SUMMARIES = ["走访企业生产车间，了解订单和用工情况。", "与企业负责人座谈，梳理年度发展目标和困难。",
                   "电话回访上月反映问题的办理进展。", "陪同企业对接银行和担保机构。", "宣讲最新惠企政策并现场答疑。"]
VISIT_STATUSES = ["订单饱满，产能利用率约九成。", "生产经营平稳，用工基本稳定。",
                  "订单较去年同期有所下滑，正在开拓新市场。", "新生产线已投产，产值增长明显。"]
NEXT_STEPS = ["下月再次走访，跟进问题办理。", "协助企业准备专精特新申报材料。", "对接人社部门组织专场招聘。",
              "跟踪贷款审批进度。"]
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
            "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文")
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 晓东 建华 "
         "志强 海燕 丹 宇 浩 佳慧 晨 欣怡 子涵 俊杰 雨桐 国庆").split()
NAME_MIDDLES = [""] + "华 新 联 盛 达 创 源 丰 泰 宇 辰 安 恒 益 佳 和 荣".split()

DEFAULT_SEED = 20240601


@dataclass
class ScaleResult:
    companies: int = 0
    escorts: int = 0
    helpers: int = 0
    company_users: int = 0
    visits: int = 0
    tickets: int = 0
    events: int = 0
    dispatch_records: int = 0
    extension_requests: int = 0
    co_departments: int = 0
    audit_rows: int = 0
    notifications: int = 0
    seconds: float = 0.0
    by_status: dict = field(default_factory=dict)


class FastRandom(random.Random):
    """random.Random with cheaper randrange and choice (one random() each): millions of draws."""

    def randrange(self, start, stop=None, step=1):
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


# --------------------------------------------------------------------------- working days

class WorkCalendar:
    """Working days between two dates as a sorted list of ordinals (same rule as app.core.workdays),
    so a deadline is one bisect instead of a walk."""

    def __init__(self, first: date, last: date):
        self.ordinals = []
        day = first
        while day <= last:
            if is_workday(day):
                self.ordinals.append(day.toordinal())
            day += timedelta(days=1)
        # Asia/Shanghai has had no daylight saving since 1991: one fixed offset.
        self.offset = LOCAL_TZ.utcoffset(datetime(first.year, 1, 1))
        self.end_of_day = timedelta(hours=23, minutes=59, seconds=59) - self.offset

    def local_ordinal(self, t: datetime) -> int:
        return (t + self.offset).toordinal()

    def deadline(self, t: datetime, n: int) -> datetime:
        """End (23:59:59 local) of the n-th working day after t's local day (n >= 1), naive UTC."""
        i = bisect_right(self.ordinals, self.local_ordinal(t))
        return datetime.fromordinal(self.ordinals[i + n - 1]) + self.end_of_day

    def between(self, start_ordinal: int, end_ordinal: int) -> int:
        """Working days in (start, end]."""
        return bisect_right(self.ordinals, end_ordinal) - bisect_right(self.ordinals, start_ordinal)

    def start_of_nth_after(self, t: datetime, n: int) -> datetime:
        """00:00 local of the n-th working day after t's local day, naive UTC."""
        i = bisect_right(self.ordinals, self.local_ordinal(t))
        return datetime.fromordinal(self.ordinals[i + n - 1]) - self.offset

    def random_workday(self, rng: random.Random, first_ordinal: int, last_ordinal: int) -> int:
        lo, hi = bisect_left(self.ordinals, first_ordinal), bisect_right(self.ordinals, last_ordinal)
        return self.ordinals[rng.randrange(lo, hi)] if hi > lo else first_ordinal


# --------------------------------------------------------------------------- bulk writing

class BulkWriter:
    """Rows straight to the DBAPI inside the session's transaction: executemany on SQLite,
    COPY on PostgreSQL. Values must already be in the database's form (see `ts`).

    Between start() and finish() the writing runs on a second thread, so the next batch is
    simulated while this one is written (both drivers release the GIL inside the database call).
    """

    def __init__(self, session):
        self.connection = session.connection()
        self.dialect = self.connection.dialect.name
        self.raw = self.connection.connection.driver_connection
        self.queue = None
        self.thread = None
        self.error = None
        if self.dialect == "sqlite":
            # Column DateTime in SQLite is text in SQLAlchemy's storage format; comparisons are textual.
            # (isoformat with microseconds writes exactly that format, and much faster than strftime.)
            self.ts = lambda t: None if t is None else t.isoformat(" ", "microseconds")
            self.day = lambda d: None if d is None else d.isoformat()
            # A bigger SQLite cache_size (pages kept in memory) for the load: the indexes are written in random order.
            self.raw.execute("PRAGMA cache_size=-1048576")
        else:
            self.ts = lambda t: t
            self.day = lambda d: d
            # Every row COPY writes has its foreign keys checked by a statement PostgreSQL plans once per
            # connection: planned generically while the referenced tables were still small (the first batch), it
            # scanned them — one scan of every problem so far for each event row, the load quadratic (16,000
            # problems in 78 s, 200,000 not done in 12 min). Planned for each check it reads the key (32 s).
            self.raw.execute("SET LOCAL plan_cache_mode = force_custom_plan")

    def start(self) -> None:
        import queue
        import threading

        self.queue = queue.Queue(maxsize=3)
        self.thread = threading.Thread(target=self._drain, name="scale-writer", daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        while True:
            job = self.queue.get()
            if job is None:
                return
            if self.error is None:
                try:
                    self._write(*job)
                except BaseException as exc:  # handed to the main thread by finish()
                    self.error = exc

    def finish(self) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = self.queue = None
        if self.error is not None:
            raise self.error

    def write(self, table: str, columns: tuple[str, ...], rows: list) -> int:
        if self.error is not None:
            raise self.error
        if not rows:
            return 0
        if self.queue is not None:
            self.queue.put((table, columns, rows))
        else:
            self._write(table, columns, rows)
        return len(rows)

    def _write(self, table: str, columns: tuple[str, ...], rows: list) -> None:
        if self.dialect == "sqlite":
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            cursor = self.raw.cursor()
            cursor.executemany(sql, rows)
            cursor.close()
        else:
            with self.raw.cursor() as cursor:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)

    def suspend_indexes(self, tables: tuple[str, ...]) -> None:
        """SQLite: drop the secondary indexes of the tables about to be loaded (built again by restore_indexes).

        Keeping a dozen indexes up to date row by row, in random key order, is most of a bulk load's cost;
        building each once over the loaded table is a sort. Inside the transaction, so a failed load leaves
        them as they were. Indexes behind UNIQUE constraints (no SQL of their own) stay.
        """
        self.suspended = []
        if self.dialect != "sqlite":
            return
        marks = ", ".join("?" * len(tables))
        self.suspended = self.raw.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
            tables).fetchall()
        for name, _sql in self.suspended:
            self.raw.execute(f'DROP INDEX "{name}"')

    def restore_indexes(self) -> None:
        for _name, sql in getattr(self, "suspended", []):
            self.raw.execute(sql)
        self.suspended = []

    def max_id(self, model) -> int:
        return self.connection.execute(sa.select(sa.func.coalesce(sa.func.max(model.id), 0))).scalar_one()

    def fix_sequences(self, models) -> None:
        """After explicit ids, move PostgreSQL's sequences past them."""
        if self.dialect != "postgresql":
            return
        for model in models:
            table = model.__tablename__
            self.connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")


# The tables loaded in bulk (their secondary indexes are built after the load on SQLite).
BULK_TABLES = ("visits", "tickets", "ticket_events", "dispatch_records", "extension_requests", "audit_log",
               "notifications", "ticket_co_departments")


def _columns(model, *, skip=()) -> tuple[str, ...]:
    return tuple(c.name for c in model.__table__.columns if c.name not in skip)


TICKET_COLUMNS = _columns(Ticket)
EVENT_COLUMNS = _columns(TicketEvent)
DISPATCH_COLUMNS = _columns(DispatchRecord)
EXTENSION_COLUMNS = _columns(ExtensionRequest)
CO_COLUMNS = _columns(TicketCoDepartment)
AUDIT_COLUMNS = _columns(AuditLog)
NOTIFICATION_COLUMNS = _columns(Notification)
VISIT_COLUMNS = _columns(Visit)
TICKET_DEFAULTS = {name: None for name in TICKET_COLUMNS} | {
    "urgency": "ordinary", "complexity": "ordinary", "reply_message": "", "rating_comment": "", "pause_reason": "",
    "auto_closed": False,
    "reopen_count": 0, "return_count": 0, "co_department_count": 0, "paused_working_days": 0, "version": 1,
}


# --------------------------------------------------------------------------- the generator

_JSON_CACHE: dict = {}


def _json(data: dict) -> str:
    """json.dumps, remembered for the few distinct small payloads (most events repeat one)."""
    try:
        key = tuple(data.items())
        text = _JSON_CACHE.get(key)
    except TypeError:
        return json.dumps(data, ensure_ascii=False)
    if text is None:
        text = _JSON_CACHE[key] = json.dumps(data, ensure_ascii=False)
    return text


_AUDIT_CACHE: dict = {}


def _audit_parts(kind, from_status, to_status):
    key = (kind, from_status, to_status)
    parts = _AUDIT_CACHE.get(key)
    if parts is None:
        action = {"comment": "ticket_comment", "note": "ticket_note"}.get(kind, f"ticket_{kind}")
        before = json.dumps({"status": from_status}) if from_status and from_status != to_status else None
        after = json.dumps({"status": to_status}) if to_status else None
        parts = _AUDIT_CACHE[key] = (action, before, after)
    return parts


class _Stop(Exception):
    """The next step of a simulated problem would happen after `now`: it stays where it is."""


class ScaleGenerator:
    def __init__(self, *, companies: int, tickets: int, visits: int | None, seed: int, now: datetime,
                 years: int = 3, password: str, audit: bool = True, notifications: bool = True, log=None):
        self.n_companies, self.n_tickets, self.n_visits = companies, tickets, visits
        self.rng = FastRandom(seed)
        # 协办 draws come from their own stream: the rest of the data set is the same with or without them.
        self.co_rng = FastRandom(seed * 31 + 17)
        self.now = now.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
        self.start = self.now - timedelta(days=365 * years)
        self.password = password
        self.with_audit, self.with_notifications = audit, notifications
        self.log = log or (lambda message: None)
        self.result = ScaleResult()
        self.notify_since = self.now - timedelta(days=183)

    # ------------------------------------------------------------------ setup

    def run(self) -> ScaleResult:
        began = time.perf_counter()
        self.writer = BulkWriter(db.session)
        self.ts, self.day = self.writer.ts, self.writer.day
        self.calendar = WorkCalendar((self.start - timedelta(days=40)).date(), (self.now + timedelta(days=400)).date())
        self.sla = get_sla()
        self._load_reference()
        self._add_staff()
        self._add_companies()
        self.writer.suspend_indexes(BULK_TABLES)
        self._add_visits()
        self.log(f"  staff, companies, visits: {time.perf_counter() - began:.1f}s")
        self._add_tickets()
        indexing = time.perf_counter()
        self.writer.restore_indexes()
        self.log(f"  indexes built again: {time.perf_counter() - indexing:.1f}s")
        searching = time.perf_counter()
        search_index.rebuild(db.session.connection())  # the rows went in without the ORM's flush hook
        self.log(f"  search rows and full-text index: {time.perf_counter() - searching:.1f}s")
        self.writer.fix_sequences([User, Company, EscortAssignment, Visit, Ticket, TicketEvent, DispatchRecord,
                                   ExtensionRequest, TicketCoDepartment, AuditLog, Notification])
        self.result.seconds = time.perf_counter() - began
        return self.result

    def _load_reference(self):
        s = db.session
        self.departments = {d.code: d.id for d in s.scalars(sa.select(Department).where(Department.active.is_(True)))}
        self.department_names = {d.id: d.name for d in s.scalars(sa.select(Department))}
        self.towns = list(s.scalars(sa.select(Town.id).where(Town.active.is_(True)).order_by(Town.id)))
        self.industries = list(s.scalars(sa.select(Industry.id).where(Industry.active.is_(True)).order_by(Industry.id)))
        if not self.departments or not self.towns or not self.industries:
            raise RuntimeError("reference lists are empty: load the demo first (flask demo seed)")
        self.roles = dict(s.execute(sa.select(User.id, User.role)).all())  # every actor's role, for _move
        self.managers = list(s.scalars(sa.select(User.id).where(User.role == Role.MANAGER, User.active.is_(True))
                                       .order_by(User.id)))
        if not self.managers:
            raise RuntimeError("no manager account: load the demo first (flask demo seed)")
        self.used_names = set(s.scalars(sa.select(Company.name)))
        self.used_usccs = set(s.scalars(sa.select(Company.uscc)))
        self.used_usernames = set(s.scalars(sa.select(User.username)))

    def _person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def _username(self, base: str) -> str:
        name, n = base, 1
        while name in self.used_usernames:
            n += 1
            name = f"{base}_{n}"
        self.used_usernames.add(name)
        return name

    def _add_staff(self):
        """Escorts for the new companies (about five each) and three to four helpers per department."""
        w, rng = self.writer, self.rng
        password_hash = hash_password(self.password)
        self.password_hash = password_hash
        next_id = w.max_id(User) + 1
        created = self.ts(self.start - timedelta(days=30))
        rows = []
        self.new_escorts = []
        for i in range(max(1, round(self.n_companies / 5)) if self.n_companies else 0):
            town = self.towns[i % len(self.towns)]
            rows.append(self._user_row(next_id, self._username(f"escort{i + 5:04d}"), self._person(), Role.ESCORT,
                                       password_hash, created, town_id=town,
                                       phone=f"1380571{rng.randrange(10000):04d}"))
            self.new_escorts.append(next_id)
            next_id += 1
        self.helpers = {}  # department id -> helper ids
        for user_id, department_id in db.session.execute(
                sa.select(User.id, User.department_id).where(User.role == Role.HELPER, User.active.is_(True))
                .order_by(User.id)):
            self.helpers.setdefault(department_id, []).append(user_id)
        for code, department_id in sorted(self.departments.items()):
            for k in range(3 + (department_id % 2)):
                rows.append(self._user_row(next_id, self._username(f"{code}_helper{k + 1}"), self._person(),
                                           Role.HELPER, password_hash, created, department_id=department_id,
                                           phone=f"0571-8289{rng.randrange(10000):04d}"))
                self.helpers.setdefault(department_id, []).append(next_id)
                next_id += 1
        self.next_user_id = next_id
        w.write("users", USER_COLUMNS, rows)
        self.result.escorts = len(self.new_escorts)
        self.result.helpers = len(rows) - len(self.new_escorts)

    def _user_row(self, user_id, username, name, role, password_hash, created, *, department_id=None,
                  company_id=None, town_id=None, phone=""):
        values = {"id": user_id, "username": username, "name": name, "role": role, "phone": phone, "email": "",
                  "active": True, "password_hash": password_hash, "must_change_password": False,
                  "department_id": department_id, "company_id": company_id, "town_id": town_id, "locale": "zh",
                  "session_version": 1, "last_login_at": None, "created_at": created, "updated_at": created}
        self.roles[user_id] = role
        return tuple(values[c] for c in USER_COLUMNS)

    def _company_name(self) -> str:
        rng = self.rng
        for _attempt in range(50):
            trade, _section = rng.choice(data.NAME_TRADES)
            name = f"杭州{rng.choice(data.NAME_HEADS)}{rng.choice(NAME_MIDDLES)}{trade}有限公司"
            if name not in self.used_names:
                break
        else:
            name = f"杭州{rng.choice(data.NAME_HEADS)}{trade}{len(self.used_names)}号有限公司"
        self.used_names.add(name)
        return name

    def _add_companies(self):
        """New companies (five categories, every town), each with an escort; one in twelve changed escort."""
        w, rng, ts = self.writer, self.rng, self.ts
        company_id = w.max_id(Company) + 1
        assignment_id = w.max_id(EscortAssignment) + 1
        categories = list(COMPANY_CATEGORIES)
        industry_by_code = dict(db.session.execute(sa.select(Industry.code, Industry.id)).all())
        tiers = ["tech_sme", "innovative_sme", "specialized_sme", "little_giant"]
        goal_statuses = ["not_started", "in_progress", "in_progress", "achieved"]
        manager = self.managers[0]
        company_rows, assignment_rows = [], []
        # Every company (old and new): [(from, escort_id)] in time order, for tickets and visits.
        self.escort_history: dict[int, list[tuple[datetime, int]]] = {}
        self.company_weights: dict[int, float] = {}
        for cid, escort_id in db.session.execute(sa.select(Company.id, Company.escort_id).order_by(Company.id)):
            if escort_id:
                self.escort_history[cid] = [(self.start - timedelta(days=60), escort_id)]
                self.company_weights[cid] = rng.lognormvariate(0, 0.6)
        # The demo's assignments began today; the generated history goes back three years.
        aware_start = self.start.replace(tzinfo=timezone.utc)
        db.session.execute(sa.update(EscortAssignment).where(EscortAssignment.ended_at.is_(None),
                                                             EscortAssignment.started_at > aware_start)
                           .values(started_at=(self.start - timedelta(days=60)).replace(tzinfo=timezone.utc)))
        escorts = self.new_escorts
        for i in range(self.n_companies):
            name = self._company_name()
            uscc = generate_uscc(rng)
            while uscc in self.used_usccs:
                uscc = generate_uscc(rng)
            self.used_usccs.add(uscc)
            category = categories[i % len(categories)]
            trade, section = rng.choice(data.NAME_TRADES)
            revenue = rng.choice([600, 1200, 1800, 2600, 5200, 12000, 36000]) + rng.randrange(300)
            town = self.towns[rng.randrange(len(self.towns))]
            created = self.start - timedelta(days=rng.randrange(30, 400))
            escort = escorts[i % len(escorts)]
            history = [(created, escort)]
            if rng.random() < 1 / 12:  # reassigned once: an earlier escort served it first
                previous = escorts[rng.randrange(len(escorts))]
                if previous != escort:
                    span = int((self.now - self.start).total_seconds())
                    changed = self.start + timedelta(seconds=rng.randrange(span))
                    history = [(created, previous), (changed, escort)]
                    assignment_rows.append((assignment_id, company_id, previous, ts(created), ts(changed),
                                            "首批陪跑分配", manager))
                    assignment_id += 1
                    assignment_rows.append((assignment_id, company_id, escort, ts(changed), None,
                                            "工作调整，重新分配陪跑员", manager))
                    assignment_id += 1
            if len(history) == 1:
                assignment_rows.append((assignment_id, company_id, escort, ts(created), None, "首批陪跑分配", manager))
                assignment_id += 1
            self.escort_history[company_id] = history
            self.company_weights[company_id] = rng.lognormvariate(0, 0.6)
            goal = goal_statuses[rng.randrange(4)]
            values = {
                "id": company_id, "name": name, "uscc": uscc, "town_id": town,
                "industry_id": industry_by_code.get(section) or self.industries[0], "category": category,
                "specialized_tier": rng.choice(tiers) if category == "specialized" else "",
                "is_above_scale": revenue >= 2000, "annual_revenue": revenue, "employees": rng.randrange(12, 1500),
                "address": f"杭州市萧山区{rng.choice(data.TOWNS)[1]}{rng.randrange(1, 999)}号",
                "contact_name": self._person(), "contact_phone": f"1390571{rng.randrange(10000):04d}",
                "escort_id": escort, "goal_status": goal,
                "goal_updated_on": None if goal == "not_started" else self.day(
                    (self.now - timedelta(days=rng.randrange(1, 300))).date()),
                "goal_note": "", "created_at": ts(created), "updated_at": ts(created),
            }
            # An achieved goal was reached on the day it was recorded (the goal-history table stays empty:
            # the scale data has no progress updates to keep).
            values["goal_reached_on"] = values["goal_updated_on"] if goal == "achieved" else None
            company_rows.append(tuple(values[c] for c in COMPANY_COLUMNS))
            company_id += 1
        w.write("companies", COMPANY_COLUMNS, company_rows)
        w.write("escort_assignments", ("id", "company_id", "escort_id", "started_at", "ended_at", "reason",
                                       "assigned_by_id"), assignment_rows)
        self.result.companies = len(company_rows)
        # Portal accounts for about a third of the companies (old ones keep theirs).
        self.company_users: dict[int, int] = dict(db.session.execute(
            sa.select(User.company_id, sa.func.min(User.id)).where(User.role == Role.COMPANY, User.active.is_(True))
            .group_by(User.company_id)).all())
        rows = []
        first_new = company_id - len(company_rows)
        for cid in range(first_new, company_id):
            if rng.random() < 1 / 3:
                uid = self.next_user_id
                self.next_user_id += 1
                rows.append(self._user_row(uid, self._username(f"qy{cid:06d}"), f"企业联络员{self._person()}",
                                           Role.COMPANY, self.password_hash, ts(self.start), company_id=cid))
                self.company_users[cid] = uid
        w.write("users", USER_COLUMNS, rows)
        self.result.company_users = len(rows)

    def escort_at(self, company_id: int, t: datetime) -> int:
        history = self.escort_history[company_id]
        escort = history[0][1]
        for since, escort_id in history:
            if since <= t:
                escort = escort_id
        return escort

    def _add_visits(self):
        """About one visit per company per month (the rule), fewer for some, by the escort of the time."""
        w, rng, ts, cal = self.writer, self.rng, self.ts, self.calendar
        visit_id = w.max_id(Visit) + 1
        companies = sorted(self.escort_history)
        months = max(1, round((self.now - self.start).days / 30.4))
        total = self.n_visits if self.n_visits is not None else int(len(companies) * months * 0.85)
        self.visits_by_company: dict[int, list[tuple[int, int]]] = {}
        start_ord, now_ord = cal.local_ordinal(self.start), cal.local_ordinal(self.now)
        modes = ["on_site"] * 6 + ["phone"] * 3 + ["video", "meeting"]
        rows = []
        per_company, extra = divmod(total, len(companies)) if companies else (0, 0)
        for index, cid in enumerate(companies):
            n = per_company + (1 if index < extra else 0)
            if n == 0:
                continue
            span = (now_ord - start_ord) / n
            days = []
            for k in range(n):  # one in each slice of the period, the last slice ending today
                lo = start_ord + int(k * span)
                hi = max(lo, start_ord + int((k + 1) * span) - 1)
                days.append(cal.random_workday(rng, lo, min(hi, now_ord)))
            days.sort()
            visits = []
            for ordinal in days:
                visited = date.fromordinal(ordinal)
                created = datetime.fromordinal(ordinal) + timedelta(hours=9 + rng.randrange(9)) - cal.offset
                escort = self.escort_at(cid, created)
                rows.append((visit_id, cid, escort, self.day(visited), modes[rng.randrange(len(modes))],
                             f"{self._person()}（总经理）、{self._person()}", rng.choice(VISIT_SUMMARIES),
                             rng.choice(VISIT_STATUSES), rng.choice(NEXT_STEPS), ts(created), escort))
                visits.append((ordinal, visit_id))
                visit_id += 1
            self.visits_by_company[cid] = visits
        w.write("visits", ("id", "company_id", "escort_id", "visited_on", "mode", "participants", "summary",
                           "company_status", "next_step", "created_at", "created_by_id"), rows)
        self.result.visits = len(rows)

    # ------------------------------------------------------------------ problems

    def _ticket_times(self) -> list[tuple[datetime, int]]:
        """(created_at, company_id) for every new problem, oldest first: more problems lately, in office hours."""
        rng, cal = self.rng, self.calendar
        companies = sorted(self.company_weights)
        cumulative, total = [], 0.0
        for cid in companies:
            total += self.company_weights[cid]
            cumulative.append(total)
        start_ord, now_ord = cal.local_ordinal(self.start), cal.local_ordinal(self.now)
        lo, hi = bisect_left(cal.ordinals, start_ord), bisect_right(cal.ordinals, now_ord)
        workdays = cal.ordinals[lo:hi]
        span = len(workdays)
        result = []
        for _i in range(self.n_tickets):
            # Linearly growing volume (the mechanism spreads): position = sqrt of a uniform.
            day = workdays[min(span - 1, int(span * (rng.random() ** 0.5)))]
            t = datetime.fromordinal(day) + timedelta(minutes=8 * 60 + 30 + rng.randrange(9 * 60)) - cal.offset
            if t > self.now:
                t = self.now - timedelta(minutes=rng.randrange(1, 600))
            cid = companies[bisect_left(cumulative, rng.random() * total)]
            result.append((t, cid))
        result.sort()
        return result

    def _add_tickets(self):
        w = self.writer
        self.ticket_id = w.max_id(Ticket) + 1
        self.event_id = w.max_id(TicketEvent) + 1
        self.record_id = w.max_id(DispatchRecord) + 1
        self.extension_id = w.max_id(ExtensionRequest) + 1
        self.co_id = w.max_id(TicketCoDepartment) + 1
        self.audit_id = w.max_id(AuditLog) + 1
        self.notification_id = w.max_id(Notification) + 1
        self.counters = dict(db.session.execute(sa.select(TicketCounter.year, TicketCounter.last)).all())
        self.prefix = __import__("flask").current_app.config["TICKET_NUMBER_PREFIX"]
        self.categories = list(CATEGORY_WEIGHTS)
        self.category_cumulative = []
        total = 0
        for code in self.categories:
            total += CATEGORY_WEIGHTS[code]
            self.category_cumulative.append(total)
        times = self._ticket_times()
        self.log(f"  {len(times)} problem times drawn")
        chunk = 10000
        ticket_get = itemgetter(*TICKET_COLUMNS)
        w.start()
        try:
            self._simulate_all(times, chunk, ticket_get)
        finally:
            w.finish()
        for year, last in sorted(self.counters.items()):
            db.session.execute(sa.delete(TicketCounter).where(TicketCounter.year == year))
            db.session.add(TicketCounter(year=year, last=last))
        db.session.flush()

    def _simulate_all(self, times, chunk, ticket_get):
        w = self.writer
        for begin in range(0, len(times), chunk):
            tickets, events, records, extensions, audits, notes = [], [], [], [], [], []
            self.out = (events, records, extensions, audits, notes)
            self.co_out = co_rows = []
            for created, company_id in times[begin:begin + chunk]:
                row = self._simulate(created, company_id)
                self.result.by_status[row["status"]] = self.result.by_status.get(row["status"], 0) + 1
                tickets.append(ticket_get(self._db_ticket(row)))
            w.write("tickets", TICKET_COLUMNS, tickets)
            w.write("ticket_events", EVENT_COLUMNS, events)
            w.write("dispatch_records", DISPATCH_COLUMNS, records)
            w.write("ticket_co_departments", CO_COLUMNS, co_rows)  # after the dispatch records they reference
            w.write("extension_requests", EXTENSION_COLUMNS, extensions)
            w.write("audit_log", AUDIT_COLUMNS, audits)
            w.write("notifications", NOTIFICATION_COLUMNS, notes)
            self.result.tickets += len(tickets)
            self.result.events += len(events)
            self.result.dispatch_records += len(records)
            self.result.extension_requests += len(extensions)
            self.result.co_departments += len(co_rows)
            self.result.audit_rows += len(audits)
            self.result.notifications += len(notes)
            if self.result.tickets % 50000 < chunk:
                self.log(f"  {self.result.tickets} problems simulated")

    _TIME_COLUMNS = tuple(c.name for c in Ticket.__table__.columns if isinstance(c.type, sa.types.TypeDecorator)
                          or isinstance(c.type, sa.DateTime))

    def _db_ticket(self, row: dict) -> dict:
        ts = self.ts
        for name in self._TIME_COLUMNS:
            row[name] = ts(row[name])
        return row

    def _number(self, t: datetime) -> str:
        year = (t + self.calendar.offset).year
        seq = self.counters.get(year, 0) + 1
        self.counters[year] = seq
        return f"{self.prefix}-{year}-{seq:06d}"

    # one event (and its audit row); returns the time for chaining
    def _event(self, ticket, kind, at, actor, *, from_status=None, to_status=None, body="", public=True, data=None):
        if at > self.now:
            raise _Stop
        events, _records, _extensions, audits, _notes = self.out
        ts = self.ts
        stamp = ts(at)
        events.append((self.event_id, ticket["id"], stamp, actor, kind, from_status, to_status, public, body,
                       _json(data) if data is not None else None))
        self.event_id += 1
        if self.with_audit:
            action, before, after = _audit_parts(kind, from_status, to_status)
            audits.append((self.audit_id, stamp, actor, "", action, "tickets", ticket["id"], before, after, ""))
            self.audit_id += 1
        ticket["updated_at"] = at
        if kind not in ("comment", "note"):
            ticket["version"] += 1
        return at

    def _move(self, ticket, action, at, actor, *, to_status=None, **event):
        """One step of the transitions table, as app.tickets.services takes it: the problem goes from its state
        to the table's target (`to_status`: where a 不满意 rating sends it back), by an actor whose role the
        table allows there; the event is written with both states."""
        before = ticket["status"]
        if self.roles.get(actor) not in TRANSITIONS[action].sources.get(before, ()):
            raise RuntimeError(f"{action} from {before} by {self.roles.get(actor)}: not in the transitions table")
        ticket["status"] = after = to_status or target_state(action, before)
        return self._event(ticket, action, at, actor, from_status=before, to_status=after, **event)

    def _notify(self, user_ids, kind, title, body, at, ticket_id, *, company=False, rng=None):
        # Only the last half year's: older ones are long read and no page reads that deep.
        if not self.with_notifications or at < self.notify_since:
            return
        rng = rng or self.rng
        notes = self.out[4]
        url = f"/portal/problems/{ticket_id}" if company else f"/tickets/{ticket_id}"
        recent = at > self.now - timedelta(days=7)
        for user_id in dict.fromkeys(u for u in user_ids if u):
            read_at = None if recent and rng.random() < 0.6 else self.ts(
                at + timedelta(minutes=rng.randrange(5, 3000)))
            if read_at is not None and read_at > self.ts(self.now):
                read_at = None
            notes.append((self.notification_id, user_id, self.ts(at), kind, title[:200], body[:500], url, read_at))
            self.notification_id += 1

    def _when(self, t: datetime, due: datetime, on_time: float, rng=None) -> datetime:
        """When a step owed by `due` is done: usually in time, sometimes late (rarely very late)."""
        rng = rng or self.rng
        if rng.random() < on_time and due > t:
            return t + (due - t) * (0.05 + 0.9 * rng.random() ** 1.5)
        late = timedelta(hours=rng.expovariate(1 / 40))
        if rng.random() < 0.06:
            late += timedelta(days=rng.uniform(5, 60))
        return max(due, t) + timedelta(minutes=10) + late

    def _supervise_if_late(self, ticket, due: datetime, done: datetime, rng=None):
        """The sweep supervises (督办) a step overdue by supervise_after_days working days."""
        if due is None or ticket["supervision"] is not None:
            return
        when = (self.calendar.start_of_nth_after(due, self.sla.supervise_after_days)
                + timedelta(minutes=(rng or self.rng).randrange(1, 15)))
        if when < done and when <= self.now:
            ticket["supervision"] = "supervise"
            ticket["supervised_at"] = when
            # The sweep's: no actor (the system), the state stays, as the table says of supervise.
            status = ticket["status"]
            self._event(ticket, "supervise", when, None, from_status=status,
                        to_status=target_state("supervise", status), body="督办", public=False,
                        data={"level": "supervise", "automatic": True})
            helpers = [ticket["helper_id"]] if ticket["helper_id"] else self.helpers.get(ticket["department_id"], [])
            self._notify(helpers if ticket["department_id"] else [ticket["escort_id"]], "ticket_supervised",
                         f"问题 {ticket['number']} 被督办", ticket["title"], when, ticket["id"])

    def _step(self, ticket, due, on_time):
        """The time of the next step; supervision first if it comes late. Stops at now (the step is still owed)."""
        t = ticket["updated_at"]
        done = self._when(t, due, on_time)
        self._supervise_if_late(ticket, due, min(done, self.now + timedelta(seconds=1)))
        if done > self.now:
            raise _Stop
        return done

    def _simulate(self, created: datetime, company_id: int) -> dict:
        rng, cal, sla = self.rng, self.calendar, self.sla
        ticket = dict(TICKET_DEFAULTS)
        tid = self.ticket_id
        self.ticket_id += 1
        draw = rng.random() * self.category_cumulative[-1]
        category = self.categories[bisect_left(self.category_cumulative, draw)]
        title, description = rng.choice(PROBLEM_TEXTS[category])
        escort = self.escort_at(company_id, created)
        company_user = self.company_users.get(company_id)
        draw = rng.random()
        source = "portal" if draw < 0.45 else "visit" if draw < 0.75 else "escort" if draw < 0.93 else "hotline"
        if source == "portal" and not company_user:
            source = "escort"
        visit_id = None
        if source == "visit":
            visits = self.visits_by_company.get(company_id, [])
            i = bisect_right(visits, (cal.local_ordinal(created), 1 << 62)) - 1
            if i >= 0 and cal.local_ordinal(created) - visits[i][0] < 20:
                visit_id = visits[i][1]
            else:
                source = "escort"
        ticket.update(
            id=tid, number=self._number(created), company_id=company_id, title=title,
            description=description.format(amount=rng.choice([200, 500, 800, 1500, 3000]), n=rng.randrange(2, 40)),
            category=category, source=source, urgency="urgent" if rng.random() < 0.12 else "ordinary",
            status=initial_state(source), created_by_id=company_user if source == "portal" else escort,
            escort_id=escort, visit_id=visit_id, created_at=created, updated_at=created, version=0,
        )
        events = self.out[0]
        first_event, first_event_id = len(events), self.event_id
        ticket["_co"] = False
        try:
            if ticket["status"] == "accepted":  # collected by the escort: accepted as it is saved
                ticket.update(accepted_at=created, due_at=cal.deadline(created, sla.escort_reply_days))
                self._event(ticket, COLLECT_EVENT, created, ticket["created_by_id"], to_status=ticket["status"],
                            data={"source": source})
                self._notify([company_user], "ticket_accepted", f"问题 {ticket['number']} 已受理", "", created,
                             tid, company=True)
            else:
                ticket["accept_due_at"] = ticket["due_at"] = cal.deadline(created, sla.accept_days)
                self._event(ticket, "submit", created, ticket["created_by_id"], to_status=ticket["status"],
                            data={"source": source})
                self._notify([escort], "ticket_new", f"新问题 {ticket['number']}：{title}", "", created, tid)
            self._lifecycle(ticket, escort, company_user)
        except _Stop:
            if ticket["status"] in ("submitted", "accepted", "escalated", "dispatched", "in_progress") \
                    and ticket["due_at"] is not None and ticket["due_at"] < self.now:
                ticket["overdue_notified_for"] = ticket["due_at"]
        if ticket["status"] not in ("closed", "rejected", "withdrawn"):
            self._maybe_comment(ticket, escort, company_user)
        if ticket.pop("_co"):
            # 协办 events were written when their rows were settled: the timeline (read by id) in time order.
            mine = sorted(events[first_event:], key=itemgetter(2))
            events[first_event:] = [(first_event_id + i,) + event[1:] for i, event in enumerate(mine)]
        return ticket

    def _maybe_comment(self, ticket, escort, company_user):
        rng = self.rng
        if rng.random() < 0.15:
            last = ticket["updated_at"]
            at = last + (min(self.now, last + timedelta(days=3)) - last) * rng.random()
            if company_user and rng.random() < 0.6:
                self._event(ticket, "comment", at, company_user, body=rng.choice(COMMENTS))
            else:
                self._event(ticket, "note", at, escort, body=rng.choice(NOTES), public=False)

    def _lifecycle(self, ticket, escort, company_user):
        rng, cal, sla = self.rng, self.calendar, self.sla
        manager = self.managers[rng.randrange(len(self.managers))]
        if ticket["status"] == "accepted":
            self._escort_step(ticket, ticket["created_at"], escort, company_user, manager)
            return
        r = rng.random()
        if r < 0.035:
            at = self._step(ticket, ticket["due_at"], 0.9)
            ticket.update(due_at=None, closed_at=at)
            self._move(ticket, "reject", at, escort, body="属于企业自主经营事项，建议通过行业协会对接")
            self._notify([company_user], "ticket_rejected", f"问题 {ticket['number']} 不予受理", "", at,
                         ticket["id"], company=True)
            return
        if r < 0.05 and company_user:
            at = ticket["created_at"] + timedelta(hours=rng.uniform(1, 20))
            if at > self.now:
                raise _Stop
            ticket.update(due_at=None, closed_at=at)
            self._move(ticket, "withdraw", at, company_user)
            return
        if r < 0.14:  # dispatched straight from submitted by the task force
            self._dispatch(ticket, manager, self._step(ticket, ticket["due_at"], 0.9), escort, company_user)
            return
        at = self._step(ticket, ticket["due_at"], 0.93)
        ticket.update(accepted_at=at, accepted_on_time=at <= ticket["due_at"],
                      due_at=cal.deadline(at, sla.escort_reply_days))
        self._move(ticket, "accept", at, escort)
        self._notify([company_user], "ticket_accepted", f"问题 {ticket['number']} 已受理", "", at, ticket["id"],
                     company=True)
        self._escort_step(ticket, at, escort, company_user, manager)

    def _escort_step(self, ticket, at, escort, company_user, manager):
        """An accepted problem: the escort replies directly or asks the task force to dispatch it."""
        rng, cal, sla = self.rng, self.calendar, self.sla
        if rng.random() < 0.42:
            self._reply(ticket, escort, escort, company_user)
            return
        at = at + timedelta(hours=rng.uniform(0.5, 30))
        if at > self.now:
            raise _Stop
        ticket.update(escalated_at=at, escort_escalated_at=at,
                      escalated_on_time=at <= ticket["due_at"], due_at=cal.deadline(at, sla.accept_days))
        self._move(ticket, "escalate", at, escort, body="需要职能部门协调办理")
        self._notify(self.managers, "ticket_escalated", f"问题 {ticket['number']} 待交办", "需要职能部门协调办理", at,
                     ticket["id"])
        self._dispatch(ticket, manager, self._step(ticket, ticket["due_at"], 0.9), escort, company_user)

    def _dispatch(self, ticket, manager, at, escort, company_user, *, avoid=None):
        rng, cal, sla = self.rng, self.calendar, self.sla
        co = []
        codes = [c for c in CATEGORY_DEPARTMENTS[ticket["category"]] if c in self.departments and c != avoid] \
            or [c for c in self.departments if c != avoid]
        department_id = self.departments[rng.choice(codes)]
        helpers = self.helpers.get(department_id, [])
        helper = rng.choice(helpers) if helpers and rng.random() < 0.5 else None
        complexity = "complex" if rng.random() < 0.1 else "ordinary"
        reply_days = sla.handling_days(complexity, ticket["urgency"])
        ticket.update(department_id=department_id, helper_id=helper, complexity=complexity,
                      dispatched_at=at, signed_at=None, sign_due_at=cal.deadline(at, sla.sign_days),
                      reply_due_at=cal.deadline(at, reply_days))
        ticket["due_at"] = ticket["sign_due_at"]
        record = {"id": self.record_id, "ticket_id": ticket["id"], "department_id": department_id, "helper_id": helper,
                  "dispatched_by_id": manager, "dispatched_at": at, "sign_due_at": ticket["sign_due_at"],
                  "reply_due_at": ticket["reply_due_at"], "signed_at": None, "signed_on_time": None,
                  "returned_at": None, "replied_at": None, "replied_on_time": None, "common_problem_id": None}
        self.record_id += 1
        try:
            self._move(ticket, "dispatch", at, manager, data={
                "department_id": department_id, "helper_id": helper, "complexity": complexity,
                "department": self.department_names[department_id]})
            self._notify([helper] if helper else helpers, "ticket_dispatched",
                         f"新交办问题 {ticket['number']}：{ticket['title']}",
                         "请按期签收。", at, ticket["id"])
            co = self._co_start(ticket, record, at)
            at = self._step(ticket, ticket["due_at"], 0.9)
            signer = helper or (rng.choice(helpers) if helpers else None)
            record.update(signed_at=at, signed_on_time=at <= record["sign_due_at"], helper_id=helper or signer)
            ticket.update(signed_at=at, helper_id=helper or signer, due_at=ticket["reply_due_at"])
            self._move(ticket, "sign", at, signer)
            if avoid is None and rng.random() < 0.06:  # wrongly routed: returned, dispatched again elsewhere
                at = at + timedelta(hours=rng.uniform(1, 20))
                if at > self.now:
                    raise _Stop
                record["returned_at"] = at
                self._co_flush(ticket, record, co, ended=at)
                co = []
                old = ticket["department_id"]
                ticket.update(return_count=ticket["return_count"] + 1, department_id=None,
                              helper_id=None, sign_due_at=None, reply_due_at=None, escalated_at=at,
                              due_at=cal.deadline(at, sla.accept_days))
                self._move(ticket, "return", at, signer, body="该事项不属于本部门职责范围", public=False,
                            data={"department_id": old, "suggested_department_id": None, "suggested_department": None})
                self._notify(self.managers, "ticket_returned", f"问题 {ticket['number']} 被退回，需重新交办", "", at,
                             ticket["id"])
                self._flush_record(record)
                code = next(c for c, i in self.departments.items() if i == old)
                self._dispatch(ticket, manager, self._step(ticket, ticket["due_at"], 0.9), escort, company_user,
                               avoid=code)
                return
            if rng.random() < 0.04:
                self._extension(ticket, signer, manager, record)
            self._reply(ticket, signer, escort, company_user, record=record, co=co)
        finally:
            if record is not None and not record.get("_flushed"):
                self._flush_record(record)
            if co:
                self._co_flush(ticket, record, co)

    # ------------------------------------------------------------------ 协办

    def _co_start(self, ticket, record, at) -> list[dict]:
        """Co-departments for this dispatch (a share by category): each row with its clocks and the planned
        times of its signing and opinion (settled by _co_flush: what lies after now or after the lead's
        reply never happened)."""
        rng, cal, sla = self.co_rng, self.calendar, self.sla
        if rng.random() >= CO_SHARE.get(ticket["category"], 0.1):
            return []
        lead = record["department_id"]
        codes = [c for c in dict.fromkeys(CO_DEPARTMENTS[ticket["category"]]) if c in self.departments
                 and self.departments[c] != lead]
        if not codes:
            return []
        draw = rng.random()
        n = min(len(codes), 1 if draw < 0.7 else 2 if draw < 0.95 else 3)
        chosen = []
        while len(chosen) < n:
            code = rng.choice(codes)
            if code not in chosen:
                chosen.append(code)
        sign_due = cal.deadline(at, sla.sign_days)
        opinion_due = max(min(cal.deadline(at, sla.co_opinion_days), ticket["reply_due_at"]), sign_due)
        rows = []
        for code in chosen:
            department_id = self.departments[code]
            helpers = self.helpers.get(department_id, [])
            signed = self._when(at, sign_due, 0.9, rng)
            opinion = self._when(signed, opinion_due, 0.82, rng)
            rows.append({"id": self.co_id, "ticket_id": ticket["id"], "common_problem_id": None,
                         "dispatch_record_id": record["id"],
                         "department_id": department_id, "dispatched_at": at, "sign_due_at": sign_due,
                         "opinion_due_at": opinion_due, "signed_at": signed, "signed_on_time": signed <= sign_due,
                         "signed_by_id": rng.choice(helpers) if helpers else None, "opinion": rng.choice(CO_OPINIONS),
                         "opinion_at": opinion, "opinion_on_time": opinion <= opinion_due, "opinion_by_id": None,
                         "ended_at": None, "due_soon_notified_for": None, "overdue_notified_for": None,
                         "lead_notified_for": None})
            rows[-1]["opinion_by_id"] = rows[-1]["signed_by_id"]
            self.co_id += 1
            self._notify(helpers, "ticket_co_dispatched", f"新协办问题 {ticket['number']}：{ticket['title']}",
                         f"请于 {date.fromordinal(cal.local_ordinal(sign_due)).isoformat()} 前签收。", at, ticket["id"],
                         rng=rng)
        ticket["co_department_count"] = len(rows)
        ticket["_co"] = True
        names = [self.department_names[r["department_id"]] for r in rows]
        # The dispatch event names them, as app.tickets.services.dispatch writes it.
        events = self.out[0]
        last = events[-1]
        data = json.loads(last[9]) if last[9] else {}
        data.update(co_department_ids=[r["department_id"] for r in rows], co_departments=names)
        events[-1] = last[:9] + (json.dumps(data, ensure_ascii=False),)
        return rows

    def _co_gate(self, ticket, co, at):
        """The lead replies once every opinion is in or overdue (app.tickets.co_departments.check_lead_reply):
        the reply's time moves past the last awaited opinion; the rows still without an opinion then are named."""
        gate = max(min(r["opinion_at"], r["opinion_due_at"]) for r in co)
        if at <= gate:
            at = gate + timedelta(minutes=self.co_rng.randrange(10, 600))
        if at > self.now:
            raise _Stop
        for r in co:
            if r["signed_at"] > at:
                r["signed_at"] = r["signed_on_time"] = r["signed_by_id"] = None
            if r["opinion_at"] > at:
                r["opinion_at"] = r["opinion_on_time"] = r["opinion_by_id"] = None
                r["opinion"] = ""
        return at, [r for r in co if r["opinion_at"] is None]

    def _co_flush(self, ticket, record, co, *, ended=None):
        """Settle the rows (nothing after now, nor after a return), write their events and rows."""
        events, audits, ts = self.out[0], self.out[3], self.ts
        cutoff = min(self.now, ended) if ended is not None else self.now
        for r in co:
            if r["signed_at"] is not None and r["signed_at"] > cutoff:
                r["signed_at"] = r["signed_on_time"] = r["signed_by_id"] = None
            if r["opinion_at"] is not None and (r["opinion_at"] > cutoff or r["signed_at"] is None):
                r["opinion_at"] = r["opinion_on_time"] = r["opinion_by_id"] = None
                r["opinion"] = ""
            r["ended_at"] = ended
            name = self.department_names[r["department_id"]]
            lead_signed = record["signed_at"]
            for kind, at, actor, on_time, body in (("co_sign", r["signed_at"], r["signed_by_id"], r["signed_on_time"],
                                                    ""),
                                                   ("co_opinion", r["opinion_at"], r["opinion_by_id"],
                                                    r["opinion_on_time"], r["opinion"])):
                if at is None:
                    continue
                state = "in_progress" if lead_signed is not None and lead_signed <= at else "dispatched"
                data = {"department_id": r["department_id"], "department": name, "on_time": on_time}
                if kind == "co_sign":
                    due_day = date.fromordinal(self.calendar.local_ordinal(r["opinion_due_at"]))
                    data["opinion_due_on"] = due_day.isoformat()
                events.append((self.event_id, ticket["id"], ts(at), actor, kind, state, state, False, body,
                               json.dumps(data, ensure_ascii=False)))
                self.event_id += 1
                ticket["version"] += 1
                if self.with_audit:
                    audits.append((self.audit_id, ts(at), actor, "", f"ticket_{kind}", "tickets", ticket["id"], None,
                                   json.dumps({"department_id": r["department_id"], "on_time": on_time}), ""))
                    self.audit_id += 1
                if kind == "co_opinion":
                    lead = ([ticket["helper_id"]] if ticket["helper_id"]
                            else self.helpers.get(record["department_id"], []))
                    self._notify(lead, "ticket_co_opinion", f"问题 {ticket['number']} 收到{name}的协办意见",
                                 body[:200], at, ticket["id"], rng=self.co_rng)
            if ended is None and ticket["status"] in ("dispatched", "in_progress"):
                # The sweep's markers, as after a sweep at `now` (no flood of old notices on the first run).
                due = (r["sign_due_at"] if r["signed_at"] is None else r["opinion_due_at"]) \
                    if r["opinion_at"] is None else None
                if due is not None and due < self.now:
                    r["overdue_notified_for"] = due
                if r["opinion_at"] is None and r["opinion_due_at"] < self.now:
                    r["lead_notified_for"] = r["opinion_due_at"]
            self.co_out.append(tuple(ts(r[c]) if c.endswith(("_at", "_for")) else r[c] for c in CO_COLUMNS))
        if ended is not None:
            ticket["co_department_count"] = 0

    def _flush_record(self, record):
        record["_flushed"] = True
        ts = self.ts
        self.out[1].append(tuple(ts(record[c]) if c.endswith("_at") else record[c] for c in DISPATCH_COLUMNS))

    def _extension(self, ticket, helper, manager, record):
        rng, cal = self.rng, self.calendar
        at = ticket["updated_at"] + timedelta(hours=rng.uniform(2, 24))
        due = ticket["reply_due_at"]
        notice = self.sla.extension_notice_days
        if at > self.now or at > due or cal.between(cal.local_ordinal(at), cal.local_ordinal(due)) < notice:
            return
        new_due = cal.deadline(due, 5)
        request = {"id": self.extension_id, "ticket_id": ticket["id"], "requested_by_id": helper, "requested_at": at,
                   "reason": "需协调上级部门会商，申请延长办理期限", "old_due_at": due, "new_due_at": new_due,
                   "status": "pending", "decided_by_id": None, "decided_at": None}
        self.extension_id += 1
        new_day = date.fromordinal(cal.local_ordinal(new_due)).isoformat()
        try:
            self._move(ticket, "request_extension", at, helper, body=request["reason"], public=False,
                       data={"new_due": new_day})
            self._notify(self.managers, "extension_requested", f"问题 {ticket['number']} 申请延期至 {new_day}", "",
                         at, ticket["id"])
            decided = at + timedelta(hours=rng.uniform(1, 30))
            approve = rng.random() < 0.8
            self._move(ticket, "decide_extension", decided, manager, body="同意延期" if approve else "不同意延期", public=False,
                        data={"approve": approve, "new_due": new_day})
            request.update(status="approved" if approve else "denied", decided_by_id=manager, decided_at=decided)
            if approve:
                ticket.update(reply_due_at=new_due, due_at=new_due)
                record["reply_due_at"] = new_due
        finally:
            ts = self.ts
            self.out[2].append(tuple(ts(request[c]) if c.endswith("_at") else request[c] for c in EXTENSION_COLUMNS))

    def _reply(self, ticket, replier, escort, company_user, *, record=None, co=()):
        rng, cal, sla = self.rng, self.calendar, self.sla
        while True:
            at = self._step(ticket, ticket["due_at"], 0.88)
            missing = []
            if co and ticket["status"] == "in_progress" and not ticket["replied_at"]:
                at, missing = self._co_gate(ticket, co, at)
                # Waiting for the opinions can make it late.
                self._supervise_if_late(ticket, ticket["due_at"], at, rng=self.co_rng)
            on_time = at <= ticket["due_at"]
            if record is not None:
                record.update(replied_at=at, replied_on_time=on_time)
            before = ticket["status"]
            message = rng.choice(REPLIES)
            ticket.update(replied_on_time=on_time, replied_from=before, replied_at=at,
                          replied_by_id=replier, reply_message=message,
                          autoclose_at=cal.deadline(at, sla.autoclose_days))
            ticket["due_at"] = ticket["autoclose_at"]
            self._move(ticket, "reply", at, replier, body=message)
            if missing:  # 协办意见逾期: the reply went out without them (staff only)
                self._event(ticket, "co_opinions_overdue", at, replier, from_status=ticket["status"],
                            to_status=ticket["status"],
                            public=False, data={"departments": [self.department_names[r["department_id"]]
                                                                for r in missing]})
            self._notify([company_user], "ticket_replied", f"问题 {ticket['number']} 已答复，请评价", message, at,
                         ticket["id"], company=True)
            if rng.random() < 0.3:  # nobody rates: the sweep closes it after the window
                closed = ticket["autoclose_at"] + timedelta(minutes=rng.randrange(1, 15))
                if closed > self.now:
                    raise _Stop
                self._close(ticket, closed)
                ticket["auto_closed"] = True
                self._event(ticket, "auto_close", closed, None, from_status="replied", to_status="closed",
                            body=f"答复后超过 {sla.autoclose_days} 个工作日未评价，系统自动办结。")
                return
            rated = at + (ticket["autoclose_at"] - at) * rng.random() ** 2
            if rated > self.now:
                raise _Stop
            rater = company_user if company_user and rng.random() < 0.7 else escort
            unsatisfied_p = 0.1 if ticket["reopen_count"] == 0 else 0.15
            rating = "unsatisfied" if rng.random() < unsatisfied_p else (
                "satisfied" if rng.random() < 0.7 else "basically_satisfied")
            comment = "希望进一步明确办理时限" if rating == "unsatisfied" else rng.choice(["感谢帮助", "", "办理及时"])
            ticket.update(rating=rating, rating_comment=comment, rated_at=rated, rated_by_id=rater)
            data = {"rating": rating, "via": "follow_up_call" if rater == escort else "portal"}
            if rating == "unsatisfied":
                back_to = ticket["replied_from"] or "accepted"
                ticket["reopen_count"] += 1
                if back_to == "in_progress":
                    reply_days = sla.handling_days(ticket["complexity"], ticket["urgency"])
                    ticket["reply_due_at"] = ticket["due_at"] = cal.deadline(rated, reply_days)
                else:
                    ticket["due_at"] = cal.deadline(rated, sla.escort_reply_days)
                ticket["autoclose_at"] = None
                self._move(ticket, "rate", rated, rater, to_status=back_to, body=comment,
                           data={**data, "reopened": True})
                self._notify([replier] + (self.managers if ticket["reopen_count"] >= 2 else []), "ticket_reopened",
                             f"问题 {ticket['number']} 评价为不满意，已重新办理", comment, rated, ticket["id"])
                continue
            self._move(ticket, "rate", rated, rater, body=comment, data=data)
            self._close(ticket, rated)
            return

    def _close(self, ticket, at):
        """The closing facts; the state is closed already by the rating, or set here by the sweep's auto-close."""
        cal = self.calendar
        ticket.update(status="closed", closed_at=at, due_at=None, autoclose_at=None,
                      close_working_days=cal.between(cal.local_ordinal(ticket["created_at"]), cal.local_ordinal(at)))


USER_COLUMNS = _columns(User)
COMPANY_COLUMNS = _columns(Company)


def scale_up(*, companies: int, tickets: int, visits: int | None = None, seed: int = DEFAULT_SEED,
             now: datetime | None = None, years: int = 3, password: str, audit: bool = True,
             notifications: bool = True, log=None) -> ScaleResult:
    """Add the data set in the session's transaction (the caller commits)."""
    generator = ScaleGenerator(companies=companies, tickets=tickets, visits=visits, seed=seed,
                               now=now or datetime.now(timezone.utc), years=years, password=password,
                               audit=audit, notifications=notifications, log=log)
    return generator.run()
