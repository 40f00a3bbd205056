"""The payload of POST /api/v1/tokens."""
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from pydantic import Field

from app.core.payloads import Payload, text


class TokenRequest(Payload):
    """用户名和密码换取令牌。 / A username and password for a token."""

    messages: ClassVar[dict] = {"username": _l("必填。"), "password": _l("必填。"), "name": _l("应为文本。")}

    username: text(None, strip=False)
    password: text(None, strip=False)
    name: text(None, required=False) | None = Field(
        None, description="令牌名称（可选，保留前 100 字）。 / Optional token name (its first 100 characters are kept).")
