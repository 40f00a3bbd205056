"""Writes for rankings: the scoring settings. Flush and audit; the caller commits."""
from app.core import audit
from app.core.settings import set_setting
from app.extensions import db
from app.rankings.scoring import AUTO, BOARDS, MIN_CASES_KEY, WEIGHT_MAX, YELLOW_CARDS_KEY, load_config

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
