"""`flask demo seed`: realistic Chinese demo data for trying Peipao out."""
import random

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.companies.models import CATEGORIES, Company
from app.companies.services import assign_escort
from app.companies.uscc import generate
from app.demo import data
from app.extensions import db
from app.reference.models import Department, Industry, Town

demo_cli = AppGroup("demo", help="Demo data.")


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def seed_reference() -> None:
    for code, name in data.DEPARTMENTS:
        db.session.add(Department(code=code, name=name))
    for code, name in data.TOWNS:
        db.session.add(Town(code=code, name=name))
    for code, name in data.INDUSTRIES:
        db.session.add(Industry(code=code, name=name))
    db.session.flush()


def seed_demo(password: str, companies: int = 40, seed: int = 20240601) -> dict:
    """Reference lists, staff and company accounts, and `companies` assigned companies."""
    rng = random.Random(seed)
    seed_reference()
    towns = db.session.scalars(sa.select(Town).order_by(Town.id)).all()
    industries = {i.code: i for i in db.session.scalars(sa.select(Industry))}
    departments = {d.code: d for d in db.session.scalars(sa.select(Department))}
    password_hash = hash_password(password)

    users = {}
    for username, name, role, extra, phone in data.ACCOUNTS:
        if role == Role.COMPANY:
            continue
        user = User(username=username, name=name, role=role, phone=phone, password_hash=password_hash,
                    department_id=departments[extra].id if role == Role.HELPER else None)
        db.session.add(user)
        users[username] = user
    db.session.flush()
    escorts = [users[u] for u in ("escort1", "escort2", "escort3", "escort4")]
    manager = users["manager1"]

    categories = list(CATEGORIES)
    created = []
    used_names = set()
    for index in range(companies):
        head = data.NAME_HEADS[index % len(data.NAME_HEADS)]
        trade, section = data.NAME_TRADES[rng.randrange(len(data.NAME_TRADES))]
        name = f"杭州{head}{trade}有限公司"
        while name in used_names:
            name = f"杭州{head}{trade}{rng.choice('一二三四五')}号有限公司"
        used_names.add(name)
        category = categories[index % len(categories)]
        revenue = rng.choice([800, 1500, 2600, 5200, 12000, 36000]) + rng.randrange(100)
        company = Company(
            name=name, uscc=generate(rng), town_id=towns[rng.randrange(len(towns))].id,
            industry_id=industries[section].id, category=category,
            specialized_tier=rng.choice(["tech_sme", "innovative_sme", "specialized_sme", "little_giant"])
            if category == "specialized" else "",
            is_above_scale=revenue >= 2000, annual_revenue=revenue, employees=rng.randrange(12, 900),
            address=f"杭州市萧山区{towns[index % len(towns)].name}{rng.randrange(1, 999)}号",
            contact_name=rng.choice(data.PEOPLE), contact_phone=f"1380571{rng.randrange(1000, 9999)}",
        )
        db.session.add(company)
        db.session.flush()
        assign_escort(manager, company, escorts[index % len(escorts)], "首批陪跑分配")
        created.append(company)

    for username, name, role, extra, phone in data.ACCOUNTS:
        if role != Role.COMPANY:
            continue
        company = created[extra]
        user = User(username=username, name=name, role=role, phone=phone, password_hash=password_hash,
                    company_id=company.id)
        db.session.add(user)
        users[username] = user
    db.session.flush()
    seed_problems(users, created, departments)
    return {"users": users, "companies": created}


def seed_problems(users, companies, departments) -> None:
    """A few problems in every state, walked through the real services so timelines are complete."""
    from datetime import timedelta

    from app.core.db import utcnow
    from app.tickets import services
    from app.tickets.services import NewTicket

    manager = users["manager1"]
    helpers = {u.department_id: u for u in users.values() if u.role == Role.HELPER}
    for index, title, description, category, urgency, path, days_ago in data.PROBLEMS:
        company = companies[index]
        escort = db.session.get(User, company.escort_id)
        portal_user = next((u for u in users.values() if u.company_id == company.id), None)
        when = utcnow() - timedelta(days=days_ago)
        submitter = portal_user or escort
        # A problem the escort files starts accepted, so one meant to be refused came in by hotline.
        source = "portal" if portal_user else "hotline" if "reject" in path else "escort"
        ticket = services.submit_ticket(submitter, company, NewTicket(title, description, category, urgency, source),
                                        now=when)
        for step in path:
            when += timedelta(hours=5)
            action, _sep, arg = step.partition(":")
            if action == "accept" and ticket.status == "accepted":
                continue  # what the escort files starts accepted
            data_ = {}
            actor = {"accept": escort, "escalate": escort, "reject": escort, "dispatch": manager}.get(action)
            if action == "escalate":
                data_["reason"] = "需要职能部门协调办理"
            elif action == "reject":
                data_["reason"] = "属于企业自主经营事项，建议通过行业协会对接"
            elif action == "dispatch":
                lead, *co = arg.split("+")  # "land+drc": 区自然资源和规划分局 leads, 区发展和改革局 协办
                data_["department_id"] = departments[lead].id
                if co:
                    data_["co_departments"] = [departments[code].id for code in co]
                actor = manager
            elif action == "sign":
                actor = helpers.get(ticket.department_id) or _department_helper(ticket)
            elif action == "reply":
                actor = (helpers.get(ticket.department_id) or _department_helper(ticket)) if ticket.status == "in_progress" else escort
                data_["message"] = "已与相关科室对接，具体办理流程和材料清单已发送企业联系人。"
            elif action == "rate":
                actor = portal_user or escort
                data_["rating"] = arg
                data_["comment"] = "希望进一步明确办理时限" if arg == "unsatisfied" else "感谢帮助"
            services.perform(actor, ticket, action, data_, now=when)
    db.session.flush()
    seed_common_problems(manager, helpers, departments)


