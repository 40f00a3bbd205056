"""One input-hygiene rule for every form and query string.

Text a database cannot hold (NUL and the other control characters, lone surrogates), integers
outside PostgreSQL's INTEGER and dates outside 1900–2999 are refused here, before any view, service
or query sees them:

- every WTForms field (FlaskForm or plain Form, posted forms and filter forms read from the query
  string alike) gets `check_input` as its first validator, installed once by `install()` on
  WTForms' DefaultMeta, so a refused value is a field error and nothing is stored;
- a filter form that does not validate calls `ignore_filters(form)`: the list is shown unfiltered
  with an alert naming the ignored conditions (base.html), and an export answers 400;
- query-string values read without a form go through `query_int` / `query_date`;
- `<int:…>` in URLs only matches ids the database can hold (`BoundedIntConverter`), so a huge id
  is a 404 like any other missing object.
"""
import re
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import abort, g, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1  # PostgreSQL INTEGER, the type of every id and count column
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2999, 12, 31)

# C0 controls except tab, newline and carriage return; DEL; lone UTF-16 surrogates (not encodable).
_UNSAVABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_unsavable_characters(text: str) -> bool:
    return bool(_UNSAVABLE.search(text))


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed (after login, a language switch, a notification)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if has_unsavable_characters(target):
        return None
    return target


def int_in_range(value: int) -> bool:
    return INT_MIN <= value <= INT_MAX


def date_in_range(value: date) -> bool:
    day = value.date() if isinstance(value, datetime) else value
    return DATE_MIN <= day <= DATE_MAX


def _problem(value):
    """The message for one value the database cannot hold, or None."""
    if isinstance(value, str):
        if has_unsavable_characters(value):
            return _l("包含无法保存的控制字符，请删除后重试。")
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int):
        if not int_in_range(value):
            return _l("数值超出允许范围。")
    elif isinstance(value, (date, datetime)):
        if not date_in_range(value):
            return _l("日期应在 %(start)s 至 %(end)s 之间。", start=DATE_MIN.isoformat(), end=DATE_MAX.isoformat())
    elif isinstance(getattr(value, "filename", None), str):  # an uploaded file: its name is stored
        if has_unsavable_characters(value.filename):
            return _l("文件名包含无法保存的控制字符，请改名后重试。")
    return None


def check_input(form, field):
    """The validator every field runs first; stops the chain so later checks never query with the value."""
    values = field.data if isinstance(field.data, (list, tuple)) else [field.data]
    for raw in getattr(field, "raw_data", None) or []:
        if isinstance(raw, str) and has_unsavable_characters(raw):
            values = [raw]
            break
    for value in values:
        message = _problem(value)
        if message is not None:
            raise StopValidation(str(message))


def install() -> None:
    """Give every WTForms field `check_input` as its first validator (idempotent)."""
    original = DefaultMeta.bind_field
    if getattr(original, "_peipao_checked", False):
        return

    def bind_field(self, form, unbound_field, options):
        field = original(self, form, unbound_field, options)
        field.validators = [check_input, *field.validators]  # a new list: the class's one is shared
        return field

    bind_field._peipao_checked = True
    DefaultMeta.bind_field = bind_field


class BoundedIntConverter(IntegerConverter):
    """`<int:id>` matching only what an INTEGER column holds: a larger number is a plain 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min if min is not None else INT_MIN,
                         max=max if max is not None else INT_MAX, signed=signed)


def query_int(name: str, default: int | None = None) -> int | None:
    """An integer query-string parameter; absent, unreadable or out of range → `default`."""
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.lstrip("-").isdigit()) or len(raw) > 12:
        return default
    value = int(raw)
    return value if int_in_range(value) else default


def query_date(name: str, default: date | None = None) -> date | None:
    """A YYYY-MM-DD query-string parameter; absent, unreadable or out of range → `default`."""
    raw = request.args.get(name, "")
    try:
        value = date.fromisoformat(raw) if raw.isascii() and len(raw) == 10 else None
    except ValueError:
        value = None
    return value if value is not None and date_in_range(value) else default


def ignore_filters(form, fields=None) -> None:
    """A filter form that did not validate (or these fields of it): remember which conditions were
    ignored, for the alert base.html shows."""
    if fields is None:
        fields = [field for field in form if field.errors]
    labels = [str(field.label.text) for field in fields]
    ignored = g.setdefault("ignored_filters", [])
    ignored.extend(label for label in labels if label not in ignored)


def refuse_ignored_filters() -> None:
    """An export whose filters did not validate answers 400: a file of everything is not what was asked."""
    if g.get("ignored_filters"):
        abort(400)


def put_field_errors(form, fields: dict | None) -> None:
    """Show a service's {field: message} refusals on the form the person filled in: on the matching visible
    field, and on the form itself (form_errors) for a field it does not show, so no message is lost."""
    for name, message in (fields or {}).items():
        field = form._fields.get(name)
        if field is not None and field.type not in ("HiddenField", "SubmitField", "CSRFTokenField"):
            field.errors = list(field.errors or []) + [message]
        else:
            form.form_errors.append(message)
