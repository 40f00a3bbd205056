"""Similar problems at scale: the time and the quality of the panel for a spread of problems (issue 16).

    DATABASE_URL=sqlite:////path/seeded.sqlite3 .venv/bin/python bench/similar_budget.py [--out ids.json]

For every 1,667th problem (100 of a 200,000 seed) it asks `similar_problems` in the manager's scope and prints the
CPU p50/p95 of the whole lookup, the mean score of the problems shown, and how many problems show none. With
--out it writes the shown ids, so two runs (before and after a change) can be compared:

    .venv/bin/python bench/similar_budget.py --compare before.json after.json
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(out: str | None) -> None:
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db

    app = create_app()
    with app.app_context():
        from app.search import similarity
        from app.tickets.models import Ticket

        ids = db.session.scalars(sa.select(Ticket.id).where(Ticket.id % 1667 == 0).limit(100)).all()
        scores, cpu, shown = [], [], []
        for ticket_id in ids:
            ticket = db.session.get(Ticket, ticket_id)
            began = time.process_time()
            found = similarity.similar_problems(sa.select(Ticket), ticket)
            cpu.append((time.process_time() - began) * 1000)
            scores.append(statistics.mean(item.score for item in found) if found else 0.0)
            shown.append([item.ticket.id for item in found])
        cpu.sort()
        print(f"{len(ids)} problems: CPU p50 {statistics.median(cpu):.1f} ms, p95 {cpu[int(len(cpu) * .95)]:.1f} ms; "
              f"mean score of the shown {statistics.mean(scores):.3f}; none shown for {sum(not s for s in shown)}")
        if out:
            Path(out).write_text(json.dumps(shown))


def compare(before: str, after: str) -> None:
    a, b = json.loads(Path(before).read_text()), json.loads(Path(after).read_text())
    same = sum(set(x) == set(y) for x, y in zip(a, b))
    print(f"the same problems shown for {same} of {len(a)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
    else:
        measure(args.out)


if __name__ == "__main__":
    main()
