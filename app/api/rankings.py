"""Rankings through the API: GET /api/v1/rankings/{escorts,departments,towns}?period=… (staff only)."""
from flask import request
from flask_babel import gettext as _

from app.api import bp
from app.api.common import check_query_params, current_api_user, fail, token_required
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
    return {
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
    }


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
