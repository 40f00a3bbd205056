"""The OpenAPI 3 document of /api/v1, assembled from the operations the API's modules declare.

Each view declares its route and texts with @operation (app/api/blueprint.py), next to its code:
the query parameters are its query model's fields, the request body its payload model's schema
and the answer its answer model's (app/api/answers.py), the models that also check them. This
module adds the path parameters (from the rule), the error answers, the list wrapper, the ticket
actions' union and the tags, and serves the result at GET /api/v1/openapi.json and as a page at
GET /api/v1/docs. A test walks app.url_map: a route without an operation fails it; a fuzzer
(schemathesis) checks every answer against these schemas.

Descriptions are in Chinese and English, as integrators of both kinds read them.
"""
import json
import re
from functools import cache

from flask import render_template, request
from flask_babel import gettext as _

from app.api.blueprint import OPERATIONS, Operation, operation
from app.api.common import parse_query
from app.common_problems import services as common_services
from app.core.payloads import INT32_MAX, openapi_schema
from app.tickets import services as ticket_services


# ------------------------------------------------------------------ schema helpers

def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def listing(item: str) -> dict:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": ref(item)},
            "next_cursor": {"type": "string", "nullable": True,
                            "description": "下一页的游标；没有更多时为 null。 / Cursor of the next page; null on the last one."},
        },
        "required": ["items", "next_cursor"],
        "description": f"{item} 列表（游标分页）。 / A page of {item} objects (cursor pagination).",
    }


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {
        "type": "object",
        "properties": {
            "code": {"type": "string",
                     "description": "snake_case 错误码，如 validation_error、forbidden。 / snake_case code."},
            "message": {"type": "string", "description": "给人看的说明。 / Human-readable message."},
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "字段 → 错误说明（400 时给出）。 / Field → message (with 400)."},
        },
        "required": ["code", "message"],
    }},
    "required": ["error"],
    "description": "所有错误的统一形状，绝不返回 HTML 或堆栈。 / The shape of every error; never HTML, never a stack trace.",
}


def _action_schema_name(action: str) -> str:
    return "Action" + "".join(part.capitalize() for part in action.split("_"))


@cache
def schemas() -> dict:
    """The component schemas: the error, each operation's answer (and page of them) and body, and the ticket
    actions (one schema per action's payload, chosen by `action`)."""
    components: dict = {"Error": ERROR_SCHEMA}
    for op in OPERATIONS.values():
        if op.answer is not None:
            components[op.answer.__name__] = openapi_schema(op.answer, components)
            if op.paged:
                components[op.ok] = listing(op.answer.__name__)
        if op.body is not None and not isinstance(op.body, str):
            components[op.body_name] = openapi_schema(op.body, components)
    for action, (payload, _run) in ticket_services.ACTIONS.items():
        components[_action_schema_name(action)] = openapi_schema(payload, components)
    components["TicketAction"] = {
        "oneOf": [ref(_action_schema_name(a)) for a in ticket_services.ACTIONS],
        "discriminator": {"propertyName": "action",
                          "mapping": {a: ref(_action_schema_name(a))["$ref"] for a in ticket_services.ACTIONS}},
        "description": "一个状态机操作及其字段。 / One state-machine action and its fields.",
    }
    components["CommonProblemAction"] = {
        "oneOf": [ref(_action_schema_name(a)) for a in common_services.ACTIONS],
        "description": "问题操作中的交办（可含协办部门）、签收、退回、答复、延期、督办与协办签收、协办意见，带共性问题的 "
                       "version。 / The ticket actions dispatch (with co_departments), sign, return, reply, "
                       "request_extension, decide_extension, supervise, co_sign and co_opinion, with the common "
                       "problem's version.",
    }
    return components


# ------------------------------------------------------------------ error answers

ERRORS = {
    400: ("BadRequest", "请求有误：未知的查询参数、无效的 JSON 或字段（`fields` 逐项说明）。 / "
                        "Invalid request: unknown query "
                        "parameter, malformed JSON or invalid fields (`fields` says which)."),
    401: ("Unauthorized", "缺少、无效、已吊销或已过期的令牌，或账号已停用。 / "
                          "Missing, invalid, revoked or expired token, "
                          "or a deactivated account."),
    403: ("Forbidden", "您的角色不能执行此操作。 / The caller's role may not do this."),
    404: ("NotFound", "不存在，或不在调用者的可见范围内。 / No such object, or not in the caller's scope."),
    409: ("Conflict", "当前状态不允许该操作，或 version 已过期。 / "
                      "Not allowed in the current state, or a stale version."),
    413: ("PayloadTooLarge", "请求体过大。 / Request body too large."),
    415: ("UnsupportedMediaType", "请求体必须是 application/json。 / The body must be application/json."),
    429: ("TooManyRequests", "请求过于频繁（与登录表单相同的限制）。 / Rate limited (as the login form)."),
}


