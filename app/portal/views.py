"""The company portal: a company user's problems, the submit form, one problem's page and its actions.

Every lookup starts from tickets.queries.visible_tickets (another company's problem is a 404);
every change goes through tickets.services (which holds the rules); one commit per request.
Files are checked before anything is stored, and removed again if the transaction does not commit.
"""
from functools import wraps
from itertools import groupby

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from app.companies.models import Company
from app.core.inputs import put_field_errors
from app.core.db import utcnow
from app.core.pagination import paginate
from app.core.permissions import get_visible_or_404, require
from app.core.workdays import overdue_working_days
from app.extensions import db
from app.portal import permissions
from app.portal.forms import CommentForm, ProblemForm, RateForm, WithdrawForm
from app.tickets import permissions as ticket_permissions
from app.tickets import queries, services
from app.tickets.attachments import AttachmentError, check_uploads, save_attachment, send_attachment, undone_on_error
from app.tickets.models import RATINGS, SLA_STATES, Attachment, Ticket, TicketEvent
from app.tickets.errors import TicketActionError
from app.tickets.pages import commit_or_refuse
from app.tickets.events import event_label
from app.portal.blueprint import bp


ACTION_FORMS = {"withdraw": WithdrawForm, "rate": RateForm}

# Home page sections, in this order: answers awaiting the company's rating, open problems, finished ones.
AWAITING_RATING, OPEN, FINISHED = 0, 1, 2
SECTION_TITLES = {AWAITING_RATING: _l("待您评价"), OPEN: _l("办理中的问题"), FINISHED: _l("已结束的问题")}
_SECTION = sa.case((Ticket.status == "replied", AWAITING_RATING), (Ticket.status.in_(SLA_STATES), OPEN),
                   else_=FINISHED)

def _section(ticket: Ticket) -> int:
    if ticket.status == "replied":
        return AWAITING_RATING
    return OPEN if ticket.status in SLA_STATES else FINISHED


def portal_view(view):
    """Signed-in company users only; everyone else gets 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        require(permissions.can_use_portal(current_user))
        return view(*args, **kwargs)

    return wrapped


def _load(ticket_id: int, *, details: bool = True) -> Ticket:
    stmt = queries.visible_tickets(current_user)
    if details:
        # populate_existing: after a rollback the page is drawn from what is stored now.
        stmt = queries.with_detail_loads(stmt).execution_options(populate_existing=True)
    return get_visible_or_404(stmt, Ticket, ticket_id)


def _check_files(form, files) -> bool:
    """Check every chosen file before anything is stored; the reasons go on the attachments field."""
    problems = check_uploads(files)
    form.attachments.errors = list(form.attachments.errors) + problems
    return not problems


# ---------------------------------------------------------------- home

@bp.route("/")
@portal_view
def home():
    stmt = queries.visible_tickets(current_user).order_by(_SECTION, Ticket.created_at.desc(), Ticket.id.desc())
    page = paginate(stmt)
    counts = dict(db.session.execute(
        queries.visible_tickets(current_user).with_only_columns(_SECTION, sa.func.count()).group_by(_SECTION)
    ).all())
    sections = [(key, SECTION_TITLES[key], list(items)) for key, items in groupby(page.items, key=_section)]
    return render_template(
        "portal/home.html", page=page, sections=sections, counts=counts, now=utcnow(),
        company=db.session.get(Company, current_user.company_id), overdue_days=overdue_working_days,
        AWAITING_RATING=AWAITING_RATING, OPEN=OPEN, FINISHED=FINISHED,
    )


# ---------------------------------------------------------------- submit

def _render_new(form, status: int = 200):
    return render_template("portal/new_problem.html", form=form), status


@bp.route("/problems/new", methods=["GET", "POST"])
@portal_view
def new_problem():
    company = db.session.get(Company, current_user.company_id)
    form = ProblemForm()
    if not form.is_submitted():
        return _render_new(form)
    files = form.files()
    valid = form.validate_on_submit()
    valid = _check_files(form, files) and valid
    new, errors = services.validate_new_ticket(form.ticket_data(), allowed_sources=services.sources_for(current_user))
    if errors:
        # The form's own messages for a field win; the service adds those it alone knows.
        put_field_errors(form, {k: v for k, v in errors.items() if not getattr(getattr(form, k, None), "errors", None)})
    if not valid or errors:
        return _render_new(form, 400)
    try:
        with undone_on_error() as stored:
            ticket = services.submit_ticket(current_user, company, new)
            event = db.session.scalar(sa.select(TicketEvent).where(
                TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "submit"))
            for file in files:  # one at a time: a failure midway still finds the earlier ones in `stored`
                stored.append(save_attachment(current_user, ticket, file, event=event, public=True))
            db.session.commit()
    except (TicketActionError, AttachmentError) as exc:
        field = form.attachments if isinstance(exc, AttachmentError) else None
        (field.errors if field is not None else form.form_errors).append(exc.message)
        return _render_new(form, exc.status)
    flash(_("问题已提交，编号 %(number)s。陪跑员将尽快受理，您可在此查看办理进度。", number=ticket.number), "success")
    return redirect(url_for("portal.problem", ticket_id=ticket.id))


# ---------------------------------------------------------------- one problem

def _render_problem(ticket: Ticket, *, comment_form=None, withdraw_form=None, rate_form=None, error=None,
                    status: int = 200):
    user = current_user
    internal = ticket_permissions.can_view_internal(user, ticket)  # never true for a company user
    events = db.session.scalars(queries.timeline(ticket, include_internal=internal)).unique().all()
    attachments = db.session.scalars(queries.ticket_attachments(ticket, include_internal=internal)).all()
    can_withdraw = ticket_permissions.can_perform(user, ticket, "withdraw")
    can_rate = ticket_permissions.can_perform(user, ticket, "rate")
    # Forms not being re-shown are fresh (not filled from this request's post); all carry today's version.
    comment_form = comment_form or CommentForm(formdata=None)
    withdraw_form = withdraw_form or WithdrawForm(formdata=None)
    rate_form = rate_form or RateForm(formdata=None)
    for form in (withdraw_form, rate_form):
        form.version.data = ticket.version
    # A refused action whose form can no longer be shown: keep what was typed in the comment box.
    for form, shown in ((withdraw_form, can_withdraw), (rate_form, can_rate)):
        if not shown and form.typed_text() and not comment_form.body.data:
            comment_form.body.data = form.typed_text()
    return render_template(
        "portal/problem.html", ticket=ticket, events=events, attachments=attachments,
        visible_attachment_ids={a.id for a in attachments}, event_label=event_label, ratings=RATINGS,
        comment_form=comment_form, withdraw_form=withdraw_form, rate_form=rate_form,
        can_withdraw=can_withdraw, can_rate=can_rate,
        can_comment=ticket_permissions.can_comment_ticket(user, ticket),
        can_attach=ticket_permissions.can_attach_to_ticket(user, ticket),
        error=error, now=utcnow(), overdue_days=overdue_working_days,
    ), status


@bp.route("/problems/<int:ticket_id>")
@portal_view
def problem(ticket_id: int):
    return _render_problem(_load(ticket_id))


@bp.route("/problems/<int:ticket_id>/actions/<action>", methods=["POST"])
@portal_view
def act(ticket_id: int, action: str):
    """Withdraw (before an answer) or rate the answer; every rule is the service's."""
    if action not in ACTION_FORMS:
        abort(404)
    ticket = _load(ticket_id)
    form = ACTION_FORMS[action]()
    forms = {f"{action}_form": form}
    if not form.validate_on_submit():
        return _render_problem(ticket, **forms, status=400)

    def work():
        services.perform(current_user, ticket, action, form.action_data())
        if action == "withdraw" and form.typed_text():
            services.add_comment(current_user, ticket, body=_("撤回原因：%(reason)s", reason=form.typed_text()))

    refusal = commit_or_refuse(form, work, hidden=("version",))[1]
    if refusal:
        return _render_problem(_load(ticket_id), **forms, error=refusal.message, status=refusal.status)
    if action == "withdraw":
        flash(_("问题 %(number)s 已撤回。", number=ticket.number), "success")
    elif ticket.status == "closed":
        flash(_("感谢您的评价，问题 %(number)s 已办结。", number=ticket.number), "success")
    else:
        flash(_("已收到您的意见，问题 %(number)s 将重新办理。", number=ticket.number), "warning")
    return redirect(url_for("portal.problem", ticket_id=ticket.id))


