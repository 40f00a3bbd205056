"""The learned department model: which department past dispatches of similar problems went to.

Pure Python, no network, no extra dependency (the features are those of app.search.similarity:
characters and character pairs of title and description), plus the problem's category as one more
feature. A multinomial naive Bayes over sublinear term counts, which is what trains in a second over
tens of thousands of problems and is small enough to keep in one database row:

    log P(d | x) ∝ log P(d) + Σ_f w_f(x) · log P(f | d),   P(f | d) = (n_fd + α) / (N_d + α·V)

w_f(x) = 1 + log(count of f in x) (characters and pairs), CATEGORY_WEIGHT for the category feature.
The posterior is flattened (divided by the problem's feature mass, times SHARPNESS) before the softmax,
so the score 0..1 a manager sees is not the overconfident 0.9999 naive Bayes gives long texts.

Training examples: every problem dispatched to a department that kept it (its last dispatch not
returned), text + category → that department. A dispatch that was returned says where the problem
did not belong and is not an example (the department it went to next is).

`evaluate` measures top-1/top-3 accuracy of a model trained on one list of examples and tested on
another; `flask tickets evaluate-departments` runs it on the database's history (older part / newest
part) and tests/dispatch/test_department_model.py on the hand-written labelled set.
"""
import hashlib
import json
import math
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from app.core.db import utcnow
from app.extensions import db
from app.search.similarity import ngrams, problem_text
from app.tickets.models import DepartmentModel, DispatchRecord, Ticket

MIN_EXAMPLES = 30       # below this many kept dispatches the category counts decide (history too thin)
ALPHA = 0.1             # additive smoothing of the feature counts
CATEGORY_WEIGHT = 3.0   # the category counts as much as about three distinctive character pairs
SHARPNESS = 6.0         # the softmax of the per-feature log-likelihood: how decided the score looks
FORMAT = 1


@dataclass(frozen=True)
class Example:
    title: str
    description: str
    category: str
    label: int | str = 0     # the department (id in the database, a code in the labelled set)


def features(title: str, description: str, category: str) -> dict[str, float]:
    grams = ngrams(problem_text(title, description))
    weights = {g: 1.0 + math.log(k) for g, k in grams.items()}
    if category:
        weights["#" + category] = CATEGORY_WEIGHT
    return weights


