"""晾晒比拼 pages: the three boards per period (published or live), publishing, the XLSX export, the weights."""
import io
from datetime import datetime
from typing import NamedTuple

from flask import (
    abort, current_app, flash, get_template_attribute, redirect, render_template, request, send_file, url_for,
)
from markupsafe import Markup
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import User
from app.monitoring import aggregates
from app.core.db import utcnow
from app.core.pagination import NumberedPage, page_number
from app.core.permissions import require
from app.core.spreadsheets import stream_xlsx
from app.core.timeutil import local_today
from app.extensions import db
from app.rankings import permissions, services
from app.rankings.bulletin import build_bulletin
from app.rankings.content import board_content, history_chart, rank_change, texts_for
from app.rankings.forms import PublishForm, RankingSettingsForm
from app.rankings.periods import PeriodError, current_month, parse_period, period_from_args, quarter
from app.rankings.queries import latest_publication, publication_versions, ranking_history
from app.rankings.scoring import BOARDS, compute_board, is_running, load_config
from app.reference.models import Department, Town
from app.rankings.blueprint import bp


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


def _board_and_content(board_key: str, period, *, live: bool):
    """The latest publication of this board and period, or (none yet, or `live`) the board computed now."""
    publication = None if live else latest_publication(board_key, period)
    if publication is not None:
        return publication, publication.content
    return None, board_content(compute_board(board_key, period))


class BoardPages(NamedTuple):
    """A board as its page shows it, kept for a minute (the live board) or per publication and shared by every
    member of staff: the content without its rows, each page of each table rendered once, and where each row is
    — so a view reads one page of HTML, not a thousand rows."""

    header: dict  # the board's content without "rows"
    per_page: int
    ranked: int  # rows in the ranked table, and in the 样本不足 table
    unranked: int
    # The tables' pages (at least one each: an empty table says so) as UTF-8: unpickled without decoding the
    # megabyte of a district's board (0.8 ms a view as text), a view decodes only the page it shows.
    ranked_pages: list[bytes]
    unranked_pages: list[bytes]
    places: dict[int, tuple[bool, int, int | None]]  # row id → (ranked?, page number, rank): 我的名次


def _shared_board(board_key: str, period, *, live: bool) -> tuple:
    """(publication or None, BoardPages).

    A board is the same for every member of staff (its scope is the district): the live one is computed once
    and kept for up to a minute with its pages (app.monitoring.aggregates; a change of the weights is a new key, so
    it shows at once); a publication's pages are rendered once per publication and language."""
    per_page = current_app.config["ITEMS_PER_PAGE"]
    publication = None if live else latest_publication(board_key, period, with_content=False)
    if publication is not None:
        pages = aggregates.shared("ranking-published", "district",
                                  lambda: _board_pages(publication.content, per_page), publication.id, per_page)
        return publication, pages.value
    config = load_config()

    def compute():
        return _board_pages(board_content(compute_board(board_key, period, config=config)), per_page)

    shared = aggregates.shared("ranking", "district", compute, board_key, period.key, repr(config), per_page)
    return None, shared.value


def _board_pages(content: dict, per_page: int) -> BoardPages:
    """The ranked and the too-small-sample table of a board (up to a thousand rows each, each row a card on a
    phone), each cut into pages of `per_page` rows and rendered once; nothing in them depends on who looks."""
    table = get_template_attribute("rankings/_table.html", "board_table")
    texts = texts_for(content)
    header = {key: value for key, value in content.items() if key != "rows"}
    tables = {True: [row for row in content["rows"] if row["ranked"]],
              False: [row for row in content["rows"] if not row["ranked"]]}
    pages, places = {}, {}
    for ranked, rows in tables.items():
        cuts = [rows[start:start + per_page] for start in range(0, len(rows), per_page)] or [[]]
        pages[ranked] = [table(header, texts, cut, ranked, rank_change, _rank_texts).encode() for cut in cuts]
        for number, cut in enumerate(cuts, start=1):
            places.update((row["id"], (ranked, number, row["rank"])) for row in cut)
    return BoardPages(header, per_page, len(tables[True]), len(tables[False]), pages[True], pages[False], places)


