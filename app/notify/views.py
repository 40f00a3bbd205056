"""Pages: a person's channels per kind of event (个人设置 → 通知方式); for admins, the group robots, the
webhook subscriptions and each subscription's delivery log."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.core.inputs import has_unsavable_characters
from app.core.pagination import desc, keyset_page
from app.core.permissions import get_visible_or_404
from app.extensions import db
from app.notify import preferences, services
from app.notify.events import EVENTS
from app.notify.models import ROBOT_KINDS, OutboxMessage, Robot, WebhookSubscription
from app.reference.models import Department, Town
from app.notify.blueprint import bp


ROBOT_KIND_LABELS = {"dingtalk": "钉钉 / 浙政钉", "wecom": "企业微信"}


def _unsavable_post() -> str | None:
    """The input-hygiene rule (app.core.inputs) for these forms' plain fields: the message, or None."""
    for values in request.form.listvalues():
        if any(has_unsavable_characters(value) for value in values):
            return _("包含无法保存的控制字符，请删除后重试。")
    return None


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def my_preferences():
    form = FlaskForm()
    error = _unsavable_post() if request.method == "POST" else None
    if error is None and form.validate_on_submit():
        preferences.save(current_user, {kind: request.form.getlist(kind) for kind in preferences.KINDS})
        db.session.commit()
        flash(_("通知方式已保存。"), "success")
        return redirect(url_for("notify.my_preferences"))
    return render_template("notify/preferences.html", form=form, chosen=preferences.chosen(current_user),
                           kinds=preferences.KINDS, channels=preferences.PERSONAL_CHANNELS,
                           error=error), 400 if error else 200


def _require_admin():
    if not services.can_manage_notifications(current_user):
        abort(403)


def _owner_label(robot: Robot, departments: dict, towns: dict) -> str:
    if robot.owner_type == "taskforce":
        return _("专班")
    if robot.owner_type == "department":
        return str(departments.get(robot.owner_id, "—"))
    return _("%(town)s陪跑员", town=towns.get(robot.owner_id, "—"))


@bp.route("/admin/notifications/")
@login_required
def admin_index():
    _require_admin()
    return _admin_page()


def _admin_page(error: str | None = None):
    robots = db.session.scalars(services.visible_robots(current_user).order_by(Robot.id)).all()
    departments = {d.id: d for d in db.session.scalars(sa.select(Department).order_by(Department.code))}
    towns = {t.id: t for t in db.session.scalars(sa.select(Town).order_by(Town.code))}
    subscriptions = db.session.scalars(
        services.visible_subscriptions(current_user).order_by(WebhookSubscription.id)).all()
    return render_template(
        "notify/admin.html", form=FlaskForm(), robots=robots, departments=departments, towns=towns,
        owner_label=lambda r: _owner_label(r, departments, towns), kinds=ROBOT_KIND_LABELS,
        subscriptions=subscriptions, events=EVENTS, error=error,
    ), 400 if error else 200


@bp.route("/admin/notifications/robots", methods=["POST"])
@login_required
def robot_create():
    _require_admin()
    if not FlaskForm().validate_on_submit():
        abort(400)
    if (error := _unsavable_post()) is not None:
        return _admin_page(error)
    owner = request.form.get("owner", "")
    owner_type, _sep, owner_id = owner.partition(":")
    data = {"owner_type": owner_type, "owner_id": int(owner_id) if owner_id.isdigit() else None,
            "kind": request.form.get("kind"), "url": request.form.get("url"), "secret": request.form.get("secret")}
    if data["kind"] not in ROBOT_KINDS:
        data["kind"] = None
    try:
        services.create_robot(current_user, data)
    except services.NotifyError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("notify.admin_index"))
    db.session.commit()
    flash(_("机器人已添加。"), "success")
    return redirect(url_for("notify.admin_index"))


@bp.route("/admin/notifications/robots/<int:robot_id>/delete", methods=["POST"])
@login_required
def robot_delete(robot_id: int):
    _require_admin()
    robot = get_visible_or_404(services.visible_robots(current_user), Robot, robot_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.delete_robot(current_user, robot)
    db.session.commit()
    flash(_("机器人已删除。"), "success")
    return redirect(url_for("notify.admin_index"))


@bp.route("/admin/notifications/webhooks", methods=["POST"])
@login_required
def webhook_create():
    _require_admin()
    if not FlaskForm().validate_on_submit():
        abort(400)
    if (error := _unsavable_post()) is not None:
        return _admin_page(error)
    data = {"url": request.form.get("url"), "events": request.form.getlist("events"),
            "secret": request.form.get("secret"), "description": request.form.get("description", ""),
            "allow_private": request.form.get("allow_private") == "y"}
    try:
        services.create_subscription(current_user, services.parse_subscription(data))
    except services.NotifyError as exc:
        db.session.rollback()
        flash(exc.message + " " + " ".join(str(v) for v in exc.fields.values()), "danger")
        return redirect(url_for("notify.admin_index"))
    db.session.commit()
    flash(_("订阅已添加。"), "success")
    return redirect(url_for("notify.admin_index"))


@bp.route("/admin/notifications/webhooks/<int:webhook_id>/delete", methods=["POST"])
@login_required
def webhook_delete(webhook_id: int):
    _require_admin()
    subscription = get_visible_or_404(services.visible_subscriptions(current_user), WebhookSubscription, webhook_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.delete_subscription(current_user, subscription)
    db.session.commit()
    flash(_("订阅已删除。"), "success")
    return redirect(url_for("notify.admin_index"))


@bp.route("/admin/notifications/webhooks/<int:webhook_id>")
@login_required
def webhook_deliveries(webhook_id: int):
    _require_admin()
    subscription = get_visible_or_404(services.visible_subscriptions(current_user), WebhookSubscription, webhook_id)
    page = keyset_page(services.visible_deliveries(current_user, subscription),
                       (desc(OutboxMessage.created_at), desc(OutboxMessage.id)))
    return render_template("notify/deliveries.html", subscription=subscription, page=page)
