"""Department suggestions at dispatch: the departments best placed to handle a problem, with why.

The score comes from the learned department model (app.tickets.department_model: naive Bayes over the
characters, character pairs and category of past dispatches, trained by `flask tickets
train-departments` and by the sweep, kept in the database, loaded once per process) once it has been
trained on at least MIN_EXAMPLES kept dispatches and when, trained on the older history, it did no
worse than the category counts on the newest fifth (measured at each training). Otherwise — no model
yet, history too thin, or a model that does not beat the counts — it is counted from the database:

    score = a·(share among similar) + (1−a)·(share in the category), a = n/(n+3) for n similar
    dispatched problems (app.search.similarity, weighted by the similarity score).

The reasons are evidence a manager can check, whichever way the score was made:
1. 经办人退回时建议 — the department a helper named when returning this problem (the latest return);
2. similar problems that were dispatched, by the department that kept each (its last dispatch not
   returned; a member of a 共性问题 counts with its group's dispatch) — "过去 12 个相似问题中 9 个交办区人社局";
3. problems of the same category, by the department that kept them.

When a helper named a department on returning the problem, that counts half:
score = ½·(1 for the named department, else 0) + ½·(the above) — the named one leads (a person who
read this very problem said so), the history orders the rest. A department that returned this very
problem counts half. Scores are 0..1, best first (on a tie, the named one).
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.sqlhints import likely
from app.extensions import db
from app.monitoring import aggregates
from app.reference.models import Department
from app.search import similarity
from app.tickets import department_model
from app.tickets.models import DispatchRecord, Ticket, TicketEvent

# A kept dispatch (not returned): nine in ten records. Said so, SQLite reads the records by the problem (or the
# category's problems) instead of walking its index of returned_at for every record not returned.
NOT_RETURNED = likely(DispatchRecord.returned_at.is_(None))

SIMILAR_LOOKED_AT = 20   # similar dispatched problems read
THIN = 3                 # below about this many similar problems the category counts weigh more
LIMIT = 3


@dataclass
class DepartmentSuggestion:
    department: Department
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def _group_dispatched():
    """Ids of the 共性问题 that were dispatched (their one dispatch record has no ticket)."""
    return sa.select(DispatchRecord.common_problem_id).where(DispatchRecord.common_problem_id.is_not(None))


def _kept_by(ticket_ids) -> dict[int, int]:
    """ticket id → the department of its last dispatch that was not returned — its own, or its 共性问题's
    (a group's dispatch is each member's history), whichever came last (one statement)."""
    if not ticket_ids:
        return {}
    ids = list(ticket_ids)
    own = (sa.select(DispatchRecord.id.label("record_id"), DispatchRecord.ticket_id.label("ticket_id"),
                     DispatchRecord.department_id)
           .where(DispatchRecord.ticket_id.in_(ids), NOT_RETURNED))
    grouped = (sa.select(DispatchRecord.id, Ticket.id, DispatchRecord.department_id)
               .join(Ticket, Ticket.common_problem_id == DispatchRecord.common_problem_id)
               .where(Ticket.id.in_(ids), DispatchRecord.common_problem_id.is_not(None),
                      NOT_RETURNED))
    both = sa.union_all(own, grouped).subquery()
    rows = db.session.execute(
        sa.select(both.c.ticket_id, both.c.department_id).order_by(both.c.record_id)).all()
    return {ticket_id: department_id for ticket_id, department_id in rows}


def _kept_dispatches():
    """Each kept dispatch (not returned) with its category: a problem's under the problem's, a 共性问题's
    (counted once) under the group's."""
    from app.common_problems.models import CommonProblem  # common problems build on tickets

    own = (sa.select(DispatchRecord.department_id.label("department_id"), Ticket.category.label("category"))
           .join(Ticket, Ticket.id == DispatchRecord.ticket_id)
           .where(NOT_RETURNED))
    grouped = (sa.select(DispatchRecord.department_id, CommonProblem.category)
               .join(CommonProblem, CommonProblem.id == DispatchRecord.common_problem_id)
               .where(NOT_RETURNED))
    return own, grouped


def _category_counts(category: str) -> aggregates.Shared:
    """department id → kept dispatches of the category, the whole district's: the same for every problem and
    every viewer, so counted once a minute (app.monitoring.aggregates) rather than on each problem page — it
    reads every dispatch of the category (99 ms at 200,000 problems on SQLite)."""
    def count() -> dict[int, int]:
        own, grouped = _kept_dispatches()
        both = sa.union_all(own.where(Ticket.category == category),
                            grouped.where(grouped.selected_columns.category == category)).subquery()
        return dict(db.session.execute(
            sa.select(both.c.department_id, sa.func.count()).group_by(both.c.department_id)).all())

    return aggregates.shared("department-category-counts", "district", count, category)


