"""The channels an outbox row goes out through. Each sender returns (ok, status_code, error).

- e-mail over SMTP (MAIL_* settings);
- 钉钉/浙政钉 custom robot: markdown message, signed with the robot's secret
  (`timestamp` and `sign` = base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")) as query parameters);
- 企业微信 group robot: markdown message;
- SMS through a provider (SMS_PROVIDER): `console` (development: logged) or `aliyun`
  (Alibaba Cloud SendSms, RPC signature version 1.0);
- webhooks: JSON POST signed with X-Peipao-Signature: sha256=<hex HMAC-SHA256 of the body>.

HTTP goes through the standard library with a short timeout; the caller is always a worker, never a request.
"""
import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import smtplib
import socket
import time
import uuid
from datetime import datetime, timezone
from email.message import EmailMessage
from urllib import error as urlerror
from urllib import parse, request as urlrequest

from flask import current_app

log = logging.getLogger("peipao.notify")
TIMEOUT = 10


class DeliveryRefused(Exception):
    """The target may not be reached (SSRF rule) or is misconfigured: retrying will not help."""


# ---------------------------------------------------------------- SSRF

def address_is_private(host: str) -> bool:
    """True when any address the host name resolves to is private, loopback, link-local or reserved."""
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return True  # unresolvable: treat as not allowed
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
                or address.is_multicast or address.is_unspecified):
            return True
    return False


def check_url(url: str, *, allow_private: bool | None = None) -> None:
    """Refuse anything but http(s) URLs to public addresses, unless private ones are allowed explicitly:
    per webhook subscription (`allow_private`), or for robots and the SMS endpoint (None) by the
    OUTBOUND_ALLOW_PRIVATE setting."""
    parts = parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeliveryRefused("only http and https URLs are allowed")
    if allow_private is None:
        allow_private = current_app.config.get("OUTBOUND_ALLOW_PRIVATE", False)
    if allow_private:
        return
    if address_is_private(parts.hostname):
        raise DeliveryRefused(f"{parts.hostname} is a private or loopback address")


# ---------------------------------------------------------------- HTTP

def post_json(url: str, body: bytes, headers: dict | None = None) -> tuple[int, bytes]:
    req = urlrequest.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "Peipao", **(headers or {})})
    try:
        with urlrequest.urlopen(req, timeout=TIMEOUT) as response:  # noqa: S310 (URL checked by check_url)
            return response.status, response.read(65536)
    except urlerror.HTTPError as exc:
        return exc.code, exc.read(65536) if exc.fp else b""


def _robot_result(status: int, content: bytes) -> tuple[bool, int, str]:
    """Both robots answer 200 with {"errcode": 0, "errmsg": "ok"}; anything else failed."""
    if status != 200:
        return False, status, content[:300].decode("utf-8", "replace")
    try:
        answer = json.loads(content or b"{}")
    except ValueError:
        return False, status, "not JSON"
    if answer.get("errcode", 0) != 0:
        return False, status, f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:300]
    return True, status, ""


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return url
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def send_dingtalk(url: str, secret: str, title: str, text: str) -> tuple[bool, int, str]:
    check_url(url)
    body = {"msgtype": "markdown", "markdown": {"title": title[:64], "text": text}}
    status, content = post_json(dingtalk_signed_url(url, secret), json.dumps(body, ensure_ascii=False).encode())
    return _robot_result(status, content)


def send_wecom(url: str, title: str, text: str) -> tuple[bool, int, str]:
    check_url(url)
    body = {"msgtype": "markdown", "markdown": {"content": text}}
    status, content = post_json(url, json.dumps(body, ensure_ascii=False).encode())
    return _robot_result(status, content)


