"""From metrics to a ranked board: normalised scores, weights, rank, rank change and 黄牌.

Each metric becomes a 0–100 score:
* a rate (higher is better): rate × 100;
* a rate where lower is better (reopen rate, return rate): (1 − rate) × 100, the rate capped at 1;
* problems collected: count ÷ the largest count on the board × 100 (not applicable when nobody
  collected anything);
* average working days to close: (1 − days ÷ 20) × 100, 0 at 20 working days or more;
* overdue count: (1 − count ÷ 10) × 100, 0 at 10 overdue problems or more.
A metric with no data for an entry (a rate with nothing to divide by, an escort with no companies)
is not applicable to it. The composite score = Σ(weight × metric score) ÷ Σ weight over the
metrics that apply, rounded to one decimal; no applicable metric → no score.

Entries backed by fewer than `rankings.min_cases` cases have no score at all (样本不足: never a
score they did not earn, such as 100 for a department that did nothing) and are listed apart,
unranked. Ranked entries are ordered by score; ties share a rank (1, 2, 2, 4).

黄牌 (yellow cards) only for a closed period (its end has passed; the running period is 暂定,
provisional) and only for ranked rows. The quota is `rankings.yellow_cards` ("auto": 10% of the
ranked entries rounded up, at least 1). Groups of tied rows are taken from the bottom up while the
whole group fits in the quota: a tie is never split, so a tie larger than what is left of the quota
gets no card at all (four towns tied at the bottom with one card to give: none is carded), and the
first place is never carded. The rank change compares with the previous period of the same length,
computed with the same settings.
"""
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from app.core.db import utcnow
from app.core.settings import get_settings, register_defaults
from app.rankings import metrics
from app.rankings.periods import Period, last_months

DAYS_CAP = 20
OVERDUE_CAP = 10
AUTO = "auto"


@dataclass(frozen=True)
class MetricSpec:
    key: str
    label: object
    kind: str  # "rate" | "count" | "days"
    higher_is_better: bool
    definition: object
    scoring: object


@dataclass(frozen=True)
class BoardSpec:
    key: str
    label: object
    entity_label: object
    cases_label: object
    metrics: tuple
    default_weights: dict
    compute: object

    @property
    def setting_key(self) -> str:
        return f"rankings.weights.{self.key}"

    def metric(self, key: str) -> MetricSpec:
        return next(m for m in self.metrics if m.key == key)


_RATE = _l("比率 × 100")
_INVERSE_RATE = _l("(1 − 比率) × 100，比率超过100%按100%计")

ESCORT_METRICS = (
    MetricSpec("visit_coverage", _l("走访覆盖率"), "rate", True,
               _l("统计期内与该陪跑员有包联关系（包联期与统计期有重叠）的企业中，该陪跑员在统计期内至少走访一次的企业所占比例。无包联企业的不计此项。"),
               _RATE),
    MetricSpec("problems_collected", _l("收集问题数"), "count", True,
               _l("统计期内该陪跑员走访收集或代企业填报（来源为“走访收集”“陪跑员代报”）的问题数。企业自主提交和热线转来的问题不计。"),
               _l("问题数 ÷ 本榜最高问题数 × 100")),
    MetricSpec("on_time_handling", _l("按期处理率"), "rate", True,
               _l("只计陪跑员自己的环节：统计期内受理企业自主提交或热线转来的问题、提请交办、直接答复企业，在当时期限内完成的比例。交办后部门签收、办理的时间不计入陪跑员。期限按工作日计算，节假日和暂停计时（待企业补充材料）的工作日顺延。"),
               _RATE),
    MetricSpec("satisfaction", _l("满意率"), "rate", True,
               _l("统计期内评价的该陪跑员收集的问题中，评价为满意或基本满意的比例。只计最后一次评价：重新办理后再评价的问题只算一次。自动办结的问题没有评价，不计入。"),
               _RATE),
    MetricSpec("avg_close_days", _l("平均办结工作日"), "days", False,
               _l("统计期内办结、由该陪跑员直接答复（未交办部门）的问题，从提交日到办结日的工作日数的平均值（节假日和暂停计时（待企业补充材料）的工作日不计）。"),
               _l("(1 − 天数 ÷ %(cap)d) × 100，%(cap)d 个工作日及以上得0分", cap=DAYS_CAP)),
    MetricSpec("reopen_rate", _l("重新办理率"), "rate", False,
               _l("统计期内办结、由该陪跑员直接答复的问题中，曾因“不满意”被重新办理过的比例。反复办结的问题按最后一次办结时间计入一次。"),
               _INVERSE_RATE),
)