@bp.route("/problems/<int:ticket_id>/comments", methods=["POST"])
@portal_view
def comment(ticket_id: int):
    ticket = _load(ticket_id)
    require(ticket_permissions.can_comment_ticket(current_user, ticket))
    form = CommentForm()
    files = form.files()
    valid = form.validate_on_submit()
    if files and not ticket_permissions.can_attach_to_ticket(current_user, ticket):
        form.attachments.errors = [_("该问题已结束，不能再上传附件。")]
        valid = False
    elif files:
        valid = _check_files(form, files) and valid
    if not valid:
        return _render_problem(ticket, comment_form=form, status=400)
    try:
        with undone_on_error() as stored:
            event = services.add_comment(current_user, ticket, body=form.body.data)
            for file in files:  # one at a time: a failure midway still finds the earlier ones in `stored`
                stored.append(save_attachment(current_user, ticket, file, event=event, public=True))
            if files and ticket.paused_at is not None:  # the documents asked for: the clock runs again
                services.resume(current_user, ticket, by_upload=True)
            db.session.commit()
    except (TicketActionError, AttachmentError) as exc:
        error = None
        if isinstance(exc, AttachmentError):
            form.attachments.errors = list(form.attachments.errors) + [exc.message]
        elif exc.fields:
            put_field_errors(form, exc.fields)
        else:
            error = exc.message
        return _render_problem(_load(ticket_id), comment_form=form, error=error, status=exc.status)
    flash(_("留言已发送。"), "success")
    return redirect(url_for("portal.problem", ticket_id=ticket.id, _anchor="timeline"))


@bp.route("/problems/<int:ticket_id>/attachments/<int:att_id>")
@portal_view
def download(ticket_id: int, att_id: int):
    """A file of a problem the user may see, always as a download."""
    ticket = _load(ticket_id, details=False)
    internal = ticket_permissions.can_view_internal(current_user, ticket)
    attachment = db.session.scalar(
        queries.ticket_attachments(ticket, include_internal=internal).where(Attachment.id == att_id))
    if attachment is None:
        abort(404)
    require(ticket_permissions.can_download_attachment(current_user, ticket, attachment))
    return send_attachment(attachment)