@dataclass
class Model:
    """Per label: examples seen, total feature mass, and the mass of each feature."""
    labels: list = field(default_factory=list)
    docs: dict = field(default_factory=dict)            # label → examples
    mass: dict = field(default_factory=dict)            # label → Σ feature weights
    counts: dict = field(default_factory=dict)          # feature → {label: Σ weight}
    category_counts: dict = field(default_factory=dict)  # category → {label: examples}
    examples: int = 0
    # Measured when stored: trained on the older history, tested on the newest HOLDOUT_SHARE of it.
    holdout: dict = field(default_factory=dict)  # tested, model_top1, model_top3, category_top1, category_top3

    @property
    def useful(self) -> bool:
        """Trained on enough history, and no worse than the category counts on the newest held-out part."""
        if self.examples < MIN_EXAMPLES:
            return False
        return self.holdout.get("model_top1", 0.0) >= self.holdout.get("category_top1", 0.0)

    # ------------------------------------------------------------------ training
    @classmethod
    def train(cls, examples) -> "Model":
        model = cls()
        docs, mass = Counter(), defaultdict(float)
        counts = defaultdict(lambda: defaultdict(float))
        by_category = defaultdict(Counter)
        for ex in examples:
            docs[ex.label] += 1
            by_category[ex.category][ex.label] += 1
            for f, w in features(ex.title, ex.description, ex.category).items():
                counts[f][ex.label] += w
                mass[ex.label] += w
        model.labels = sorted(docs, key=str)
        model.docs = dict(docs)
        model.mass = dict(mass)
        model.counts = {f: dict(by_label) for f, by_label in counts.items()}
        model.category_counts = {c: dict(n) for c, n in by_category.items()}
        model.examples = sum(docs.values())
        return model

    # ------------------------------------------------------------------ scoring
    def scores(self, title: str, description: str, category: str) -> dict:
        """label → probability (0..1, summing to 1), from the text and the category."""
        if not self.labels:
            return {}
        x = features(title, description, category)
        vocabulary = len(self.counts) or 1
        total_docs = sum(self.docs.values())
        n_labels = len(self.labels)
        log_posterior = {}
        known = {f: w for f, w in x.items() if f in self.counts}  # unseen features weigh every label alike
        mass_x = sum(known.values()) or 1.0
        for label in self.labels:
            denominator = math.log(self.mass.get(label, 0.0) + ALPHA * vocabulary)
            likelihood = sum(w * (math.log(self.counts[f].get(label, 0.0) + ALPHA) - denominator)
                             for f, w in known.items())
            prior = math.log((self.docs[label] + 1) / (total_docs + n_labels))
            log_posterior[label] = prior + SHARPNESS * likelihood / mass_x
        top = max(log_posterior.values())
        exp = {label: math.exp(v - top) for label, v in log_posterior.items()}
        z = sum(exp.values())
        return {label: v / z for label, v in exp.items()}

    def rank(self, title: str, description: str, category: str, limit: int = 3) -> list[tuple]:
        scored = self.scores(title, description, category)
        return sorted(scored.items(), key=lambda kv: (-kv[1], str(kv[0])))[:limit]

    # ------------------------------------------------------------------ storage
    def dumps(self) -> bytes:
        payload = {"format": FORMAT, "labels": self.labels, "docs": list(self.docs.items()),
                   "mass": list(self.mass.items()),
                   "counts": {f: [[label, round(w, 4)] for label, w in by_label.items()]
                              for f, by_label in self.counts.items()},
                   "category_counts": {c: list(n.items()) for c, n in self.category_counts.items()},
                   "examples": self.examples, "holdout": self.holdout}
        return zlib.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(), 6)

    @classmethod
    def loads(cls, blob: bytes) -> "Model":
        payload = json.loads(zlib.decompress(blob).decode())
        if payload.get("format") != FORMAT:
            raise ValueError("unknown department model format")
        model = cls()
        model.labels = payload["labels"]
        model.docs = {label: n for label, n in payload["docs"]}
        model.mass = {label: m for label, m in payload["mass"]}
        model.counts = {f: {label: w for label, w in pairs} for f, pairs in payload["counts"].items()}
        model.category_counts = {c: {label: n for label, n in pairs}
                                 for c, pairs in payload["category_counts"].items()}
        model.examples = payload["examples"]
        model.holdout = payload.get("holdout") or {}
        return model


# ---------------------------------------------------------------------- the baseline and measuring

def category_rank(category_counts: dict, category: str, limit: int = 3) -> list[tuple]:
    """The baseline: the departments that most often kept problems of this category."""
    counts = category_counts.get(category, {})
    total = sum(counts.values()) or 1
    return sorted(((label, n / total) for label, n in counts.items()), key=lambda kv: (-kv[1], str(kv[0])))[:limit]


@dataclass
class Accuracy:
    tested: int = 0
    top1: int = 0
    top3: int = 0

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.tested if self.tested else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.tested if self.tested else 0.0

    def add(self, ranked: list, label) -> None:
        labels = [r[0] for r in ranked]
        self.tested += 1
        self.top1 += labels[:1] == [label]
        self.top3 += label in labels[:3]

    def __str__(self) -> str:
        return f"top-1 {self.top1_rate:.1%}, top-3 {self.top3_rate:.1%} (n={self.tested})"


def evaluate(train: list[Example], test: list[Example]) -> dict[str, Accuracy]:
    """The model and the category-count baseline trained on `train`, measured on `test`."""
    model = Model.train(train)
    result = {"model": Accuracy(), "category": Accuracy()}
    for ex in test:
        result["model"].add(model.rank(ex.title, ex.description, ex.category), ex.label)
        result["category"].add(category_rank(model.category_counts, ex.category), ex.label)
    return result


def cross_validate(examples: list[Example], folds: int = 5) -> dict[str, Accuracy]:
    """k-fold: every example tested once by a model trained on the other folds (fold = index mod k)."""
    total = {"model": Accuracy(), "category": Accuracy()}
    for k in range(folds):
        train = [ex for i, ex in enumerate(examples) if i % folds != k]
        test = [ex for i, ex in enumerate(examples) if i % folds == k]
        for name, acc in evaluate(train, test).items():
            total[name].tested += acc.tested
            total[name].top1 += acc.top1
            total[name].top3 += acc.top3
    return total


# ---------------------------------------------------------------------- the database's history

RETRAIN_AFTER_HOURS = 24
HOLDOUT_SHARE = 0.2


