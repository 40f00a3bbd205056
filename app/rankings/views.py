"""晾晒比拼 pages: the three boards per period, the XLSX export, and the administrator's weights."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.permissions import require
from app.core.spreadsheets import stream_xlsx
from app.core.timeutil import local_today
from app.extensions import db
from app.rankings import permissions, services
from app.rankings.forms import RankingSettingsForm
from app.rankings.metrics import Ratio
from app.rankings.periods import PeriodError, current_month, period_from_args, quarter
from app.rankings.scoring import BOARDS, DAYS_CAP, OVERDUE_CAP, compute_board, load_config

bp = Blueprint("rankings", __name__, url_prefix="/rankings", template_folder="templates")


@bp.app_context_processor
def _ranking_permissions():
    return {"can_view_rankings": permissions.can_view_rankings}


def _board_key() -> str:
    key = request.args.get("board", "escorts")
    return key if key in BOARDS else "escorts"


def _requested_period():
    """The period from the query string; a bad one falls back to the current month with a message."""
    try:
        return period_from_args(request.args), None
    except PeriodError as exc:
        return current_month(), exc


def recent_quarters(count: int = 8):
    today = local_today()
    periods = [quarter(today.year, (today.month - 1) // 3 + 1)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods


def metric_text(spec, value) -> str:
    """A metric as the page and the export show it: 66.7%, 4, 10.5, or — when not applicable."""
    if isinstance(value, Ratio):
        return "—" if value.value is None else f"{value.value * 100:.1f}%"
    if value is None:
        return "—"
    if spec.kind == "days":
        return f"{value:.1f}"
    return str(value)


def metric_number(value):
    """A metric as an exported number: rates in percent (one decimal), counts and days as they are."""
    if isinstance(value, Ratio):
        return None if value.value is None else round(value.value * 100, 1)
    if isinstance(value, float):
        return round(value, 1)
    return value


@bp.route("/")
@login_required
def index():
    require(permissions.can_view_rankings(current_user))
    board_key = _board_key()
    period, error = _requested_period()
    board = compute_board(board_key, period)
    return render_template(
        "rankings/index.html", board=board, boards=BOARDS, board_key=board_key, period=period,
        period_error=error, quarters=recent_quarters(), metric_text=metric_text,
        days_cap=DAYS_CAP, overdue_cap=OVERDUE_CAP,
        can_export=permissions.can_export_rankings(current_user),
        can_edit=permissions.can_edit_ranking_weights(current_user),
    ), (400 if error else 200)


@bp.route("/export.xlsx")
@login_required
def export():
    """The board on screen (same board and period) as one XLSX sheet, ranked rows first."""
    require(permissions.can_export_rankings(current_user))
    board_key = _board_key()
    period, error = _requested_period()
    if error:
        flash(error.message, "danger")
        return redirect(url_for("rankings.index", board=board_key))
    board = compute_board(board_key, period)
    spec = board.spec
    headers = [_("排名"), _("上期排名"), str(spec.entity_label)]
    headers += [str(m.label) + ("（%）" if m.kind == "rate" else "") for m in spec.metrics]
    headers += [_("综合得分"), _("黄牌"), _("样本数"), _("是否参与排名")]

    def rows():
        for row in board.rows:
            yield [row.rank, row.previous_rank, row.name,
                   *[metric_number(row.entry.metrics[m.key]) for m in spec.metrics],
                   row.score, _("黄牌") if row.yellow_card else "", row.entry.cases,
                   _("是") if row.ranked else _("否（样本不足）")]

    filename = _("晾晒比拼-%(board)s-%(period)s.xlsx", board=str(spec.label), period=period.key.replace("..", "_"))
    return stream_xlsx(filename, headers, rows(), sheet_title=f"{spec.label} {period.key}"[:31])


@bp.route("/weights", methods=["GET", "POST"])
@login_required
def weights():
    require(permissions.can_edit_ranking_weights(current_user))
    form = RankingSettingsForm(config=load_config())
    if form.validate_on_submit():
        changed = services.save_ranking_settings(current_user, **form.values())
        db.session.commit()
        if changed:
            flash(_("排名设置已保存。"), "success")
        else:
            flash(_("没有修改。"), "info")
        return redirect(url_for("rankings.weights"))
    return render_template("rankings/weights.html", form=form, boards=BOARDS), (400 if form.errors else 200)