def webhook_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_body(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def send_webhook(url: str, secret: str, payload: dict, *, event: str, key: str,
                 allow_private: bool) -> tuple[bool, int, str]:
    check_url(url, allow_private=allow_private)
    body = webhook_body(payload)
    status, content = post_json(url, body, {
        "X-Peipao-Signature": webhook_signature(secret, body), "X-Peipao-Event": event,
        "X-Peipao-Delivery": key, "Idempotency-Key": key,
    })
    if 200 <= status < 300:
        return True, status, ""
    return False, status, f"HTTP {status}: {content[:200].decode('utf-8', 'replace')}"


# ---------------------------------------------------------------- e-mail

def send_email(to: str, subject: str, text: str, *, key: str) -> tuple[bool, int | None, str]:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        raise DeliveryRefused("MAIL_SERVER is not set")
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{key.replace(':', '.')}@peipao>"  # the same key on a repeat: mail clients drop it
    message.set_content(text)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=TIMEOUT) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    return True, 250, ""


# ---------------------------------------------------------------- SMS

class SmsProvider:
    """Send one text to one phone number; returns (ok, status_code, error)."""

    name = "base"

    def send(self, phone: str, text: str, params: dict) -> tuple[bool, int | None, str]:
        raise NotImplementedError


class ConsoleSms(SmsProvider):
    """Development: the message goes to the log instead of a phone."""

    name = "console"

    def send(self, phone, text, params):
        log.info("SMS to %s: %s", phone, text)
        return True, None, ""


def aliyun_percent(value: str) -> str:
    return parse.quote(str(value), safe="~")


def aliyun_signature(params: dict, secret: str, method: str = "GET") -> str:
    """Alibaba Cloud RPC signature, version 1.0 (HMAC-SHA1 over the sorted, encoded query)."""
    canonical = "&".join(f"{aliyun_percent(k)}={aliyun_percent(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{aliyun_percent('/')}&{aliyun_percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSms(SmsProvider):
    """Alibaba Cloud SMS (dysmsapi SendSms, API version 2017-05-25). The text goes through an approved
    template (SMS_ALIYUN_TEMPLATE) whose ${content} is the notice; Alibaba does not send free text."""

    name = "aliyun"

    def send(self, phone, text, params):
        config = current_app.config
        endpoint = config["SMS_ALIYUN_ENDPOINT"]
        check_url(endpoint)
        query = {
            "AccessKeyId": config["SMS_ALIYUN_ACCESS_KEY_ID"], "Action": "SendSms", "Format": "JSON",
            "PhoneNumbers": phone, "RegionId": "cn-hangzhou", "SignName": config["SMS_ALIYUN_SIGN_NAME"],
            "SignatureMethod": "HMAC-SHA1", "SignatureNonce": params.get("nonce") or uuid.uuid4().hex,
            "SignatureVersion": "1.0", "TemplateCode": config["SMS_ALIYUN_TEMPLATE"],
            "TemplateParam": json.dumps({"content": text[:60]}, ensure_ascii=False),
            "Timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": "2017-05-25",
        }
        query["Signature"] = aliyun_signature(query, config["SMS_ALIYUN_ACCESS_KEY_SECRET"])
        req = urlrequest.Request(f"{endpoint.rstrip('/')}/?{parse.urlencode(query)}", method="GET")
        try:
            with urlrequest.urlopen(req, timeout=TIMEOUT) as response:  # noqa: S310
                status, content = response.status, response.read(65536)
        except urlerror.HTTPError as exc:
            status, content = exc.code, exc.read(65536) if exc.fp else b""
        try:
            answer = json.loads(content or b"{}")
        except ValueError:
            answer = {}
        if status == 200 and answer.get("Code") == "OK":
            return True, status, ""
        return False, status, f"{answer.get('Code', status)}: {answer.get('Message', '')}"[:300]


SMS_PROVIDERS = {"console": ConsoleSms, "aliyun": AliyunSms}


def sms_provider() -> SmsProvider:
    name = current_app.config.get("SMS_PROVIDER") or "console"
    if name not in SMS_PROVIDERS:
        raise DeliveryRefused(f"unknown SMS provider {name!r}")
    return SMS_PROVIDERS[name]()
