"""Admin pages for towns, industries and departments (one page shape, three lists)."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.core.permissions import require
from app.extensions import db
from app.reference.forms import ReferenceForm
from app.reference.models import Department, Industry, Town
from app.reference.permissions import can_manage_reference
from app.reference.services import save_reference
from app.reference.blueprint import bp


KINDS = {
    "towns": (Town, _l("镇街")),
    "industries": (Industry, _l("行业门类（GB/T 4754）")),
    "departments": (Department, _l("职能部门")),
}


def _kind(kind: str):
    if kind not in KINDS:
        abort(404)
    require(can_manage_reference(current_user))
    return KINDS[kind]


@bp.route("/<kind>")
@login_required
def index(kind: str):
    model, title = _kind(kind)
    rows = db.session.scalars(sa.select(model).order_by(model.code)).all()
    return render_template("reference/index.html", rows=rows, kind=kind, title=title, kinds=KINDS)


@bp.route("/<kind>/new", methods=["GET", "POST"])
@bp.route("/<kind>/<int:obj_id>/edit", methods=["GET", "POST"])
@login_required
def edit(kind: str, obj_id: int | None = None):
    model, title = _kind(kind)
    obj = db.session.get(model, obj_id) if obj_id else None
    if obj_id and obj is None:
        abort(404)
    form = ReferenceForm(obj=obj, model=model, obj_id=obj_id)
    if form.validate_on_submit():
        save_reference(current_user, model, obj, form.data)
        db.session.commit()
        flash(_("已保存。"), "success")
        return redirect(url_for("reference.index", kind=kind))
    return render_template("reference/form.html", form=form, kind=kind, title=title, obj=obj)