def history() -> list[tuple]:
    """(dispatched_at, Example) of every problem kept by the department of its last dispatch that was
    not returned, oldest dispatch first (one statement). A 共性问题's dispatch is history for each of its
    member problems' texts: its one dispatch record (ticket_id empty) labels every member with the group's
    department, so a later problem like any of them gets that department suggested."""
    own = (sa.select(DispatchRecord.id.label("record_id"), DispatchRecord.ticket_id.label("ticket_id"),
                     DispatchRecord.department_id, DispatchRecord.dispatched_at, Ticket.title, Ticket.description,
                     Ticket.category)
           .join(Ticket, Ticket.id == DispatchRecord.ticket_id)
           .where(DispatchRecord.returned_at.is_(None)))
    grouped = (sa.select(DispatchRecord.id, Ticket.id, DispatchRecord.department_id, DispatchRecord.dispatched_at,
                         Ticket.title, Ticket.description, Ticket.category)
               .join(Ticket, Ticket.common_problem_id == DispatchRecord.common_problem_id)
               .where(DispatchRecord.common_problem_id.is_not(None), DispatchRecord.returned_at.is_(None)))
    both = sa.union_all(own, grouped).subquery()
    rows = db.session.execute(
        sa.select(both.c.ticket_id, both.c.department_id, both.c.dispatched_at, both.c.title, both.c.description,
                  both.c.category).order_by(both.c.record_id, both.c.ticket_id))
    kept = {}
    for ticket_id, department_id, at, title, description, category in rows:
        kept[ticket_id] = (at, Example(title, description or "", category, department_id))  # the last one wins
    return [kept[ticket_id] for ticket_id in sorted(kept, key=lambda ticket_id: (kept[ticket_id][0], ticket_id))]


def split(examples: list, test_share: float) -> tuple[list, list]:
    cut = int(len(examples) * (1 - test_share))
    return examples[:cut], examples[cut:]


def holdout(test_share: float = HOLDOUT_SHARE, examples: list | None = None) -> tuple[dict[str, Accuracy], int, int]:
    """Train on the older part of the history, test on the newest `test_share` of it."""
    if examples is None:
        examples = [ex for _at, ex in history()]
    train, test = split(examples, test_share)
    return evaluate(train, test), len(train), len(test)


def train_and_store(now=None):
    """Train on the whole history and keep it as the newest model (older rows are removed); first measure
    the same training on the older part against the newest HOLDOUT_SHARE, so the suggestions know whether
    it does better than the category counts."""
    examples = [ex for _at, ex in history()]
    measured, _trained, tested = holdout(HOLDOUT_SHARE, examples)
    model = Model.train(examples)
    model.holdout = {"tested": tested, "model_top1": measured["model"].top1_rate,
                     "model_top3": measured["model"].top3_rate, "category_top1": measured["category"].top1_rate,
                     "category_top3": measured["category"].top3_rate}
    blob = model.dumps()
    row = DepartmentModel(trained_at=now or utcnow(), examples=model.examples,
                          digest=hashlib.sha256(blob).hexdigest(), payload=blob)
    db.session.add(row)
    db.session.flush()
    db.session.execute(sa.delete(DepartmentModel).where(DepartmentModel.id != row.id))
    return row


def due_for_training(now=None) -> bool:
    """For the sweep: no model yet, or the newest is older than RETRAIN_AFTER_HOURS and problems were
    dispatched since."""
    now = now or utcnow()
    trained_at = db.session.scalar(sa.select(sa.func.max(DepartmentModel.trained_at)))
    if trained_at is None:
        return db.session.scalar(sa.select(DispatchRecord.id).limit(1)) is not None
    if trained_at > now - timedelta(hours=RETRAIN_AFTER_HOURS):
        return False
    return db.session.scalar(sa.select(DispatchRecord.id).where(DispatchRecord.dispatched_at > trained_at)
                             .limit(1)) is not None


_loaded: dict = {"digest": None, "model": None}


def current() -> Model | None:
    """The newest trained model, loaded once per process and again only when a newer one was stored
    (one small statement per call: the digest)."""
    digest = db.session.scalar(sa.select(DepartmentModel.digest).order_by(DepartmentModel.id.desc()).limit(1))
    if digest is None:
        return None
    if _loaded["digest"] != digest:
        blob = db.session.scalar(sa.select(DepartmentModel.payload).where(DepartmentModel.digest == digest).limit(1))
        _loaded["model"], _loaded["digest"] = Model.loads(blob), digest
    return _loaded["model"]
