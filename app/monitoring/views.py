"""The manager dashboard (/dashboard) and the escort and helper homes (/home).

Read-only pages: every number comes from app.monitoring.queries (one SQL statement each, a
fixed number per page) and links to the filtered problem list (/tickets/?…) or to the
"not visited" list that shows exactly the rows it counts.
"""
import sqlalchemy as sa
from flask import get_template_attribute, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from app.companies import goals
from app.companies.models import CATEGORIES as COMPANY_CATEGORIES
from app.companies.models import GOAL_STATUSES
from app.companies.queries import visible_companies
from app.core.db import utcnow
from app.core.permissions import require
from app.core.workdays import overdue_working_days
from app.extensions import db
from app.home.landing import home_url
from app.monitoring import aggregates, charts, permissions, queries
from app.common_problems import permissions as common_permissions
from app.common_problems import queries as common_queries
from app.search import common as common_problems
from app.tickets.models import RATINGS
from app.tickets.queries import awaiting_states
from app.visits.window import current_window
from app.monitoring.blueprint import bp


@bp.app_context_processor
def _inject_permissions():
    return {"can_view_dashboard": permissions.can_view_dashboard,
            "can_view_staff_home": permissions.can_view_staff_home}


def _overdue_days(now):
    def days(ticket) -> int:
        return overdue_working_days(ticket.due_at, now) if ticket.is_overdue(now) else 0

    return days


def _tickets_url(**args) -> str:
    return url_for("tickets.index", **{k: v for k, v in args.items() if v not in (None, "", False)})


@bp.route("/dashboard")
@login_required
def dashboard():
    require(permissions.can_view_dashboard(current_user))
    user, now = current_user, utcnow()
    c = queries.clock(now)
    window = current_window(c.today)
    # The numbers depend on the scope, not the viewer: computed once per scope and kept for up to a minute.
    window_days, max_candidates = common_problems.limits()
    numbers = aggregates.shared(
        "dashboard", aggregates.scope_key(user), lambda: _dashboard_numbers(user, c, window, window_days, max_candidates),
        c.today.isoformat(), window_days, max_candidates)
    supervised = db.session.scalars(queries.supervision_list(user)).unique().all()
    return render_template(
        "monitoring/dashboard.html", now=now, c=c, window=window, **numbers.value, as_of=numbers.computed_at,
        supervised=supervised,
        ratings=RATINGS, satisfied_codes=queries.SATISFIED, definitions=queries.DEFINITIONS,
        tickets_url=_tickets_url, overdue_days=_overdue_days(now),
        common_window=window_days, common_cap=max_candidates,
        can_create_common=common_permissions.can_create_common_problem(current_user),
        open_common=common_queries.open_counts(current_user, now),
        common_min_companies=common_problems.MIN_COMPANIES,
    )


def _dashboard_numbers(user, c, window, window_days: int, max_candidates: int) -> dict:
    """Every number and chart of the dashboard for the user's scope, and the suggested 共性问题 (over every
    problem: the dashboard's scope is the district) — kept per scope for up to a minute (app.monitoring.aggregates)."""
    breakdowns = {name: queries.breakdown(user, c, name) for name in queries.BREAKDOWNS}
    buckets = queries.ageing(user, c)
    months = queries.trend(user, c)
    charts_ = _dashboard_charts(breakdowns, buckets, months)
    goals_reached = goals.reached_this_year_by_category(visible_companies(user), c.today.year)
    common = common_problems.suggestions(window_days, max_candidates)
    return {
        "counts": queries.open_counts(user, c), "month": queries.month_counts(user, c),
        "cover": queries.coverage(user, window),
        "common": common,
        "sections": _dashboard_sections(breakdowns, buckets, months, charts_, goals_reached, c.today.year, common),
    }


def _dashboard_sections(breakdowns, buckets, months, charts_, goals_reached, year, common) -> dict:
    """The sections that show only these numbers — the breakdowns, ageing, trend and goals with their charts
    and a few hundred links, the suggested 共性问题 with and without their merge buttons — as HTML, rendered once
    with the numbers instead of on every view."""
    def section(name, *args):
        return Markup(get_template_attribute("monitoring/_dashboard_sections.html", name)(*args))

    return {
        "breakdowns": section("breakdowns", breakdowns, queries.BREAKDOWNS, charts_, _tickets_url),
        "ageing": section("ageing", buckets, queries.DEFINITIONS, charts_, _tickets_url),
        "trend": section("trend", months, queries.DEFINITIONS, charts_, _tickets_url),
        "goals": section("goals", goals_reached, COMPANY_CATEGORIES, year),
        "common": section("common_groups", common, False),
        "common_merge": section("common_groups", common, True),
    }


