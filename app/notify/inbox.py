"""In-app notifications (the in-app channel of app.notify): the bell's unread count, the list, marking read."""
import sqlalchemy as sa
from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.db import utcnow
from app.core.inputs import safe_next
from app.core.models import Notification
from app.core.notifications import unread_count
from app.core.pagination import desc, keyset_page
from app.core.permissions import get_visible_or_404
from app.extensions import db
from app.notify.blueprint import bp


def visible_notifications(user) -> sa.Select:
    """A user's own notifications, and nobody else's."""
    return sa.select(Notification).where(Notification.user_id == user.id)


@bp.app_context_processor
def bell():
    def notification_unread_count() -> int:
        """One COUNT per request, only when a page shows the bell."""
        if not current_user.is_authenticated:
            return 0
        if "notification_unread_count" not in g:
            g.notification_unread_count = unread_count(current_user)
        return g.notification_unread_count

    return {"notification_unread_count": notification_unread_count}


@bp.route("/notifications/")
@login_required
def inbox():
    page = keyset_page(visible_notifications(current_user), (desc(Notification.created_at), desc(Notification.id)))
    return render_template("notifications/index.html", page=page)


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    """Mark one read, then go where it points when that is a path on this site."""
    note = get_visible_or_404(visible_notifications(current_user), Notification, notification_id)
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.commit()
    return redirect(safe_next(note.url) or url_for("notify.inbox"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    changed = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount
    db.session.commit()
    flash(_("已将 %(n)d 条通知标为已读。", n=changed), "success")
    return redirect(url_for("notify.inbox"))