@bp.route("/")
@login_required
def index():
    require(permissions.can_view_rankings(current_user))
    period, error = _requested_period()
    return _render_index(_board_key(), period, error=error, live=request.args.get("live") == "1")


def _render_index(board_key: str, period, *, error=None, live: bool = False, form=None, status: int | None = None):
    """The board page: the period's latest publication, or the live board, a page of each table at a time (?page=
    for the ranked one, ?upage= for the 样本不足 one); `form` keeps a refused publish form."""
    publication, board = _shared_board(board_key, period, live=live)
    content = board.header

    def board_url(page: int, upage: int, anchor: str) -> str:
        """This board at these pages (page 1 left out), whichever request shows it (a refused publish form too)."""
        return url_for("rankings.index", board=board_key, live=1 if live else None, **period.query_args(),
                       page=page if page > 1 else None, upage=upage if upage > 1 else None, _anchor=anchor)

    # Each pager keeps the other table's page.
    ranked = NumberedPage(page_number(request.args.get("page")), total=board.ranked, per_page=board.per_page,
                          url=lambda number: board_url(number, unranked.page, "ranked"))
    unranked = NumberedPage(page_number(request.args.get("upage")), total=board.unranked, per_page=board.per_page,
                            url=lambda number: board_url(ranked.page, number, "unranked"))
    mine = None  # 我的名次: the viewer's own row, if the viewer has one on this board
    own_id = permissions.own_row_id(current_user, board_key)
    if (place := board.places.get(own_id)) is not None:
        on_ranked, number, rank = place
        url = (board_url(number, unranked.page, f"row-{own_id}") if on_ranked
               else board_url(ranked.page, number, f"row-{own_id}"))
        mine = {"ranked": on_ranked, "page": number, "rank": rank, "url": url}
    versions = publication_versions(board_key, period) if (publication or live) else []
    running = is_running(period, utcnow())
    if form is None and permissions.can_publish_rankings(current_user) and not running:
        form = PublishForm(board=board_key, period=period.key)
    return render_template(
        "rankings/index.html", content=content, texts=texts_for(content), publication=publication,
        data_as_of=datetime.fromisoformat(content["data_as_of"]) if content.get("data_as_of") else None,
        versions=versions, live=live, boards=BOARDS, board_key=board_key, period=period, period_error=error,
        quarters=recent_quarters(), running=running, form=form, mine=mine,
        ranked=ranked, ranked_html=Markup(board.ranked_pages[ranked.page - 1].decode()),
        unranked=unranked, unranked_html=Markup(board.unranked_pages[unranked.page - 1].decode()),
        can_export=permissions.can_export_rankings(current_user),
        can_edit=permissions.can_edit_ranking_weights(current_user),
        can_bulletin=permissions.can_download_bulletin(current_user) and period.kind == "month",
    ), status or (400 if error else 200)


def _rank_texts() -> tuple[str, str]:
    """The per-row rank texts, translated once per table and formatted per row ("上期第%(n)d名", "第%(n)d名")."""
    return _("上期第%(n)d名"), _("第%(n)d名")


@bp.route("/publish", methods=["POST"])
@login_required
def publish():
    """Freeze the board for a closed period (a second time: a correction with its reason)."""
    require(permissions.can_publish_rankings(current_user))
    form = PublishForm()
    board_key = form.board.data if form.board.data in BOARDS else "escorts"
    if not form.validate_on_submit():
        try:
            period = parse_period(form.period.data)
        except PeriodError:
            period = current_month()
        flash(_("发布失败：请检查填写的内容。"), "danger")
        return _render_index(board_key, period, live=True, form=form, status=400)
    try:
        period = parse_period(form.period.data)
        publication = services.publish_board(current_user, board_key, period, reason=form.reason.data)
    except PeriodError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("rankings.index", board=board_key))
    except services.PublicationError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("rankings.index", board=board_key, period=form.period.data, live=1))
    db.session.commit()
    if publication.version == 1:
        flash(_("已发布%(period)s%(board)s榜。", period=period.label, board=BOARDS[board_key].label), "success")
    else:
        flash(_("已发布更正（第%(n)d版）。", n=publication.version), "success")
    return redirect(url_for("rankings.index", board=board_key, **period.query_args()))


