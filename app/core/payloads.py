"""Request payloads and answers as pydantic models: one schema per payload both validates it and describes it.

A payload class lists its fields with the types below; `Payload.parse(data)` checks a JSON body
(or a form's data, which arrives as the same dict) and returns the typed value, or raises
PayloadError with a message per field in the user's language. The OpenAPI document of /api/v1
takes each payload's JSON Schema from `openapi_schema()`, so what is documented is what is checked.

Messages: `messages` maps a field to what the user reads when that field is wrong,
"<field>:too_long" to the message for a value over its limit and "<field>:<pydantic error type>"
to one for that kind of error; a validator that knows better raises `refuse(message)`. Anything
left over gets a plain message by kind.

Query strings are models too (`Query`, with `Paging` for lists): the API checks `request.args` against
an operation's query model (app.api.common.parse_query) and the document lists its fields as the
operation's query parameters, so a parameter is named once.
"""
import re
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from flask import current_app, has_app_context
from flask_babel import gettext as _
from annotated_types import Ge, Le
from pydantic import (
    BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, Strict, StringConstraints, ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

INT32_MAX = 2**31 - 1


class PayloadError(Exception):
    """A payload that does not validate: `fields` maps each wrong field to its message."""

    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        self.message = " ".join(dict.fromkeys(fields.values()))
        super().__init__(self.message)


def refuse(message) -> PydanticCustomError:
    """The error a validator raises to have `message` (translated now) shown for its field."""
    return PydanticCustomError("peipao", "{message}", {"message": str(message)})


# ------------------------------------------------------------------ field types

def _digits_to_int(value):
    """An integer, or a string of ASCII digits as one (forms post text); never a boolean."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return value


def _blank_to_none(value):
    """A form's empty choice ("", 0) means the optional id was not given."""
    return None if value in ("", 0, "0") or value is None else value


def _null_to_empty(value):
    return "" if value is None else value


def _iso_date(value) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date_parsing", "not a date")


def _optional_iso_date(value) -> date | None:
    return None if value in (None, "") else _iso_date(value)


_FORM_BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def _form_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _FORM_BOOLEANS:
        return _FORM_BOOLEANS[value.lower()]
    raise PydanticCustomError("bool_parsing", "not a boolean")


# An object's id: a positive integer the database's integer column can hold.
Id = Annotated[int, Strict(), Ge(1), Le(INT32_MAX), BeforeValidator(_digits_to_int)]
# An optional id: absent, null, or (from a form's empty choice) "" or 0.
OptionalId = Annotated[Id | None, BeforeValidator(_blank_to_none)]
# Any integer (a version is compared, never stored).
Integer = Annotated[int, Strict(), BeforeValidator(_digits_to_int)]
# A calendar date as YYYY-MM-DD.
IsoDate = Annotated[date, PlainValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]
OptionalIsoDate = Annotated[date | None, PlainValidator(_optional_iso_date),
                            WithJsonSchema({"type": "string", "format": "date", "nullable": True})]
# true or false (a form's "yes"/"no", "1"/"0", "true"/"false" too).
Boolean = Annotated[bool, PlainValidator(_form_bool), WithJsonSchema({"type": "boolean"})]
# true or false, nothing else (JSON only).
StrictBoolean = Annotated[bool, Strict()]


def text(max_length: int | None = 5000, *, required: bool = True, strip: bool = True, min_length: int | None = None):
    """A text field's type: trimmed (unless `strip` is false: passwords, secrets), at most `max_length`
    characters, not empty unless optional (then null is the empty text)."""
    constrained = Annotated[str, Strict(), StringConstraints(strip_whitespace=strip, max_length=max_length,
                                                             min_length=min_length or (1 if required else None))]
    return constrained if required else Annotated[constrained, BeforeValidator(_null_to_empty)]


# ------------------------------------------------------------------ the base class

_TOO_LONG = {"string_too_long", "too_long"}


class Payload(BaseModel):
    """One request payload. Unknown keys are ignored; strings are trimmed before their limits apply."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, populate_by_name=True,
                              hide_input_in_errors=True)
    messages: ClassVar[dict[str, Any]] = {}

    @classmethod
    def parse(cls, data, **context):
        try:
            return cls.model_validate(data, context=context or None)
        except ValidationError as error:
            raise PayloadError(cls.field_messages(error)) from None

    @classmethod
    def field_messages(cls, error: ValidationError) -> dict[str, str]:
        fields: dict[str, str] = {}
        for item in error.errors(include_url=False, include_input=False):
            loc = list(item["loc"])
            if loc and isinstance(loc[-1], int) and len(loc) > 1 and cls._scalar_list(loc[0]):
                loc.pop()  # an item of a list of ids or names: the list is what the user fixes
            path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
            path = path or "body"
            fields.setdefault(path, cls._nested_message(path, loc, item))
        return fields

    @classmethod
    def _scalar_list(cls, name) -> bool:
        return name not in cls.nested_lists()

    @classmethod
    def nested_lists(cls) -> dict[str, type["Payload"]]:
        """Fields that are lists of payloads (their errors are reported per item and field, in its words)."""
        return {}

    @classmethod
    def _nested_message(cls, path: str, loc: list, item: dict) -> str:
        nested = cls.nested_lists().get(loc[0]) if len(loc) > 2 and isinstance(loc[1], int) else None
        if nested is not None:
            return nested._nested_message(".".join(str(part) for part in loc[2:]), loc[2:], item)
        return cls._message(path, loc, item)

    @classmethod
    def _message(cls, path: str, loc: list, item: dict) -> str:
        if item["type"] == "peipao":
            return item["ctx"]["message"]
        messages = cls.messages
        name = str(loc[0]) if loc else "body"
        if item["type"] in _TOO_LONG:
            for key in (f"{path}:too_long", f"{name}:too_long"):
                if key in messages:
                    return str(messages[key])
            limit = (item.get("ctx") or {}).get("max_length")
            return _("最多 %(n)d 个字符。", n=limit) if limit else _("内容过长。")
        for key in (f"{name}:{item['type']}", path, name):
            if key in messages:
                return str(messages[key])
        return _plain_message(item["type"])


def _plain_message(kind: str) -> str:
    if kind == "missing":
        return _("必填。")
    if kind.startswith(("int", "greater", "less")):
        return _("应为整数。")
    if kind.startswith("bool"):
        return _("应为 true 或 false。")
    if kind.startswith("string"):
        return _("应为文本。")
    if kind.startswith(("date", "datetime")):
        return _("日期格式应为 YYYY-MM-DD。")
    if kind.startswith(("literal", "enum")):
        return _("取值无效。")
    if kind.startswith(("list", "too_short")):
        return _("应为列表。")
    return _("取值无效。")


# ------------------------------------------------------------------ its OpenAPI 3.0 description

def openapi_schema(model: type[BaseModel], components: dict) -> dict:
    """`model`'s JSON Schema in OpenAPI 3.0 terms; nested models land in `components` by name."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="validation")
    for name, nested in schema.pop("$defs", {}).items():
        components[name] = _openapi(nested)
    return _openapi(schema)


def _openapi(schema):
    """JSON Schema 2020-12 (pydantic's) → OpenAPI 3.0.3: `nullable` for a null alternative, `enum`
    for `const`, no titles."""
    if isinstance(schema, list):
        return [_openapi(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: value if key in ("default", "enum", "example") else
              {name: _openapi(item) for name, item in value.items()} if key == "properties" else _openapi(value)
              for key, value in schema.items() if key != "title"}
    if "const" in schema:
        schema["enum"] = [schema.pop("const")]
        schema.setdefault("type", "string")
    options = schema.get("anyOf")
    if options and any(option == {"nullable": True} for option in options):
        rest = [option for option in options if option != {"nullable": True}]
        del schema["anyOf"]
        if len(rest) == 1 and "$ref" not in rest[0]:
            schema = {**rest[0], **schema, "nullable": True}
        else:
            schema = {**schema, "anyOf": rest, "nullable": True}
    if schema.get("type") == "null":
        schema = {"nullable": True, **{k: v for k, v in schema.items() if k != "type"}}
    return schema


# ------------------------------------------------------------------ query strings

class QueryError(Exception):
    """A query string that does not validate: `message` for the answer, `code`, and a message per parameter."""

    def __init__(self, message: str, code: str, fields: dict[str, str]):
        super().__init__(message)
        self.message, self.code, self.fields = message, code, fields


def refuse_parameter(message, summary=None, code: str = "bad_request", field: str | None = None):
    """The error a query parameter's validator raises: `message` for the parameter (or `field`), `summary`
    (default 参数取值无效。) and `code` for the whole answer."""
    return PydanticCustomError("query", "{message}", {
        "message": str(message), "summary": str(summary or _("参数取值无效。")), "code": code, "field": field})


_INTEGER = re.compile(r"-?[0-9]+")


def _query_int(value: str) -> int | None:
    if value in (None, ""):
        return None
    if not _INTEGER.fullmatch(value) or abs(int(value)) > INT32_MAX:
        raise refuse_parameter(_("应为整数。"), _("参数格式不正确。"))
    return int(value)


def _query_bool(value: str) -> bool:
    raw = (value or "").lower()
    if raw in ("", "false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    raise refuse_parameter(_("应为 true 或 false。"))


def _query_limit(value: str) -> int:
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 200):
        raise refuse_parameter(_("1–200 之间的整数。"), _("limit 必须是 1 到 200 之间的整数。"))
    return int(value)


# An optional integer parameter (empty: not given; within the database's integer).
QueryInt = Annotated[int | None, PlainValidator(_query_int), WithJsonSchema({"type": "integer"})]
# true/1 or false/0 (absent or empty: false).
QueryBool = Annotated[bool, PlainValidator(_query_bool), WithJsonSchema({"type": "boolean"})]


def query_choice(values, *, message=None, summary=None, code: str = "bad_request"):
    """An optional parameter that is one of `values` (codes); empty is not given."""
    values = tuple(values)

    def check(value: str) -> str | None:
        if value in (None, ""):
            return None
        if value not in values:
            raise refuse_parameter(message or _("可选值：%(values)s。", values=", ".join(values)), summary, code)
        return value

    return Annotated[str | None, PlainValidator(check), WithJsonSchema({"type": "string", "enum": list(values)})]


def query_text(max_length: int | None = None, *, min_length: int | None = None, blank=None, schema=None):
    """A text parameter, at most `max_length` characters (400 validation_error beyond); `blank`: the message
    when it is missing or blank (otherwise empty is allowed). `schema` replaces the documented schema."""

    def check(value: str) -> str:
        value = value or ""
        if blank is not None and not value.strip():
            raise refuse_parameter(blank, _("提交的数据有误。"), "validation_error")
        if max_length is not None and len(value) > max_length:
            raise refuse_parameter(_("最多 %(n)d 个字符。", n=max_length), _("提交的数据有误。"), "validation_error")
        return value

    documented = schema or {"type": "string", **({"minLength": min_length} if min_length else {}),
                            **({"maxLength": max_length} if max_length else {})}
    return Annotated[str, PlainValidator(check), WithJsonSchema(documented)]


class Query(BaseModel):
    """The query string of one API operation: each field a parameter (its alias the name, its description
    the document's). Parameters arrive as text; absent ones take their defaults."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, hide_input_in_errors=True)

    @classmethod
    def parameter_names(cls) -> set[str]:
        return {field.alias or name for name, field in cls.model_fields.items()}

    @classmethod
    def parse(cls, args: dict[str, str]):
        """`args` (each parameter's first value) as this model; QueryError with a message per parameter."""
        unknown = sorted(set(args) - cls.parameter_names())
        if unknown:
            raise QueryError(_("不支持的查询参数。"), "bad_request", {k: _("未知参数。") for k in unknown})
        bad = sorted(k for k, v in args.items() if "\x00" in v)
        if bad:
            raise QueryError(_("参数取值无效。"), "bad_request", {k: _("不能包含 NUL 字符。") for k in bad})
        try:
            return cls.model_validate(args)
        except ValidationError as error:
            raise cls._query_error(error) from None

    @classmethod
    def _query_error(cls, error: ValidationError) -> QueryError:
        fields: dict[str, str] = {}
        summary = code = None
        for item in error.errors(include_url=False, include_input=False):
            ctx = (item.get("ctx") or {}) if item["type"] == "query" else {}
            name = ctx.get("field") or (str(item["loc"][0]) if item["loc"] else "query")
            fields.setdefault(name, ctx.get("message") or _plain_message(item["type"]))
            summary = summary or ctx.get("summary") or _("参数取值无效。")
            code = code or ctx.get("code") or "bad_request"
        return QueryError(summary, code, fields)

    @classmethod
    def openapi_parameters(cls) -> list[dict]:
        """The operation's query parameters as the document lists them."""
        properties = cls.model_json_schema(mode="validation").get("properties", {})
        parameters = []
        # A list's own filters first, then its paging.
        for name, field in sorted(cls.model_fields.items(), key=lambda item: item[0] in Paging.model_fields):
            key = field.alias or name
            schema = {k: v for k, v in properties[key].items() if k not in ("title", "description")}
            if not schema.get("default"):  # an absent parameter's "" / None / false says nothing
                schema.pop("default", None)
            parameters.append({"name": key, "in": "query", "required": False, "schema": _openapi(schema),
                               "description": field.description or ""})
        return parameters


class Paging(Query):
    """A list's page: `limit` (1–200, default 50) and `cursor` (the previous page's next_cursor)."""

    limit: Annotated[int, PlainValidator(_query_limit),
                     WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 200})] = Field(
        50, description="每页条数（1–200，默认50）。 / Page size (1–200, default 50).")
    cursor: query_text() = Field("", description="上一页返回的 next_cursor。 / next_cursor of the previous page.")


# ------------------------------------------------------------------ answers

# A time as the API writes it (ISO 8601 with offset; the serializer formats it) and a date (YYYY-MM-DD).
DateTimeText = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
DateText = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]


class Answer(BaseModel):
    """An object the API answers with: its fields, their types and descriptions, in one place.

    A serializer builds the answer with `Model.of(**fields)`: the dict it returns is the JSON. While
    testing the fields are validated against the model (a missing, extra or mistyped field fails);
    in production they are returned as given (no cost per row). The document takes the model's schema.
    """

    # extra="forbid" while testing only: the document leaves objects open (the contract: fields may be added).
    model_config = ConfigDict(extra="forbid", json_schema_extra=lambda schema: schema.pop("additionalProperties", None))

    @classmethod
    def of(cls, **fields) -> dict:
        if has_app_context() and current_app.testing:
            cls.model_validate(fields)
        return fields