# ------------------------------------------------------------------ tags and path parameters

TAGS = [
    {"name": "auth", "description": "令牌与当前用户 / Tokens and the current user"},
    {"name": "companies", "description": "企业 / Companies"},
    {"name": "departments", "description": "职能部门 / Departments"},
    {"name": "tickets", "description": "问题（工单）及其状态机 / Problems (tickets) and their state machine"},
    {"name": "saved-views", "description": "问题列表保存的视图 / Saved views of the problem list"},
    {"name": "visits", "description": "走访 / Visits"},
    {"name": "knowledge", "description": "政策问答 / Knowledge base of published answers"},
    {"name": "rankings", "description": "晾晒比拼排名 / Rankings"},
    {"name": "webhooks", "description": "事件订阅（出站 Webhook） / Event subscriptions (outbound webhooks)"},
    {"name": "reference", "description": "本文档 / This document"},
]

PATH_PARAMS = {
    "company_id": "企业编号 / Company id",
    "ticket_id": "问题编号 / Ticket id",
    "visit_id": "走访编号 / Visit id",
    "webhook_id": "订阅编号 / Subscription id",
    "common_problem_id": "共性问题编号 / Common problem id",
    "saved_view_id": "视图编号 / Saved view id",
}


# ------------------------------------------------------------------ assembling the document

RULE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_path(rule: str) -> str:
    """/api/v1/tickets/<int:ticket_id> → /api/v1/tickets/{ticket_id}"""
    return RULE_PARAM.sub(lambda m: "{" + m.group(2) + "}", rule)


def _path_params(rule: str) -> list[dict]:
    params = []
    for converter, name in RULE_PARAM.findall(rule):
        schema = {"type": "integer", "minimum": 1, "maximum": INT32_MAX} if converter == "int" else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema,
                       "description": PATH_PARAMS.get(name, name)})
    return params


def _statuses(op: Operation) -> list[int]:
    statuses = set(op.errors)
    if not op.public:
        statuses.add(401)
    if RULE_PARAM.search(op.rule):
        statuses.add(404)
    return sorted(statuses)


def _ok_response(op: Operation) -> dict:
    if op.media == "text/html":
        return {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}
    schema = ref(op.ok) if op.ok else {"type": "object", "description": "OpenAPI 3 document"}
    return {"description": "成功 / OK", "content": {"application/json": {"schema": schema}}}


def _operation(op: Operation) -> dict:
    document_op = {
        "operationId": op.operation_id,
        "tags": [op.tag],
        "summary": op.summary,
        "description": op.description,
        "parameters": _path_params(op.rule) + (op.query.openapi_parameters() if op.query else []),
        "responses": {str(op.status): _ok_response(op)},
    }
    for status in _statuses(op):
        document_op["responses"][str(status)] = {"$ref": f"#/components/responses/{ERRORS[status][0]}"}
    if op.body:
        content = {"schema": ref(op.body_name)}
        if op.example is not None:
            content["example"] = op.example
        document_op["requestBody"] = {"required": True, "content": {"application/json": content}}
    if op.public:
        document_op["security"] = []
    return document_op


@cache
def document() -> dict:
    paths: dict = {}
    for op in OPERATIONS.values():
        paths.setdefault(openapi_path(op.rule), {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Peipao 陪跑 API",
            "version": "1",
            "description": (
                "助企陪跑平台的集成接口。JSON 进出，UTF-8；时间为带时区偏移的 ISO 8601，日期为 YYYY-MM-DD。"
                "认证：`Authorization: Bearer <token>`（POST /api/v1/tokens 或个人设置页获取）。"
                "权限和可见范围与网页完全相同：范围外的对象为 404，角色不能执行的操作为 403。"
                "列表用 `limit`（1–200）和 `cursor` 分页；未知的查询参数为 400。\n\n"
                "The integration API of Peipao. JSON in and out, UTF-8; times ISO 8601 with offset, dates "
                "YYYY-MM-DD. Auth: `Authorization: Bearer <token>` (from POST /api/v1/tokens or the profile "
                "page). Permissions and scoping are exactly the web UI's: an object outside the caller's scope "
                "is 404, an action the role may not take is 403. Lists page with `limit` (1–200) and `cursor`; "
                "an unknown query parameter is a 400."
            ),
        },
        "tags": TAGS,
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "responses": {
                name: {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
                for name, text in ERRORS.values()
            },
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "个人访问令牌 / Personal access token (pp_…)"},
            },
        },
        "security": [{"bearerAuth": []}],
    }


