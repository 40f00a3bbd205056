"""Summary rows of past months (issue 14): what the dashboard's 12-month trend reads for the months that no
longer change.

A past month's counts over the whole district do not change: a problem's created_at is never rewritten and a
closed problem stays closed with its closed_at. `flask tickets sweep` rebuilds every row from the problems
(app.monitoring.summary.rebuild_month_counts: delete and insert in one transaction, so a run gives the same
rows however often it runs); the dashboard reads them for the months before the current one and counts the
current month live. A month without a row (the sweep has not run since it ended) is counted live.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import UTCDateTime
from app.extensions import db


class TicketMonthCount(db.Model):
    __tablename__ = "ticket_month_counts"

    # First day of the local (Asia/Shanghai) month; the primary key is the index the trend reads by.
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    created: Mapped[int] = mapped_column(sa.Integer, nullable=False)  # problems submitted in the month
    closed: Mapped[int] = mapped_column(sa.Integer, nullable=False)   # status closed, closed_at in the month
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
