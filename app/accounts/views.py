"""Sign in, sign out, password change, profile with API tokens."""

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app.accounts import passwords, services, throttling
from app.accounts.auth import end_all_sessions, start_session
from app.accounts.forms import ChangePasswordForm, LoginForm, TokenForm
from app.accounts.models import ApiToken
from app.core.db import utcnow
from app.core.inputs import safe_next
from app.extensions import db
from app.accounts.blueprint import bp


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        if throttling.is_throttled(form.username.data):
            abort(429)
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            throttling.record_failure(form.username.data)
            db.session.commit()  # keep the audit record of the failure
            flash(_("用户名或密码不正确。"), "danger")
            return render_template("accounts/login.html", form=form), 200
        throttling.record_success(form.username.data)
        chosen_language = session.get("lang")  # picked on the login page; the new session keeps it
        start_session(user)
        if chosen_language in current_app.config["LANGUAGES"]:
            services.set_locale(user, chosen_language)
            session["lang"] = chosen_language
        db.session.commit()
        if user.must_change_password:
            flash(_("首次登录请先修改密码。"), "warning")
            return redirect(url_for("accounts.change_password"))
        return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm(current_user)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        services.change_password(user, form.new_password.data)
        revoked = services.revoke_all_tokens(user, user) if form.revoke_tokens.data else 0
        db.session.commit()
        start_session(user)  # this browser stays signed in; all others are ended
        if revoked:
            flash(_("密码已修改，您的 %(n)d 个 API 令牌已吊销。", n=revoked), "success")
        else:
            flash(_("密码已修改。"), "success")
        return redirect(url_for("home.index"))
    return render_template("accounts/change_password.html", form=form,
                           minimum_length=passwords.minimum_length_for(current_user))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        _token, new_token = services.create_api_token(current_user, form.name.data, days=form.days.data)
        db.session.commit()
        flash(_("令牌已创建，请立即复制保存，它只显示这一次。"), "success")
        form = TokenForm(formdata=None)
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template("accounts/profile.html", form=form, tokens=tokens, new_token=new_token, now=utcnow())


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    token = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id)
    ).first()
    if token is None:
        abort(404)
    if token.revoked_at is None:
        services.revoke_api_token(token, current_user)
        db.session.commit()
    flash(_("令牌已吊销。"), "info")
    return redirect(url_for("accounts.profile"))
