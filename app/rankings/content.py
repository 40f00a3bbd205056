"""A board as plain data: what the page, the export, a publication and the 通报 all show.

`board_content(board)` turns a computed Board into a JSON-able dict. A publication stores exactly
this dict, so a published board is shown by the same template as the live one and never changes
afterwards: its labels, metric definitions and formula lines are stored as text in Chinese and
English (the two UI languages), its numbers as they were.
"""
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from app.monitoring.charts import rank_chart
from app.rankings.metrics import Ratio
from app.rankings.scoring import DAYS_CAP, OVERDUE_CAP

LANGUAGES = ("zh", "en")


def metric_text(spec_kind: str, value) -> str:
    """A metric as the page and the export show it: 66.7%, 4, 10.5, or — when not applicable."""
    if isinstance(value, Ratio):
        return "—" if value.value is None else f"{value.value * 100:.1f}%"
    if value is None:
        return "—"
    if spec_kind == "days":
        return f"{value:.1f}"
    return str(value)


def metric_number(value):
    """A metric as an exported number: rates in percent (one decimal), counts and days as they are."""
    if isinstance(value, Ratio):
        return None if value.value is None else round(value.value * 100, 1)
    if isinstance(value, float):
        return round(value, 1)
    return value


def _metric_json(value) -> dict:
    if isinstance(value, Ratio):
        return {"value": None if value.value is None else round(value.value, 4), "num": value.num, "den": value.den}
    if isinstance(value, float):
        return {"value": round(value, 2)}
    return {"value": value}


def formula_lines(board) -> list[str]:
    """The rules printed under the board, in the current locale."""
    spec, config = board.spec, board.config
    lines = [
        _("综合得分 = Σ（权重 × 指标得分）÷ Σ 权重，只计入对该对象适用的指标（分母为0、无包联企业等不适用，显示为“—”），结果为0–100分，保留一位小数。"),
        _("统计期内：事件时间在开始日 00:00 至结束日次日 00:00（北京时间）之前即计入；走访按走访日期计。"),
        _("办结：状态为“已办结”（评价满意、基本满意或到期自动办结）且办结时间在统计期内；不予受理、撤回的问题不算办结。重新办理后再次办结的问题按最后一次办结时间只计一次，并计入重新办理。"),
        _("按期：在当时的期限之内完成；期限按工作日计算，法定节假日顺延、调休上班日计入；暂停计时（待企业补充材料）的工作日期限顺延，也不计入办结工作日。"),
        _("问题数的得分与本榜最高者相比；平均办结工作日 %(d)d 天及以上、超期 %(o)d 件及以上得0分。",
          d=DAYS_CAP, o=OVERDUE_CAP),
        _("样本数：%(what)s；少于 %(n)d 的显示“样本不足”，不计综合得分、不参与排名和黄牌。",
          what=spec.cases_label, n=config.min_cases),
        _("得分相同者名次并列（如 1、2、2、4）。名次变化与上一个等长统计期比较（按相同权重），上期未参与排名的显示“新上榜”。"),
    ]
    if spec.key == "departments":
        lines.append(_("共性问题：多家企业的同一问题合并办理时，交办、签收、答复、退回只形成一条交办记录，部门的按时签收、"
                       "按时答复、退回与样本数只计一次；答复送达的每个成员问题由各企业分别评价，满意率、重新办理率按成员问题逐个计入；"
                       "共性问题签收或答复超期时，在超期件数中计一件（成员问题在合并期间不单独计时，不按成员重复计）。"))
    if board.provisional:
        lines.append(_("黄牌：本统计期尚未结束，排名为暂定，不评黄牌。"))
    elif board.card_quota:
        lines.append(_("黄牌：统计期结束后评定，名额为参与排名对象的末位 %(n)d 名；从末位起按并列组整体标注，"
                       "某一并列组超出剩余名额时该组及其以上均不标注（并列者不会只标一部分，也不会全部被标），第一名不标注。",
                       n=board.card_quota))
    else:
        lines.append(_("黄牌：本期不标注。"))
    if config.yellow_cards is None:
        lines.append(_("黄牌名额自动为参与排名对象的10%，向上取整，至少1名。"))
    return lines


def _texts(board) -> dict:
    spec = board.spec
    return {
        "board_label": str(spec.label),
        "entity_label": str(spec.entity_label),
        "cases_label": str(spec.cases_label),
        "metrics": {m.key: {"label": str(m.label), "definition": str(m.definition), "scoring": str(m.scoring)}
                    for m in spec.metrics},
        "formula": formula_lines(board),
    }


def board_content(board) -> dict:
    """The board as stored in a publication (see the module docstring)."""
    spec = board.spec
    texts = {}
    for language in LANGUAGES:
        with force_locale(language):
            texts[language] = _texts(board)
    return {
        "board": spec.key,
        "period": {"key": board.period.key, "kind": board.period.kind,
                   "start": board.period.start.isoformat(), "end": board.period.end.isoformat()},
        "previous_period": ({"key": board.previous_period.key, "start": board.previous_period.start.isoformat(),
                             "end": board.previous_period.end.isoformat()} if board.previous_period else None),
        "provisional": board.provisional,
        "data_as_of": board.computed_at.isoformat() if board.computed_at else None,
        "weights": dict(board.weights),
        "min_cases": board.config.min_cases,
        "yellow_cards": board.config.yellow_cards,
        "card_quota": board.card_quota,
        "metric_keys": [m.key for m in spec.metrics],
        "metric_kinds": {m.key: m.kind for m in spec.metrics},
        "texts": texts,
        "rows": [
            {
                "id": row.id, "name": row.name, "rank": row.rank, "previous_rank": row.previous_rank,
                "score": row.score, "ranked": row.ranked, "sample_too_small": row.sample_too_small,
                "yellow_card": row.yellow_card, "cases": row.entry.cases,
                "metrics": {m.key: _metric_json(row.entry.metrics[m.key]) for m in spec.metrics},
                "text": {m.key: metric_text(m.kind, row.entry.metrics[m.key]) for m in spec.metrics},
            }
            for row in board.rows
        ],
    }


def texts_for(content: dict) -> dict:
    """The stored texts in the current UI language (Chinese when the language is not stored)."""
    language = str(get_locale() or "zh")[:2]
    return content["texts"].get(language) or content["texts"]["zh"]


def rank_change(row: dict) -> int | None:
    if row.get("rank") is None or row.get("previous_rank") is None:
        return None
    return row["previous_rank"] - row["rank"]


def history_chart(board_key: str, subject_id: int, points):
    """The rank-over-time SVG of a subject's published history (see ranking_history)."""
    return rank_chart(
        f"rank-history-{board_key}-{subject_id}", _("历次发布排名"), [p.period_key for p in points],
        [p.rank for p in points], [p.ranked_count for p in points], [p.yellow_card for p in points],
        tooltip_rank=_("{label}：第{rank}名 / 共{count}名"), tooltip_none=_("{label}：未参与排名"),
    )