DEPARTMENT_METRICS = (
    MetricSpec("on_time_sign", _l("按时签收率"), "rate", True,
               _l("统计期内签收的交办记录中，在签收期限内签收的比例（每交办一次为一条记录；作为协办部门的签收按其自身的签收期限计入本部门）。"),
               _RATE),
    MetricSpec("on_time_reply", _l("按时答复率"), "rate", True,
               _l("统计期内答复的交办记录中，在答复期限（含批准的延期）内答复的比例。重新办理后再次答复的按最后一次答复计。作为协办部门提交的协办意见按其自身的意见期限计入本部门，不计入承办部门。"),
               _RATE),
    MetricSpec("satisfaction", _l("满意率"), "rate", True,
               _l("当前承办部门为该部门、统计期内评价的问题中，评价为满意或基本满意的比例（只计最后一次评价）。"),
               _RATE),
    MetricSpec("return_rate", _l("退回率"), "rate", False,
               _l("统计期内退回的交办记录数 ÷ 统计期内交办给该部门的记录数。"),
               _INVERSE_RATE),
    MetricSpec("reopen_rate", _l("重新办理率"), "rate", False,
               _l("当前承办部门为该部门、统计期内办结的问题中，曾被重新办理过的比例。"),
               _INVERSE_RATE),
    MetricSpec("overdue_count", _l("超期件数"), "count", False,
               _l("承办部门为该部门、状态为已交办或办理中、期限早于统计期结束（当期为当前时刻）的问题数，加上该部门作为协办部门、签收或协办意见超过其自身期限仍未完成的问题数（暂停计时的除外），加上交办给该部门、签收或答复已超期的共性问题数（每个共性问题计一件，不按成员计）。"),
               _l("(1 − 件数 ÷ %(cap)d) × 100，%(cap)d 件及以上得0分", cap=OVERDUE_CAP)),
)

TOWN_METRICS = (
    MetricSpec("visit_coverage", _l("走访覆盖率"), "rate", True,
               _l("辖区企业（按企业当前所属镇街）中，统计期内至少被走访一次的企业所占比例。"),
               _RATE),
    MetricSpec("closure_rate", _l("办结率"), "rate", True,
               _l("辖区企业在统计期内提出的问题中，到统计期结束时已办结的比例（统计期后才办结的不计）。"),
               _RATE),
)

BOARDS = {
    "escorts": BoardSpec(
        "escorts", _l("陪跑员"), _l("陪跑员"),
        _l("统计期内收集、经其受理/交办/答复或评价的问题数"),
        ESCORT_METRICS,
        {"visit_coverage": 20, "problems_collected": 10, "on_time_handling": 20, "satisfaction": 25,
         "avg_close_days": 10, "reopen_rate": 15},
        metrics.escort_metrics,
    ),
    "departments": BoardSpec(
        "departments", _l("职能部门"), _l("部门"),
        _l("统计期内交办、签收、答复或退回的交办记录数"),
        DEPARTMENT_METRICS,
        {"on_time_sign": 15, "on_time_reply": 25, "satisfaction": 25, "return_rate": 10, "reopen_rate": 10,
         "overdue_count": 15},
        metrics.department_metrics,
    ),
    "towns": BoardSpec(
        "towns", _l("镇街"), _l("镇街"),
        _l("辖区企业数"),
        TOWN_METRICS,
        {"visit_coverage": 50, "closure_rate": 50},
        metrics.town_metrics,
    ),
}

