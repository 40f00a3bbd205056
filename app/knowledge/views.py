"""政策问答 pages (browse, search, read; publish from an answered problem; withdraw), the portal's
suggestions while a company types a problem, and the reply templates page."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.pagination import paginate
from app.core.permissions import get_visible_or_404, require
from app.core.sessions import leave_session_cookie
from app.extensions import db
from app.knowledge import forms, permissions, queries, services
from app.knowledge.models import KnowledgeEntry, ReplyTemplate
from app.reference.models import Department
from app.tickets.models import Ticket
from app.tickets.queries import visible_tickets, with_detail_loads
from app.knowledge.blueprint import bp


@bp.route("/")
@login_required
def index():
    require(permissions.can_view_knowledge(current_user))
    form = forms.SearchForm(request.args)
    q = form.q.data if form.validate() else None
    page = paginate(queries.search_knowledge(queries.visible_knowledge(), q))
    return render_template("knowledge/index.html", form=form, page=page, q=q,
                           can_templates=permissions.can_manage_template(current_user))


@bp.route("/<int:entry_id>")
@login_required
def detail(entry_id: int):
    require(permissions.can_view_knowledge(current_user))
    entry = get_visible_or_404(queries.visible_knowledge(), KnowledgeEntry, entry_id)
    source = None
    if permissions.can_see_knowledge_source(current_user) and entry.source_ticket_id:  # companies never see where it came from
        source = db.session.scalars(visible_tickets(current_user).where(Ticket.id == entry.source_ticket_id)).first()
    return render_template("knowledge/detail.html", entry=entry, source=source,
                           can_manage=permissions.can_manage_knowledge(current_user, entry),
                           confirm=forms.ConfirmForm())


@bp.route("/suggest")
@login_required
def suggest():
    """An HTML fragment: the entries most like the text typed so far (the portal's new-problem form)."""
    require(permissions.can_view_knowledge(current_user))
    leave_session_cookie()  # fetched while typing: it must not overwrite what the form's submission stores
    text = (request.args.get("text") or "")[:2000]
    return render_template("knowledge/_suggestions.html", found=queries.suggestions(text))


@bp.route("/publish/<int:ticket_id>", methods=["GET", "POST"])
@login_required
def publish(ticket_id: int):
    ticket = get_visible_or_404(with_detail_loads(visible_tickets(current_user)), Ticket, ticket_id)
    require(permissions.can_publish_knowledge(current_user, ticket))
    form = forms.PublishForm()
    if request.method == "GET":
        form.process(data=services.draft_from_ticket(ticket))
    status = 200
    if form.validate_on_submit():
        try:
            entry = services.publish_from_ticket(current_user, ticket, form.data)
            db.session.commit()
        except services.KnowledgeError as exc:
            db.session.rollback()
            ticket = get_visible_or_404(with_detail_loads(visible_tickets(current_user)), Ticket, ticket_id)
            for name, message in exc.fields.items():
                form[name].errors = list(form[name].errors or []) + [message]
            flash(exc.message, "danger")
            status = exc.status
        else:
            flash(_("已发布为政策问答。"), "success")
            return redirect(url_for("knowledge.detail", entry_id=entry.id))
    return render_template("knowledge/publish.html", form=form, ticket=ticket), status


@bp.route("/<int:entry_id>/withdraw", methods=["POST"])
@login_required
def withdraw(entry_id: int):
    entry = get_visible_or_404(queries.visible_knowledge(), KnowledgeEntry, entry_id)
    require(permissions.can_manage_knowledge(current_user, entry))
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    services.withdraw_entry(current_user, entry)
    db.session.commit()
    flash(_("已撤下该政策问答。"), "success")
    return redirect(url_for("knowledge.index"))


# ---------------------------------------------------------------- reply templates

@bp.route("/templates/", methods=["GET", "POST"])
@login_required
def templates():
    require(permissions.can_manage_template(current_user))
    form = forms.TemplateForm()
    managers = permissions.can_manage_all_templates(current_user)
    form.department_id.choices = [(0, _("全区通用"))] + [
        (d.id, d.name) for d in db.session.scalars(sa.select(Department).where(Department.active.is_(True))
                                                   .order_by(Department.code, Department.id))
        if managers or d.id == current_user.department_id]
    status = 200
    if form.validate_on_submit():
        try:
            services.create_template(current_user, form.data)
            db.session.commit()
        except services.KnowledgeError as exc:
            db.session.rollback()
            for name, message in exc.fields.items():
                form[name].errors = list(form[name].errors or []) + [message]
            status = exc.status
        else:
            flash(_("常用答复已添加。"), "success")
            return redirect(url_for("knowledge.templates"))
    items = db.session.scalars(queries.manageable_templates(current_user)).all()
    return render_template("knowledge/templates.html", form=form, items=items, confirm=forms.ConfirmForm()), status


@bp.route("/templates/<int:template_id>/delete", methods=["POST"])
@login_required
def delete_template(template_id: int):
    require(permissions.can_manage_template(current_user))
    template = get_visible_or_404(queries.manageable_templates(current_user), ReplyTemplate, template_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    services.delete_template(current_user, template)
    db.session.commit()
    flash(_("常用答复已删除。"), "success")
    return redirect(url_for("knowledge.templates"))
