"""Request payloads and answers as pydantic models: one schema per payload both validates it and describes it.

A payload class lists its fields with the types below; `Payload.parse(data)` checks a JSON body
(or a form's data, which arrives as the same dict) and returns the typed value, or raises
PayloadError with a message per field in the user's language. The OpenAPI document of /api/v1
takes each payload's JSON Schema from `openapi_schema()`, so what is documented is what is checked.

Messages: `messages` maps a field to what the user reads when that field is wrong,
"<field>:too_long" to the message for a value over its limit and "<field>:<pydantic error type>"
to one for that kind of error; a validator that knows better raises `refuse(message)`. Anything
left over gets a plain message by kind.
"""
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from flask import current_app, has_app_context
from flask_babel import gettext as _
from annotated_types import Ge, Le
from pydantic import (
    BaseModel, BeforeValidator, ConfigDict, PlainValidator, Strict, StringConstraints, ValidationError,
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