def _dashboard_charts(breakdowns, buckets, months) -> dict:
    status_series = [charts.Series(_("已超期"), charts.RED), charts.Series(_("一个工作日内到期"), charts.ORANGE),
                     charts.Series(_("其他未办结"), charts.BLUE)]
    result = {}
    for name, groups in breakdowns.items():
        bars = [charts.Bar(g.label, [
            charts.Segment(g.overdue, 0, _tickets_url(overdue=1, **g.args)),
            charts.Segment(g.due_soon, 1, _tickets_url(due_soon=1, **g.args)),
            charts.Segment(g.open - g.overdue - g.due_soon, 2, _tickets_url(open=1, **g.args)),
        ]) for g in groups]
        result[name] = charts.bar_chart(f"chart-{name}", str(queries.BREAKDOWNS[name]), bars, status_series,
                                        empty=_("暂无未办结问题"))
    result["ageing"] = charts.bar_chart(
        "chart-ageing", _("未办结问题账龄"),
        [charts.Bar(b.label, [charts.Segment(b.count, 0, _tickets_url(open=1, **b.args))]) for b in buckets],
        [charts.Series(_("未办结"), charts.BLUE)])
    created = charts.Series(_("新提交"), charts.BLUE)
    closed = charts.Series(_("办结"), charts.GREEN)
    result["trend"] = charts.line_chart(
        "chart-trend", _("近12个月问题提交与办结"), [m.short_label for m in months], [
            charts.Line(created, [charts.Point(m.created, _tickets_url(
                created_from=m.first.isoformat(), created_to=m.last.isoformat())) for m in months]),
            charts.Line(closed, [charts.Point(m.closed, _tickets_url(
                status="closed", closed_from=m.first.isoformat(), closed_to=m.last.isoformat())) for m in months]),
        ],
        sublabels=[_("%(y)d年", y=m.first.year) if i == 0 or m.first.month == 1 else "" for i, m in enumerate(months)],
    )
    return result


@bp.route("/home")
@login_required
def home():
    """The work home of escorts and helpers; everyone else goes to their own landing page."""
    if not permissions.can_view_staff_home(current_user):
        return redirect(home_url(current_user))
    now = utcnow()
    c = queries.clock(now)
    if permissions.has_escort_home(current_user):
        return _escort_home(c)
    return _helper_home(c)


def _escort_home(c):
    user = current_user
    window = current_window(c.today)

    def numbers():
        return {
            "counts": queries.escort_counts(user, c),
            "company_counts": queries.escort_company_counts(user, window),
            "goal_checks": db.session.scalar(sa.select(sa.func.count()).select_from(
                visible_companies(user).where(goals.inconsistent_goal_condition()).order_by(None).subquery())),
        }

    shared = aggregates.shared("home-escort", aggregates.scope_key(user), numbers, c.today.isoformat())
    return render_template(
        "monitoring/home_escort.html", now=c.now, c=c, window=window, **shared.value, as_of=shared.computed_at,
        companies=db.session.execute(queries.escort_companies(user, window)).all(),
        awaiting=db.session.scalars(queries.tickets_in(user, awaiting_states(user))).unique().all(),
        others=db.session.scalars(queries.open_not_in(user, awaiting_states(user))).unique().all(),
        definitions=queries.DEFINITIONS, tickets_url=_tickets_url, overdue_days=_overdue_days(c.now),
        goal_labels=GOAL_STATUSES,
    )


def _helper_home(c):
    user = current_user
    counts = aggregates.shared("home-helper", aggregates.scope_key(user), lambda: queries.helper_counts(user, c),
                               c.today.isoformat())
    return render_template(
        "monitoring/home_helper.html", now=c.now, c=c, counts=counts.value, as_of=counts.computed_at,
        to_sign=db.session.scalars(queries.tickets_in(user, ("dispatched",))).unique().all(),
        in_progress=db.session.scalars(queries.tickets_in(user, ("in_progress",))).unique().all(),
        overdue=db.session.scalars(queries.overdue_tickets(user, c)).unique().all(),
        extensions=db.session.execute(queries.pending_extensions(user)).unique().all(),
        definitions=queries.DEFINITIONS, tickets_url=_tickets_url, overdue_days=_overdue_days(c.now),
    )