MIN_CASES_KEY = "rankings.min_cases"
YELLOW_CARDS_KEY = "rankings.yellow_cards"
WEIGHT_MAX = 100

register_defaults({spec.setting_key: dict(spec.default_weights) for spec in BOARDS.values()})
register_defaults({MIN_CASES_KEY: 3, YELLOW_CARDS_KEY: AUTO})


@dataclass(frozen=True)
class RankingConfig:
    weights: dict  # board key → {metric key: weight}
    min_cases: int
    yellow_cards: int | None  # None: automatic (10% rounded up, at least 1)

    def yellow_card_count(self, ranked: int) -> int:
        if ranked == 0:
            return 0
        wanted = max(1, math.ceil(ranked / 10)) if self.yellow_cards is None else self.yellow_cards
        return min(wanted, ranked)


def _int_or(value, default: int, low: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(number, low)


def load_config() -> RankingConfig:
    """Weights, minimum cases and yellow-card count in force (stored over defaults), one query."""
    keys = [spec.setting_key for spec in BOARDS.values()] + [MIN_CASES_KEY, YELLOW_CARDS_KEY]
    values = get_settings(keys)
    weights = {}
    for spec in BOARDS.values():
        stored = values.get(spec.setting_key) or {}
        stored = stored if isinstance(stored, dict) else {}
        weights[spec.key] = {
            m.key: _int_or(stored.get(m.key, spec.default_weights[m.key]), spec.default_weights[m.key])
            for m in spec.metrics
        }
    yellow = values.get(YELLOW_CARDS_KEY)
    return RankingConfig(
        weights=weights,
        min_cases=_int_or(values.get(MIN_CASES_KEY), 3, low=1),
        yellow_cards=None if yellow in (None, AUTO, "") else _int_or(yellow, 0),
    )


# --------------------------------------------------------------------------- scoring

def _round1(value: float) -> float:
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def normalise(spec: MetricSpec, value, board_max: int = 0) -> float | None:
    """One metric's 0–100 score, or None when it does not apply (see the module docstring)."""
    if isinstance(value, metrics.Ratio):
        rate = value.value
        if rate is None:
            return None
        return rate * 100 if spec.higher_is_better else (1 - min(rate, 1.0)) * 100
    if value is None:
        return None
    if spec.kind == "days":
        return max(0.0, 1 - float(value) / DAYS_CAP) * 100
    if spec.higher_is_better:  # problems collected, against the board's best
        return value / board_max * 100 if board_max else None
    return max(0.0, 1 - value / OVERDUE_CAP) * 100  # overdue count


def composite(weights: dict, scores: dict) -> float | None:
    """Σ w·m ÷ Σ w over the metrics that apply (m not None, w > 0), rounded to one decimal."""
    total = weight_sum = 0.0
    for key, score in scores.items():
        weight = weights.get(key, 0)
        if score is None or weight <= 0:
            continue
        total += weight * score
        weight_sum += weight
    return _round1(total / weight_sum) if weight_sum else None


@dataclass
class Row:
    """A board entry with its scores, rank and card."""

    entry: metrics.Entry
    scores: dict
    score: float | None
    ranked: bool
    rank: int | None = None
    previous_rank: int | None = None
    yellow_card: bool = False

    @property
    def id(self) -> int:
        return self.entry.id

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def sample_too_small(self) -> bool:
        return not self.ranked

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (negative: lost); None when not ranked in both."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass
class Board:
    spec: BoardSpec
    period: Period
    config: RankingConfig
    rows: list = field(default_factory=list)  # ranked rows by rank, then unranked rows by name
    previous_period: Period | None = None
    provisional: bool = False  # the period is still running (暂定): no yellow cards
    computed_at: datetime | None = None
    card_quota: int = 0

    @property
    def weights(self) -> dict:
        return self.config.weights[self.spec.key]

    @property
    def ranked(self) -> list:
        return [r for r in self.rows if r.ranked]

    @property
    def unranked(self) -> list:
        return [r for r in self.rows if not r.ranked]

    def row_for(self, entry_id: int) -> Row | None:
        return next((r for r in self.rows if r.id == entry_id), None)


def yellow_cards(ranked: list, quota: int) -> None:
    """Card whole tie groups from the bottom while each fits in what is left of `quota`; never rank 1."""
    groups: list[list] = []
    for row in ranked:
        if groups and groups[-1][0].rank == row.rank:
            groups[-1].append(row)
        else:
            groups.append([row])
    left = quota
    for group in reversed(groups):
        if group[0].rank == 1 or len(group) > left:
            break
        for row in group:
            row.yellow_card = True
        left -= len(group)


def score_board(spec: BoardSpec, period: Period, entries: list, config: RankingConfig, *,
                provisional: bool = False) -> Board:
    """Score, rank and card already computed entries (pure Python over a handful of rows)."""
    weights = config.weights[spec.key]
    board_max = {
        m.key: max((e.metrics[m.key] or 0 for e in entries), default=0)
        for m in spec.metrics if m.kind == "count"
    }
    rows = []
    for entry in entries:
        scores = {m.key: normalise(m, entry.metrics[m.key], board_max.get(m.key, 0)) for m in spec.metrics}
        enough = entry.cases >= config.min_cases
        score = composite(weights, scores) if enough else None
        rows.append(Row(entry, scores, score, ranked=score is not None))
    ranked = sorted((r for r in rows if r.ranked), key=lambda r: (-r.score, r.name, r.id))
    # rank = 1 + the number of rows scoring higher: in score order, the position where the score
    # first appears (one pass; a thousand escorts made the pairwise count a million steps).
    previous_score, previous_rank = None, 0
    for position, row in enumerate(ranked, start=1):
        if row.score != previous_score:
            previous_score, previous_rank = row.score, position
        row.rank = previous_rank
    quota = 0 if provisional else config.yellow_card_count(len(ranked))
    yellow_cards(ranked, quota)
    unranked = sorted((r for r in rows if not r.ranked), key=lambda r: (r.name, r.id))
    return Board(spec, period, config, ranked + unranked, provisional=provisional, card_quota=quota)


def is_running(period: Period, now: datetime) -> bool:
    """The period has not ended yet: its board is provisional (暂定) and gives no yellow card."""
    return now < period.end_utc


def compute_board(board_key: str, period: Period, *, config: RankingConfig | None = None,
                  now: datetime | None = None, compare: bool = True) -> Board:
    """The board for `period`, with each entry's rank in the previous period when `compare`.

    Queries: the board's fixed few (3), twice with `compare`, plus one for the settings when
    `config` is not given — the same number whatever the data size.
    """
    spec = BOARDS[board_key]
    config = config or load_config()
    now = now or utcnow()
    board = score_board(spec, period, spec.compute(period, now=now), config, provisional=is_running(period, now))
    board.computed_at = now
    if compare:
        previous = score_board(spec, period.previous(), spec.compute(period.previous(), now=now), config,
                               provisional=is_running(period.previous(), now))
        ranks = {r.id: r.rank for r in previous.ranked}
        for row in board.rows:
            row.previous_rank = ranks.get(row.id)
        board.previous_period = previous.period
    return board


@dataclass(frozen=True)
class HistoryPoint:
    period: Period
    score: float | None
    rank: int | None
    ranked_count: int
    yellow_card: bool
    ranked: bool


def escort_history(escort, months: int = 6, *, today: date | None = None,
                   now: datetime | None = None) -> list[HistoryPoint]:
    """An escort's score and rank per month, the `months` months up to the current one, oldest first.

    One settings query plus the escort board's 3 queries per month (6 months → 19 queries).
    A month where the escort is not on the board (inactive) has score and rank None.
    """
    config = load_config()
    points = []
    for period in last_months(months, today):
        board = compute_board("escorts", period, config=config, now=now, compare=False)
        row = board.row_for(escort.id)
        points.append(HistoryPoint(
            period=period,
            score=row.score if row else None,
            rank=row.rank if row else None,
            ranked_count=len(board.ranked),
            yellow_card=bool(row and row.yellow_card),
            ranked=bool(row and row.ranked),
        ))
    return points
