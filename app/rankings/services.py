"""Writes for rankings: the scoring settings. Flush and audit; the caller commits."""
from flask_babel import gettext as _

from app.core import audit
from app.core.db import utcnow
from app.core.settings import set_setting
from app.extensions import db
from app.rankings import permissions
from app.rankings.content import board_content
from app.rankings.models import RankingPublication
from app.rankings.queries import latest_publication
from app.rankings.scoring import (
    AUTO, BOARDS, MIN_CASES_KEY, WEIGHT_MAX, YELLOW_CARDS_KEY, compute_board, is_running, load_config,
)

MIN_CASES_RANGE = (1, 1000)
YELLOW_CARDS_RANGE = (0, 100)


class RankingSettingsError(ValueError):
    pass


def save_ranking_settings(actor, *, weights: dict, min_cases: int, yellow_cards: int | None) -> list[str]:
    """Store the weights (board → {metric: 0–100}, at least one above 0 per board), the minimum
    number of cases for an entry to be ranked, and the yellow-card count (None = automatic).

    Only known boards and metrics are read (whitelist). Returns the setting keys that changed.
    """
    current = load_config()
    before, after = {}, {}
    for spec in BOARDS.values():
        given = weights.get(spec.key, {})
        new = {}
        for metric in spec.metrics:
            value = int(given.get(metric.key, current.weights[spec.key][metric.key]))
            if not 0 <= value <= WEIGHT_MAX:
                raise RankingSettingsError(f"{spec.key}.{metric.key}={value} outside 0..{WEIGHT_MAX}")
            new[metric.key] = value
        if not any(new.values()):
            raise RankingSettingsError(f"{spec.key}: every weight is 0")
        if new != current.weights[spec.key]:
            before[spec.setting_key], after[spec.setting_key] = current.weights[spec.key], new
            set_setting(spec.setting_key, new)
    min_cases = int(min_cases)
    if not MIN_CASES_RANGE[0] <= min_cases <= MIN_CASES_RANGE[1]:
        raise RankingSettingsError(f"min_cases={min_cases}")
    if min_cases != current.min_cases:
        before[MIN_CASES_KEY], after[MIN_CASES_KEY] = current.min_cases, min_cases
        set_setting(MIN_CASES_KEY, min_cases)
    if yellow_cards is not None:
        yellow_cards = int(yellow_cards)
        if not YELLOW_CARDS_RANGE[0] <= yellow_cards <= YELLOW_CARDS_RANGE[1]:
            raise RankingSettingsError(f"yellow_cards={yellow_cards}")
    if yellow_cards != current.yellow_cards:
        before[YELLOW_CARDS_KEY] = AUTO if current.yellow_cards is None else current.yellow_cards
        after[YELLOW_CARDS_KEY] = AUTO if yellow_cards is None else yellow_cards
        set_setting(YELLOW_CARDS_KEY, after[YELLOW_CARDS_KEY])
    if after:
        db.session.flush()
        audit.record("ranking_settings_updated", actor=actor, before=before, after=after)
    return list(after)


# --------------------------------------------------------------------------- publications

class PublicationError(ValueError):
    """A publication refused; `field` names the input at fault."""

    def __init__(self, message: str, field: str = "period", status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def publish_board(actor, board_key: str, period, *, reason: str = "", now=None):
    """Freeze `board_key` for `period` (closed periods only) as a new RankingPublication.

    The first publication of a board and period is version 1; publishing it again is a correction
    (版本 2, 3 …) and needs a reason. Earlier versions stay as they are. Flush and audit; the caller
    commits.
    """
    if not permissions.can_publish_rankings(actor):
        raise PublicationError(_("您没有权限执行此操作。"), status=403)
    if board_key not in BOARDS:
        raise PublicationError(_("没有这个榜单。"), "board")
    now = now or utcnow()
    if is_running(period, now):
        raise PublicationError(_("统计期尚未结束，不能发布；结束后再发布。"))
    reason = (reason or "").strip()
    previous = latest_publication(board_key, period)
    if previous is not None and not reason:
        raise PublicationError(_("该统计期已发布过；重新发布是更正，请填写更正原因。"), "reason")
    if len(reason) > 2000:
        raise PublicationError(_("更正原因最多 2000 字。"), "reason")
    board = compute_board(board_key, period, now=now)
    publication = RankingPublication(
        board=board_key, period_key=period.key, period_kind=period.kind, period_start=period.start,
        period_end=period.end, version=(previous.version + 1) if previous else 1, reason=reason,
        published_at=now, published_by=actor, data_as_of=now, content=board_content(board),
    )
    db.session.add(publication)
    db.session.flush()
    audit.record("ranking_published", publication, actor=actor,
                 after={"board": board_key, "period": period.key, "version": publication.version, "reason": reason})
    return publication
