"""The ledger export: the staff list's scoped query and current filters, streamed to XLSX."""
from flask import request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.db import utcnow
from app.core.inputs import refuse_ignored_filters
from app.core.permissions import require
from app.core.spreadsheets import stream_xlsx
from app.core.timeutil import local_today
from app.tickets import forms, ledger, queries
from app.tickets.permissions import can_export_tickets
from app.tickets.blueprint import bp


@bp.route("/export.xlsx")
@login_required
def export_xlsx():
    require(can_export_tickets(current_user))
    now = utcnow()
    form = forms.TicketFilterForm(request.args, user=current_user)
    filters = form.filters()
    refuse_ignored_filters()
    stmt = queries.filter_tickets(queries.visible_tickets(current_user), current_user, now=now, **filters)
    filename = f"{_('问题台账')}-{local_today():%Y%m%d}.xlsx"
    return stream_xlsx(filename, ledger.headers(), ledger.rows(stmt, now=now), sheet_title=_("问题台账"))
