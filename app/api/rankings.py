"""Rankings through the API: GET /api/v1/rankings/{escorts,departments,towns}?period=… (staff only), and the
published (frozen) boards: GET and POST /api/v1/rankings/publications."""
from flask_babel import gettext as _

from app.api import answers
from app.api.blueprint import operation
from app.api.common import current_api_user, fail, parse_payload, parse_query
from app.extensions import db
from app.rankings import permissions, services
from app.rankings.metrics import Ratio
from app.rankings.periods import parse_period
from app.rankings.queries import publications
from app.rankings.schemas import PeriodQuery, PublicationQuery, RankingPublicationCreate
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
    return _board_json(compute_board(board_key, parse_query(PeriodQuery).to_period()))


@operation(
    "GET", "/rankings/escorts", "rankEscorts", tag="rankings", summary="陪跑员排名 · Escort ranking",
    description=(
        "统计期内各陪跑员的指标、综合得分、名次（及上期名次）和黄牌。仅工作人员。\n\n"
        "Each escort's metrics, composite score, rank (and last period's) and yellow card. Staff only."),
    query=PeriodQuery, answer=answers.BOARDS["escorts"], errors=(400, 403),
)
def rankings_escorts():
    return _ranking("escorts")


@operation(
    "GET", "/rankings/departments", "rankDepartments", tag="rankings", summary="职能部门排名 · Department ranking",
    description=(
        "统计期内各职能部门的办理指标与排名。仅工作人员。\n\nEach department's handling metrics and rank. Staff only."),
    query=PeriodQuery, answer=answers.BOARDS["departments"], errors=(400, 403),
)
def rankings_departments():
    return _ranking("departments")


@operation(
    "GET", "/rankings/towns", "rankTowns", tag="rankings", summary="镇街排名 · Town ranking",
    description=(
        "统计期内各镇街的指标与排名。仅工作人员。\n\nEach town's metrics and rank. Staff only."),
    query=PeriodQuery, answer=answers.BOARDS["towns"], errors=(400, 403),
)
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


@operation(
    "GET", "/rankings/publications", "listRankingPublications", tag="rankings", summary="已发布的榜单 · Published boards",
    description=(
        "已发布（冻结）的榜单，可按 board 和 period 筛选；每次更正是一个新版本，旧版本保留。仅工作人员。\n\n"
        "Published (frozen) boards, filtered by board and period; each correction is a new version and the "
        "earlier ones are kept. Staff only."),
    query=PublicationQuery, answer=answers.RankingPublications, errors=(400, 403),
)
def list_ranking_publications():
    user = current_api_user()
    if not permissions.can_view_rankings(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")
    args = parse_query(PublicationQuery)
    return answers.RankingPublications.of(items=[publication_json(p) for p in publications(args.board, args.period)])


@operation(
    "POST", "/rankings/publications", "publishRanking", tag="rankings", summary="发布榜单 · Publish a board",
    description=(
        "专班管理人员或管理员发布一个已结束统计期的榜单：名次、得分、权重和计分规则即冻结。"
        "该统计期已发布过时须填写 reason（更正），生成新版本。统计期未结束为 409。\n\n"
        "A manager or admin freezes a closed period's board (rows, weights, formula). Publishing a period again "
        "is a correction and needs a `reason`; it makes a new version. A period still running is a 409."),
    answer=answers.RankingPublication, status=201, errors=(400, 403, 409, 413, 415), body=RankingPublicationCreate,
    example={"board": "escorts", "period": "2026-06"},
)
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