def _own_counts(ticket: Ticket) -> Counter:
    """The kept dispatches of this very problem and of its 共性问题 (under its category), by department —
    what the category's counts must leave out (a handful of rows, read by key)."""
    own, grouped = _kept_dispatches()
    arms = [own.where(Ticket.id == ticket.id, Ticket.category == ticket.category)]
    if ticket.common_problem_id:
        arms.append(grouped.where(DispatchRecord.common_problem_id == ticket.common_problem_id,
                                  grouped.selected_columns.category == ticket.category))
    both = sa.union_all(*arms).subquery()
    return Counter(db.session.scalars(sa.select(both.c.department_id)).all())


def department_suggestions(ticket: Ticket, *, limit: int = LIMIT) -> list[DepartmentSuggestion]:
    # 1. What helpers said when returning it, and who returned it.
    returns = db.session.execute(
        sa.select(TicketEvent.data).where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "return")
        .order_by(TicketEvent.id)
    ).scalars().all()
    suggested_on_return = None
    returned_by = set()
    for data in returns:
        data = data or {}
        if data.get("department_id"):
            returned_by.add(data["department_id"])
        suggested_on_return = data.get("suggested_department_id") or suggested_on_return

    # 2. Similar problems that were dispatched, and the department that kept each.
    dispatched = sa.select(Ticket).where(sa.or_(Ticket.dispatched_at.is_not(None),
                                                Ticket.common_problem_id.in_(_group_dispatched())),
                                         Ticket.id != ticket.id)
    similar = similarity.similar_problems(dispatched, ticket, limit=SIMILAR_LOOKED_AT)
    kept = _kept_by([s.ticket.id for s in similar])
    weight, heads = defaultdict(float), Counter()
    for s in similar:
        department_id = kept.get(s.ticket.id)
        if department_id is not None:
            weight[department_id] += s.score
            heads[department_id] += 1
    n_similar = sum(heads.values())
    total_weight = sum(weight.values()) or 1.0

    # 3. The category's history (a 共性问题's dispatch counts once, under the group's category), less this
    #    problem's (or its group's) own dispatches.
    category_counts = Counter(_category_counts(ticket.category).value)
    category_counts.subtract(_own_counts(ticket))
    category_counts = {department_id: count for department_id, count in category_counts.items() if count > 0}
    category_total = sum(category_counts.values()) or 1

    # 4. The learned model, once trained on enough history.
    model = department_model.current()
    learned = None
    if model is not None and model.useful:
        learned = model.scores(ticket.title, ticket.description or "", ticket.category)
    if learned:
        best = sorted(learned, key=lambda d: -learned[d])[:limit * 2]  # room for inactive departments
        candidates = set(best)
    else:
        candidates = set(weight) | set(category_counts)
    candidates |= {suggested_on_return} if suggested_on_return else set()
    if not candidates:
        return []
    departments = {d.id: d for d in db.session.scalars(
        sa.select(Department).where(Department.id.in_(candidates), Department.active.is_(True)))}
    alpha = n_similar / (n_similar + THIN)
    out = []
    for department_id, department in departments.items():
        if learned:
            score = learned.get(department_id, 0.0)
        else:
            score = alpha * weight[department_id] / total_weight \
                + (1 - alpha) * category_counts.get(department_id, 0) / category_total
        reasons = []
        if suggested_on_return:
            score = (0.5 if department_id == suggested_on_return else 0.0) + score / 2
        if department_id == suggested_on_return:
            reasons.append(_("经办人退回时建议"))
        if heads[department_id]:
            reasons.append(_("过去 %(n)d 个相似问题中 %(k)d 个交办%(name)s",
                             n=n_similar, k=heads[department_id], name=department.name))
        if category_counts.get(department_id):
            reasons.append(_("同类问题中 %(k)d 次由该部门办理", k=category_counts[department_id]))
        if learned and not reasons and learned.get(department_id, 0.0) > 0:
            reasons.append(_("按 %(n)d 个历史交办学习：与该部门办理过的问题用词相近", n=model.examples))
        if department_id in returned_by:
            score /= 2
            reasons.append(_("曾退回本问题"))
        out.append(DepartmentSuggestion(department, round(min(max(score, 0.0), 1.0), 3), reasons))
    out.sort(key=lambda s: (-s.score, s.department.id != suggested_on_return, s.department.name))
    return out[:limit]
