"""Rankings through the API: GET /api/v1/rankings/{escorts,departments,towns}?period=… (staff only), and the
published (frozen) boards: GET and POST /api/v1/rankings/publications."""
from flask import request
from flask_babel import gettext as _

from app.api import answers
from app.api.blueprint import bp
from app.api.common import check_query_params, current_api_user, fail, parse_payload, token_required
from app.extensions import db
from app.rankings import services
from app.rankings.periods import parse_period
from app.rankings.queries import publications
from app.rankings.schemas import RankingPublicationCreate
from app.rankings.scoring import BOARDS
from app.rankings import permissions
from app.rankings.metrics import Ratio
from app.rankings.periods import PeriodError, period_from_args
from app.rankings.scoring import compute_board

# board → the key naming the ranked object in each item
SUBJECTS = {"escorts": "escort", "departments": "department", "towns": "town"}


def _metric_json(value):
    """Rates as fractions 0–1 (None when not applicable), counts as integers, averages as numbers."""
    if isinstance(value, Ratio):
        return None if value.value is None else round(value.value, 4)
    if isinstance(value, float):
        return round(value, 2)
    return value


def _board_json(board) -> dict:
    subject = SUBJECTS[board.spec.key]
    return answers.BOARDS[board.spec.key].of(**{
        "period": board.period.key,
        "start": board.period.start.isoformat(),
        "end": board.period.end.isoformat(),
        "previous_period": board.previous_period.key if board.previous_period else None,
        "weights": board.weights,
        "min_cases": board.config.min_cases,
        "provisional": board.provisional,
        "items": [
            {
                "rank": row.rank,
                "previous_rank": row.previous_rank,
                subject: {"id": row.id, "name": row.name},
                "metrics": {key: _metric_json(value) for key, value in row.entry.metrics.items()},
                "score": row.score,
                "yellow_card": row.yellow_card,
                "ranked": row.ranked,
                "sample_too_small": row.sample_too_small,
                "cases": row.entry.cases,
            }
            for row in board.rows
        ],
    })


def _ranking(board_key: str):
    user = current_api_user()
    if not permissions.can_view_rankings(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")
    check_query_params({"period", "start", "end"})
    try:
        period = period_from_args(request.args)
    except PeriodError as exc:
        fail(400, exc.message, "validation_error", {exc.field: exc.message})
    return _board_json(compute_board(board_key, period))


@bp.get("/rankings/escorts")
@token_required
def rankings_escorts():
    return _ranking("escorts")


@bp.get("/rankings/departments")
@token_required
def rankings_departments():
    return _ranking("departments")


@bp.get("/rankings/towns")
@token_required
def rankings_towns():
    return _ranking("towns")


def publication_json(publication) -> dict:
    content = publication.content
    return answers.RankingPublication.of(**{
        "id": publication.id, "board": publication.board, "period": publication.period_key,
        "start": publication.period_start.isoformat(), "end": publication.period_end.isoformat(),
        "version": publication.version, "reason": publication.reason,
        "published_at": publication.published_at.isoformat(),
        "published_by": ({"id": publication.published_by.id, "name": publication.published_by.name}
                         if publication.published_by else None),
        "data_as_of": publication.data_as_of.isoformat(),
        "weights": content["weights"], "min_cases": content["min_cases"],
        "formula": content["texts"]["zh"]["formula"],
        "items": [
            {"rank": row["rank"], "previous_rank": row["previous_rank"],
             "subject": {"id": row["id"], "name": row["name"]},
             "metrics": {key: value["value"] for key, value in row["metrics"].items()},
             "score": row["score"], "yellow_card": row["yellow_card"], "ranked": row["ranked"],
             "sample_too_small": row["sample_too_small"], "cases": row["cases"]}
            for row in content["rows"]
        ],
    })


@bp.get("/rankings/publications")
@token_required
def list_ranking_publications():
    user = current_api_user()
    if not permissions.can_view_rankings(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")
    check_query_params({"board", "period"})
    board = request.args.get("board") or None
    if board is not None and board not in BOARDS:
        fail(400, _("提交的数据有误。"), "validation_error", {"board": _("没有这个榜单。")})
    period_key = None
    if request.args.get("period"):
        try:
            period_key = parse_period(request.args["period"]).key
        except PeriodError as exc:
            fail(400, exc.message, "validation_error", {"period": exc.message})
    return answers.RankingPublications.of(items=[publication_json(p) for p in publications(board, period_key)])


@bp.post("/rankings/publications")
@token_required
def publish_ranking():
    user = current_api_user()
    if not permissions.can_publish_rankings(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")
    payload = parse_payload(RankingPublicationCreate)
    board, period, reason = payload.board, parse_period(payload.period), payload.reason
    try:
        publication = services.publish_board(user, board, period, reason=reason)
    except services.PublicationError as exc:
        db.session.rollback()
        status = 409 if exc.field == "period" and exc.status == 400 else exc.status
        fail(status, exc.message, "conflict" if status == 409 else "validation_error",
             {exc.field: exc.message} if status == 400 else None)
    body = publication_json(publication)  # before the commit expires it (published_by is never lazy-loaded)
    db.session.commit()
    return body, 201
