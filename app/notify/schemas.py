"""The payload of a webhook subscription (the admin page's form and POST /api/v1/webhooks)."""
from typing import ClassVar, Literal

from flask_babel import lazy_gettext as _l
from pydantic import Field, ValidationInfo, field_validator

from app.core.payloads import Payload, StrictBoolean, refuse, text
from app.notify import channels
from app.notify.events import EVENTS


PRIVATE_TARGET = _l("该地址属于内网或本机，或不是 http/https 网址。")


class WebhookCreate(Payload):
    """订阅事件的网址。 / A URL subscribed to event types."""

    messages: ClassVar[dict] = {
        "allow_private": _l("应为 true 或 false。"), "url": _l("请填写 http 或 https 网址（最多500字符）。"),
        "events": _l("可选：%(events)s", events=", ".join(EVENTS)),
        "secret": _l("密钥至少16个字符，最多200个字符。"), "description": _l("最多200字。"),
    }

    # Before url: whether a private address may be the target decides the url's check.
    allow_private: StrictBoolean = Field(False, description="允许内网或本机地址（默认拒绝）。 / Allow a private or "
                                                            "loopback address (refused by default).")
    url: text(500)
    events: list[Literal[tuple(EVENTS)]] = Field(min_length=1)
    secret: text(200, strip=False, min_length=16) = Field(
        description="签名密钥。 / The HMAC key of X-Peipao-Signature.")
    description: text(200, required=False) = ""

    @field_validator("url")
    @classmethod
    def _reachable(cls, value, info: ValidationInfo):
        try:
            channels.check_url(value, allow_private=info.data.get("allow_private", False))
        except channels.DeliveryRefused:
            raise refuse(PRIVATE_TARGET)
        return value

    @field_validator("events")
    @classmethod
    def _each_once(cls, value):
        return sorted(set(value))