@bp.route("/export.xlsx")
@login_required
def export():
    """The board on screen (same board, period, published or live) as one XLSX sheet, ranked rows first."""
    require(permissions.can_export_rankings(current_user))
    board_key = _board_key()
    period, error = _requested_period()
    if error:
        flash(error.message, "danger")
        return redirect(url_for("rankings.index", board=board_key))
    publication, content = _board_and_content(board_key, period, live=request.args.get("live") == "1")
    texts = texts_for(content)
    keys = content["metric_keys"]
    headers = [_("排名"), _("上期排名"), texts["entity_label"]]
    headers += [texts["metrics"][k]["label"] + ("（%）" if content["metric_kinds"][k] == "rate" else "") for k in keys]
    headers += [_("综合得分"), _("黄牌"), _("样本数"), _("是否参与排名")]

    def number(key, value):
        if value is None:
            return None
        return round(value * 100, 1) if content["metric_kinds"][key] == "rate" else value

    def rows():
        for row in content["rows"]:
            yield [row["rank"], row["previous_rank"], row["name"],
                   *[number(k, row["metrics"][k]["value"]) for k in keys],
                   row["score"], _("黄牌") if row["yellow_card"] else "", row["cases"],
                   _("是") if row["ranked"] else _("否（样本不足）")]

    filename = _("晾晒比拼-%(board)s-%(period)s.xlsx", board=texts["board_label"], period=period.key.replace("..", "_"))
    return stream_xlsx(filename, headers, rows(), sheet_title=f"{texts['board_label']} {period.key}"[:31])


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


def _subject(board_key: str, subject_id: int):
    """The escort, department or town a history page is about (404 when there is none)."""
    if board_key == "escorts":
        subject = db.session.get(User, subject_id)
        if subject is None or not permissions.ranked_as_escort(subject):
            abort(404)
        return subject
    model = Department if board_key == "departments" else Town
    return db.session.get(model, subject_id) or abort(404)


@bp.route("/history/<board>/<int:subject_id>")
@login_required
def history(board: str, subject_id: int):
    """An escort's, department's or town's rank, score and 黄牌 in each published month (table and chart)."""
    require(permissions.can_view_rankings(current_user))
    if board not in BOARDS:
        abort(404)
    subject = _subject(board, subject_id)
    points = ranking_history(board, subject.id)
    return render_template(
        "rankings/history.html", spec=BOARDS[board], board_key=board, subject=subject, points=points,
        chart=history_chart(board, subject.id, points) if points else None,
    )


@bp.route("/bulletin.docx")
@login_required
def bulletin():
    """The month's 通报 (.docx) made from the latest publication of each board of that month."""
    require(permissions.can_download_bulletin(current_user))
    try:
        period = parse_period(request.args.get("period", ""))
    except PeriodError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("rankings.index"))
    if period.kind != "month":
        flash(_("通报按月生成，请选择月份。"), "danger")
        return redirect(url_for("rankings.index", **period.query_args()))
    published = {key: p for key in BOARDS if (p := latest_publication(key, period)) is not None}
    if not published:
        flash(_("%(period)s还没有发布的榜单，发布后才能生成通报。", period=period.label), "warning")
        return redirect(url_for("rankings.index", **period.query_args()))
    data = build_bulletin(period, published, now=utcnow(), title=_("助企陪跑晾晒比拼通报"))
    filename = _("晾晒比拼通报-%(period)s.docx", period=period.key)
    response = send_file(io.BytesIO(data), as_attachment=True, download_name=filename,
                         mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response.headers["Cache-Control"] = "no-store"
    return response
