"""The session cookie, and the background requests that must leave it alone.

Every page refreshes the signed session cookie (sessions are permanent, with an idle limit). A background
request (the 政策问答 suggestions fetched while a company types) that started before the form was submitted
would answer with the older session after the submission's answer and overwrite it, losing what the submission
stored there (its "问题已提交" message). Such views call `leave_session_cookie()`.
"""
from flask import g
from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app, session) -> bool:
        if g.get("leave_session_cookie"):
            return False
        return super().should_set_cookie(app, session)


def leave_session_cookie() -> None:
    """This request's answer sets no session cookie (it only reads the session)."""
    g.leave_session_cookie = True
