"""Admin pages: the working-day calendar (overrides, bulk paste, month grid), SLA limits, yearly goal targets."""
import logging
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from app.companies.goals import targets
from app.core.models import CalendarOverride
from app.core.permissions import require
from app.core.timeutil import local_today
from app.core.workdays import package_covers
from app.core.inputs import query_date, query_int
from app.extensions import db
from app.settings import queries, services
from app.settings.forms import BulkOverrideForm, GoalTargetsForm, OverrideForm, SLAForm
from app.settings.permissions import can_manage_settings, can_see_calendar_warning, can_view_calendar
from app.settings.sla import LABELS, SLA, get_sla
from app.settings.blueprint import bp

log = logging.getLogger("peipao.settings")


@bp.app_context_processor
def _inject_calendar_warning():
    """base.html calls this once per page; only admins pay its (single, cheap) query."""
    return {"settings_calendar_warning": _calendar_warning_for_current_user}


def _calendar_warning_for_current_user() -> str | None:
    if not current_user or not current_user.is_authenticated or not can_see_calendar_warning(current_user):
        return None
    try:
        return queries.calendar_warning()
    except SQLAlchemyError:  # an error page must still render when the database is the problem
        log.warning("calendar warning skipped: database error", exc_info=True)
        return None


def _load_override(override_id: int) -> CalendarOverride:
    override = db.session.get(CalendarOverride, override_id)
    if override is None:
        abort(404)
    return override


def _calendar_url(day=None, year=None):
    if day is not None:
        return url_for("settings.calendar", year=day.year, month=day.month)
    return url_for("settings.calendar", year=year) if year else url_for("settings.calendar")


def _flash_moved(moved: int) -> None:
    if moved:
        flash(_("%(n)d 个未办结问题的期限已按新日历重新计算（见各问题的时间线）。", n=moved), "info")


@bp.route("/")
@login_required
def index():
    require(can_view_calendar(current_user))
    return redirect(url_for("settings.sla" if can_manage_settings(current_user) else "settings.calendar"))


@bp.route("/calendar")
@login_required
def calendar():
    require(can_view_calendar(current_user))
    today = local_today()
    year = query_int("year") or today.year
    if not services.YEAR_MIN <= year <= services.YEAR_MAX:
        year = today.year
    month = query_int("month") or (today.month if year == today.year else 1)
    if not 1 <= month <= 12:
        month = 1
    overrides = db.session.scalars(queries.overrides_for_year(year)).all()
    years = sorted({today.year - 1, today.year, today.year + 1, today.year + 2, year})
    counts = queries.override_counts(years)
    coverage = [(y, package_covers(y), counts[y]) for y in years]
    prev_month = (year, month - 1) if month > 1 else (year - 1, 12)
    next_month = (year, month + 1) if month < 12 else (year + 1, 1)
    return render_template(
        "settings/calendar.html", year=year, month=month, today=today, overrides=overrides,
        weeks=queries.month_grid(year, month, today), coverage=coverage,
        prev_month=prev_month, next_month=next_month, source_labels=queries.SOURCE_LABELS, source_short=queries.SOURCE_SHORT,
        package_last_year=queries.PACKAGE_LAST_YEAR, can_edit=can_manage_settings(current_user),
    )


@bp.route("/calendar/new", methods=["GET", "POST"])
@bp.route("/calendar/<int:override_id>/edit", methods=["GET", "POST"])
@login_required
def override_edit(override_id: int | None = None):
    override = _load_override(override_id) if override_id else None
    require(can_manage_settings(current_user))
    form = OverrideForm(override=override)
    if request.method == "GET" and override is None:
        form.day.data = query_date("day")
    if form.validate_on_submit():
        saved = services.save_override(current_user, override, **form.override_data())
        db.session.commit()
        flash(_("已保存 %(day)s 的设置。", day=saved.day.isoformat()), "success")
        _flash_moved(saved.moved_tickets)
        return redirect(_calendar_url(saved.day))
    return render_template("settings/override_form.html", form=form, override=override)


@bp.route("/calendar/<int:override_id>/delete", methods=["POST"])
@login_required
def override_delete(override_id: int):
    override = _load_override(override_id)
    require(can_manage_settings(current_user))
    day = override.day
    moved = services.delete_override(current_user, override)
    db.session.commit()
    flash(_("已删除 %(day)s 的设置，该日恢复按法定安排或周末规则计算。", day=day.isoformat()), "success")
    _flash_moved(moved)
    return redirect(_calendar_url(day))


@bp.route("/calendar/bulk", methods=["GET", "POST"])
@login_required
def override_bulk():
    require(can_manage_settings(current_user))
    form = BulkOverrideForm()
    if request.method == "GET":
        form.year.data = query_int("year") or local_today().year + 1
    if form.validate_on_submit():
        year = form.year.data
        counts = services.apply_overrides(current_user, year, form.entries, replace=form.replace.data)
        db.session.commit()
        flash(_("%(year)d 年已录入：新增 %(created)d 条，更新 %(updated)d 条，未变 %(unchanged)d 条，删除 %(deleted)d 条。",
                year=year, **counts), "success")
        _flash_moved(counts["moved"])
        return redirect(_calendar_url(year=year))
    return render_template("settings/bulk.html", form=form)


@bp.route("/sla", methods=["GET", "POST"])
@login_required
def sla():
    require(can_manage_settings(current_user))
    current = get_sla()
    form = SLAForm(obj=current)
    if form.validate_on_submit():
        changed = services.save_sla(current_user, form.sla_values())
        db.session.commit()
        if changed:
            flash(_("时限设置已保存（修改了 %(n)d 项）。", n=len(changed)), "success")
        else:
            flash(_("没有修改。"), "info")
        return redirect(url_for("settings.sla"))
    return render_template("settings/sla.html", form=form, current=current, defaults=SLA(), labels=LABELS)


@bp.route("/goals", methods=["GET", "POST"])
@login_required
def goal_targets():
    """The yearly targets of the goals measured by revenue growth (new_force, eaglet)."""
    require(can_manage_settings(current_user))
    form = GoalTargetsForm(data=targets())
    if form.validate_on_submit():
        changed = services.save_goal_targets(current_user, {"new_force": form.new_force.data, "eaglet": form.eaglet.data})
        db.session.commit()
        flash(_("年度目标已保存。") if changed else _("没有修改。"), "success" if changed else "info")
        return redirect(url_for("settings.goal_targets"))
    return render_template("settings/goals.html", form=form), (400 if form.errors else 200)