# ------------------------------------------------------------------ the reference page's view of it

def _resolve(schema: dict) -> tuple[str | None, dict]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return name, schemas()[name]
    return None, schema


def type_label(schema: dict) -> str:
    """A short human label: "Ticket", "array of Ticket", "string: a | b", "integer | null"."""
    name, resolved = _resolve(schema)
    if name:
        return name
    if "anyOf" in schema or "oneOf" in schema:
        label = " | ".join(type_label(s) for s in schema.get("anyOf") or schema.get("oneOf"))
    elif schema.get("type") == "array":
        label = f"array of {type_label(schema['items'])}"
    elif "enum" in schema:
        label = " | ".join(schema["enum"])
    else:
        label = schema.get("type", "any")
        if schema.get("format"):
            label += f" ({schema['format']})"
    if schema.get("nullable"):
        label += " | null"
    return label


def field_rows(schema: dict) -> list[dict]:
    _name, resolved = _resolve(schema)
    required = set(resolved.get("required", ()))
    rows = []
    for key, prop in resolved.get("properties", {}).items():
        limits = [f"{k} {prop[k]}" for k in ("minimum", "maximum", "minLength", "maxLength") if k in prop]
        rows.append({"name": key, "type": type_label(prop), "required": key in required,
                     "description": prop.get("description", ""), "limits": ", ".join(limits)})
    return rows


def _curl(op: Operation, path: str, base: str) -> str:
    example_path = re.sub(r"\{\w+\}", "1", path)
    lines = [f'curl -X {op.method} "{base}{example_path}"']
    if not op.public:
        lines.append('  -H "Authorization: Bearer $TOKEN"')
    if op.body:
        lines.append('  -H "Content-Type: application/json"')
        lines.append("  -d '" + json.dumps(op.example or {}, ensure_ascii=False) + "'")
    return " \\\n".join(lines)


def reference(base: str) -> dict:
    """What the reference page shows, grouped by tag, from the same data as the document."""
    doc = document()
    groups = {tag["name"]: {"tag": tag, "operations": []} for tag in TAGS}
    for spec in OPERATIONS.values():
        path = openapi_path(spec.rule)
        op = doc["paths"][path][spec.method.lower()]
        body = None
        if spec.body:
            variants = [_resolve(v) for v in schemas()[spec.body_name].get("oneOf", [])]
            body = {"name": spec.body_name, "rows": field_rows(ref(spec.body_name)),
                    "variants": [{"name": n, "description": s.get("description", ""), "rows": field_rows(s)}
                                 for n, s in variants]}
        groups[spec.tag]["operations"].append({
            "id": spec.operation_id, "method": spec.method, "path": path, "summary": spec.summary,
            "description": spec.description, "public": spec.public,
            "params": [{"name": p["name"], "in": p["in"], "type": type_label(p["schema"]), "required": p["required"],
                        "description": p.get("description", "")} for p in op["parameters"]],
            "body": body,
            "responses": [{"status": status, "schema": spec.ok if status == str(spec.status) else "Error",
                           "description": (ERRORS[int(status)][1] if status != str(spec.status) else
                                           op["responses"][status]["description"])}
                          for status in op["responses"]],
            "curl": _curl(spec, path, base),
        })
    components = [{"name": name, "description": s.get("description", ""), "rows": field_rows(s),
                   "variants": [n for n, _s in (_resolve(v) for v in s.get("oneOf", []))]}
                  for name, s in schemas().items()]
    return {"info": doc["info"], "groups": [g for g in groups.values() if g["operations"]], "schemas": components}


# ------------------------------------------------------------------ routes

@operation(
    "GET", "/openapi.json", "getOpenApi", tag="reference", summary="本文档 · This document",
    description=(
        "OpenAPI 3 文档，无需令牌。\n\nThe OpenAPI 3 document; no token needed."),
    answer=None, errors=(400,), public=True,
)
def openapi_document():
    parse_query()
    return document()


@operation(
    "GET", "/docs", "getDocs", tag="reference", summary="接口参考页 · Reference page",
    description=(
        "本文档的可读版本（HTML），无需令牌。\n\nThis document as a readable HTML page; no token needed."),
    answer=None, errors=(400,), public=True, media="text/html",
)
def reference_page():
    parse_query()
    return render_template("api/docs.html", ref=reference(request.host_url.rstrip("/")),
                           schema_names=set(schemas()), title=_("接口参考"))