def seed_common_problems(manager, helpers, departments) -> None:
    """Problems of several firms with one need, grouped and dispatched once (with 协办), as a manager would."""
    from datetime import timedelta

    from app.common_problems import services as common_services
    from app.core.db import utcnow
    from app.tickets.models import Ticket

    for title, description, members, lead, co, steps, days_ago in data.COMMON_PROBLEMS:
        ids = db.session.scalars(sa.select(Ticket.id).where(Ticket.title.in_(members)).order_by(Ticket.id)).all()
        when = utcnow() - timedelta(days=days_ago)
        group = common_services.create_common_problem(manager, title=title, description=description,
                                                      ticket_ids=list(ids), now=when)
        when += timedelta(hours=2)
        common_services.perform(manager, group, "dispatch", {"department_id": departments[lead].id,
                                                             "co_departments": [departments[c].id for c in co]},
                                now=when)
        helper = helpers.get(departments[lead].id)
        for action in steps:
            when += timedelta(hours=3)
            common_services.perform(helper, group, action, {}, now=when)
    db.session.flush()


def _department_helper(ticket):
    """Departments without a demo helper get one, so their problems can be worked."""
    helper = db.session.scalars(sa.select(User).where(User.department_id == ticket.department_id,
                                                      User.role == Role.HELPER)).first()
    if helper is None:
        department = db.session.get(Department, ticket.department_id)
        helper = User(username=f"helper_{department.code}", name=f"{department.name}联络员", role=Role.HELPER,
                      password_hash=hash_password(secrets_token()), department_id=department.id)
        db.session.add(helper)
        db.session.flush()
    return helper


def secrets_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def seed_command(if_empty: bool) -> None:
    """Load the demo district: departments, towns, industries, companies and the demo accounts."""
    if current_app.config["IS_PRODUCTION"]:
        raise click.ClickException("demo data is never loaded under the production configuration")
    if not database_is_empty():
        if if_empty:
            click.echo("Database already has data; demo seed skipped.")
            return
        raise click.ClickException("the database is not empty; demo seed only runs on an empty database")
    password = current_app.config["DEMO_PASSWORD"]
    result = seed_demo(password)
    db.session.commit()
    click.echo(f"Demo data loaded: {len(result['companies'])} companies.")


@demo_cli.command("accounts")
def accounts_command() -> None:
    """Print the demo logins."""
    password = current_app.config["DEMO_PASSWORD"]
    click.echo("Demo logins (password: %s)" % password)
    company_names = dict(db.session.execute(sa.select(User.username, Company.name).join(Company, User.company_id == Company.id)).all())
    for username, name, role, _extra, _phone in data.ACCOUNTS:
        suffix = f" — {company_names[username]}" if username in company_names else ""
        click.echo(f"  {username:<10} {role:<8} {name}{suffix}")


@demo_cli.command("scale")
@click.option("--companies", type=click.IntRange(0), default=5000, show_default=True, help="Companies to add.")
@click.option("--tickets", type=click.IntRange(0), default=200000, show_default=True, help="Problems to add.")
@click.option("--visits", type=click.IntRange(0), default=None,
              help="Visits to add (default: about one per company per month over the period).")
@click.option("--seed", type=int, default=None, help="Random seed; the same seed and --now give the same rows.")
@click.option("--now", "now_text", default=None, help="ISO date-time the data ends at (default: now).")
@click.option("--years", type=click.IntRange(1, 10), default=3, show_default=True, help="Period the problems span.")
def scale_command(companies: int, tickets: int, visits: int | None, seed: int | None, now_text: str | None,
                  years: int) -> None:
    """Add a district-sized data set on top of the demo (loaded first on an empty database), for benchmarks."""
    import time
    from datetime import datetime, timezone

    try:  # the generator is a benchmark tool of the source tree (bench/scale.py), not part of the app
        from bench.scale import DEFAULT_SEED, scale_up
    except ImportError as exc:
        raise click.ClickException(
            f"the generator is bench/scale.py of Peipao's source tree: run flask from its root ({exc})") from None

    if current_app.config["IS_PRODUCTION"]:
        raise click.ClickException("demo data is never loaded under the production configuration")
    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError:
            raise click.BadParameter("expected an ISO date-time, e.g. 2026-06-30T18:00:00+08:00", param_hint="--now")
        now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    began = time.perf_counter()
    password = current_app.config["DEMO_PASSWORD"]
    if database_is_empty():
        seed_demo(password)
        db.session.flush()
        click.echo("Demo data loaded first (the database was empty).")
    result = scale_up(companies=companies, tickets=tickets, visits=visits, seed=DEFAULT_SEED if seed is None else seed,
                      now=now, years=years, password=password, log=click.echo)
    db.session.commit()
    analyzed = time.perf_counter()
    # Fresh statistics, so the planner sees the new sizes (SQLite keeps them in sqlite_stat1).
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    click.echo(
        f"Added {result.companies} companies, {result.escorts} escorts, {result.helpers} helpers, "
        f"{result.company_users} company accounts, {result.visits} visits, {result.tickets} problems "
        f"({result.events} timeline events, {result.dispatch_records} dispatch records, "
        f"{result.extension_requests} extension requests, {result.co_departments} 协办 co-department rows, "
        f"{result.audit_rows} audit rows, "
        f"{result.notifications} notifications) in {time.perf_counter() - began:.1f}s "
        f"(ANALYZE {time.perf_counter() - analyzed:.1f}s).")
    click.echo("Problems by status: " + ", ".join(f"{k} {v}" for k, v in sorted(result.by_status.items())))
