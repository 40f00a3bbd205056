"""The page side of an action's post, shared by the problem page, the 共性问题 page and the portal (their views
must not import each other): run the service, commit once, and on a refusal roll back and show the form again
with what the person typed."""
from flask import flash, redirect, request
from flask_babel import gettext as _

from app.core.inputs import put_field_errors
from app.extensions import db
from app.tickets.errors import TicketActionError
from app.tickets.forms import action_form
from app.tickets.transitions import TRANSITIONS


def commit_or_refuse(form, work, *, hidden=()) -> tuple[object, TicketActionError | None]:
    """A page's post: run `work` (the service call) and commit; returns (what it returned, None). A refusal
    rolls everything back, goes on the form the person filled in (app.core.inputs.put_field_errors; `hidden`:
    fields whose message the page does not show) and comes back as (None, refusal), for the page to show
    again with what they typed."""
    try:
        result = work()
        db.session.commit()
    except TicketActionError as refusal:
        db.session.rollback()
        put_field_errors(form, {k: v for k, v in refusal.fields.items() if k not in hidden})
        return None, refusal
    return result, None


def post_action(actor, case, action: str, *, perform, page, reload, done_url: str):
    """The post of `action`'s form on the problem page or the 共性问题 page (`case`): read the form, run
    `perform(actor, case, action, data)` (the services' perform) and commit, then say so and go back to
    `done_url`. Unreadable input, or the service's refusal, shows `page(case, failed=(action, form), message=…,
    status=…)` again with what was typed (after a refusal, on the case as `reload()` reads it again)."""
    form = action_form(action, case, request.form)
    if not form.validate():  # only unreadable input (e.g. a malformed date) fails here
        return page(case, failed=(action, form), message=_("请检查填写的内容。"), status=400)
    refusal = commit_or_refuse(form, lambda: perform(actor, case, action, form.action_data()))[1]
    if refusal:
        return page(reload(), failed=(action, form), message=refusal.message, status=refusal.status)
    flash(_("已完成“%(action)s”。", action=str(TRANSITIONS[action].label)), "success")
    return redirect(done_url)
