"""The OpenAPI 3 document of /api/v1, kept as Python data next to the routes it describes.

Every request body is the JSON Schema of the payload class that validates it (PAYLOADS, and one
per ticket action from tickets.services.ACTIONS); the answers' schemas are still written here.
OPERATIONS maps (method, Flask rule) to what the operation takes and answers; document()
adds the path parameters (from the rule), the error answers and the shared schemas, and
is served at GET /api/v1/openapi.json and rendered at GET /api/v1/docs. A test walks
app.url_map: a route without an operation, or an operation without a route, fails it; a
fuzzer (schemathesis) checks every answer against these schemas.

Descriptions are in Chinese and English, as integrators of both kinds read them.
"""
import json
import re
from functools import cache

from flask import render_template, request
from flask_babel import gettext as _

from app.accounts import schemas as account_schemas
from app.api import answers
from app.api.blueprint import bp
from app.api.common import check_query_params
from app.common_problems import schemas as common_schemas
from app.common_problems import services as common_services
from app.companies import schemas as company_schemas
from app.companies.models import CATEGORIES as COMPANY_CATEGORIES
from app.core.payloads import openapi_schema
from app.notify import schemas as notify_schemas
from app.rankings import schemas as ranking_schemas
from app.tickets import schemas as ticket_schemas
from app.tickets import services as ticket_services
from app.tickets.models import CATEGORIES, STATUSES
from app.visits import schemas as visit_schemas

PREFIX = "/api/v1"
INT32_MAX = 2**31 - 1


# ------------------------------------------------------------------ schema helpers

def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def enum(values, description: str = "") -> dict:
    schema = {"type": "string", "enum": list(values)}
    if description:
        schema["description"] = description
    return schema


def obj(properties: dict, required=(), description: str = "") -> dict:
    """An object schema; `required` lists the keys always present (more may be added later)."""
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def listing(item: str) -> dict:
    return obj(
        {"items": {"type": "array", "items": ref(item)},
         "next_cursor": nullable({"type": "string", "description": "下一页的游标；没有更多时为 null。 / "
                                                                   "Cursor of the next page; null on the last one."})},
        ("items", "next_cursor"),
        f"{item} 列表（游标分页）。 / A page of {item} objects (cursor pagination).",
    )


ID = {"type": "integer", "minimum": 1, "maximum": INT32_MAX}
DATE = {"type": "string", "format": "date"}


# ------------------------------------------------------------------ component schemas

SCHEMAS: dict = {
    "Error": obj(
        {"error": obj(
            {"code": {"type": "string",
                      "description": "snake_case 错误码，如 validation_error、forbidden。 / snake_case code."},
             "message": {"type": "string", "description": "给人看的说明。 / Human-readable message."},
             "fields": {"type": "object", "additionalProperties": {"type": "string"},
                        "description": "字段 → 错误说明（400 时给出）。 / Field → message (with 400)."}},
            ("code", "message"))},
        ("error",),
        "所有错误的统一形状，绝不返回 HTML 或堆栈。 / The shape of every error; never HTML, never a stack trace.",
    ),
}

for _name in ("Company", "Department", "Ticket", "TicketEvent", "Visit", "Webhook", "WebhookDelivery"):
    SCHEMAS[f"{_name}List"] = listing(_name)

SCHEMAS["KnowledgeList"] = listing("Knowledge")

# Answers built from models (app/api/answers.py): each serializer fills its model.
for _name, _answer in answers.ANSWERS.items():
    SCHEMAS[_name] = openapi_schema(_answer, SCHEMAS)


# Request bodies: each payload's own schema (the one that validates it).
PAYLOADS = {"TokenRequest": account_schemas.TokenRequest, "CompanyCreate": company_schemas.CompanyCreate,
            "TicketCreate": ticket_schemas.TicketCreate, "CommentCreate": ticket_schemas.CommentCreate,
            "TagCreate": ticket_schemas.TagCreate, "SavedViewCreate": ticket_schemas.SavedViewCreate,
            "SavedViewRename": ticket_schemas.SavedViewRename, "VisitCreate": visit_schemas.VisitCreate,
            "RankingPublicationCreate": ranking_schemas.RankingPublicationCreate,
            "WebhookCreate": notify_schemas.WebhookCreate,
            "CommonProblemCreate": common_schemas.CommonProblemCreate,
            "CommonProblemMembers": common_schemas.CommonProblemMembers}
for _name, _payload in PAYLOADS.items():
    SCHEMAS[_name] = openapi_schema(_payload, SCHEMAS)


# Ticket actions: one schema per action (its payload class), chosen by the `action` field.
def _action_schema_name(action: str) -> str:
    return "Action" + "".join(part.capitalize() for part in action.split("_"))


for _action, (_payload, _run) in ticket_services.ACTIONS.items():
    SCHEMAS[_action_schema_name(_action)] = openapi_schema(_payload, SCHEMAS)
SCHEMAS["TicketAction"] = {
    "oneOf": [ref(_action_schema_name(a)) for a in ticket_services.ACTIONS],
    "discriminator": {"propertyName": "action",
                      "mapping": {a: ref(_action_schema_name(a))["$ref"] for a in ticket_services.ACTIONS}},
    "description": "一个状态机操作及其字段。 / One state-machine action and its fields.",
}
SCHEMAS["CommonProblemAction"] = {
    "oneOf": [ref(_action_schema_name(a)) for a in common_services.ACTIONS],
    "description": "问题操作中的交办（可含协办部门）、签收、退回、答复、延期、督办与协办签收、协办意见，带共性问题的 "
                   "version。 / The ticket actions dispatch (with co_departments), sign, return, reply, "
                   "request_extension, decide_extension, supervise, co_sign and co_opinion, with the common "
                   "problem's version.",
}


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


# ------------------------------------------------------------------ operations

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


def query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PAGING = [
    query("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
          "每页条数（1–200，默认50）。 / Page size (1–200, default 50)."),
    query("cursor", {"type": "string"}, "上一页返回的 next_cursor。 / next_cursor of the previous page."),
]
PERIOD = [
    query("period", {"type": "string"},
          "统计期：YYYY-MM（月，默认本月）、YYYY-Qn（季度）或 YYYY-MM-DD..YYYY-MM-DD。 / "
          "Period: YYYY-MM (month, default this month), YYYY-Qn or YYYY-MM-DD..YYYY-MM-DD."),
    query("start", DATE, "自定义区间开始（与 end 同用）。 / Custom range start (with end)."),
    query("end", DATE, "自定义区间结束。 / Custom range end."),
]
PATH_PARAMS = {
    "company_id": "企业编号 / Company id",
    "ticket_id": "问题编号 / Ticket id",
    "visit_id": "走访编号 / Visit id",
    "webhook_id": "订阅编号 / Subscription id",
    "common_problem_id": "共性问题编号 / Common problem id",
    "saved_view_id": "视图编号 / Saved view id",
}


def operation(op_id, tag, summary, description, *, ok, status=200, errors=(), params=(), body=None,
              body_example=None, public=False, media="application/json") -> dict:
    """One operation. `ok` names the success schema; `errors` the error statuses besides 401 (added when
    a token is needed) and 404 (added for paths with an id)."""
    return {"operationId": op_id, "tag": tag, "summary": summary, "description": description, "ok": ok,
            "status": status, "errors": tuple(errors), "params": list(params), "body": body,
            "body_example": body_example, "public": public, "media": media}


OPERATIONS: dict[tuple[str, str], dict] = {
    ("POST", f"{PREFIX}/tokens"): operation(
        "createToken", "auth", "用用户名和密码换取令牌 · Get a token",
        "用户名和密码正确时返回一个新令牌（只显示这一次）及其到期时间；与登录表单一样限制频率。令牌也可在个人设置页创建和吊销。\n\n"
        "Returns a new bearer token (shown once) and its expiry when the username and password are right; "
        "rate-limited like the login form. Tokens can also be created and revoked on the profile page. "
        "An account that must still change its initial or reset password gets 403 "
        "(`password_change_required`) until it has done so on the web.",
        ok="TokenCreated", status=201, errors=(400, 401, 403, 413, 415, 429), body="TokenRequest", public=True,
        body_example={"username": "escort01", "password": "••••••••", "name": "热线系统"},
    ),
    ("GET", f"{PREFIX}/me"): operation(
        "getMe", "auth", "当前用户 · The caller",
        "令牌所属用户的编号、姓名、角色及所属企业或部门。\n\n"
        "The token's user: id, name, role and company or department.",
        ok="Me", errors=(400,),
    ),
    ("GET", f"{PREFIX}/companies"): operation(
        "listCompanies", "companies", "企业列表 · List companies",
        "工作人员可见范围内的企业：管理员和管理者看全部，陪跑员看自己陪跑的，"
        "部门经办人看交办到本部门问题的企业。企业用户 403。\n\n"
        "Companies in the staff caller's scope: all for managers, their own for escorts, those with problems "
        "dispatched to the department for helpers. Company users get 403.",
        ok="CompanyList", errors=(400, 403), params=[
            query("q", {"type": "string"}, "名称或曾用名包含该词，或信用代码为该代码（与页面的企业搜索相同）。 / "
                                           "The name or a former name contains it, or the credit code is it "
                                           "(the pages' company search)."),
            query("category", enum(COMPANY_CATEGORIES), "陪跑类别 / Category"),
            query("town", {"type": "integer"}, "镇街编号 / Town id"),
            query("escort_id", {"type": "integer"}, "陪跑员编号 / Escort id"),
            *PAGING,
        ],
    ),
    ("GET", f"{PREFIX}/companies/<int:company_id>"): operation(
        "getCompany", "companies", "一家企业 · One company",
        "可见范围内的企业及其陪跑员；企业用户只能看本企业。\n\n"
        "A company in scope, with its escort; a company user gets its own.",
        ok="Company", errors=(400,),
    ),
    ("POST", f"{PREFIX}/companies"): operation(
        "createCompany", "companies", "登记企业 · Create a company",
        "管理员、管理者登记企业，规则与页面相同（信用代码校验、不可重复）；可同时指定陪跑员。\n\n"
        "Managers and admins register a company with the page's rules (credit code check, no duplicates), "
        "optionally with its escort.",
        ok="Company", status=201, errors=(400, 403, 413, 415), body="CompanyCreate",
        body_example={"name": "杭州示例精密机械有限公司", "uscc": "91350100M000100Y43", "category": "specialized",
                      "town": "瓜沥镇", "industry": "C", "is_above_scale": True, "annual_revenue": 2500.5,
                      "employees": 88, "escort_id": 12},
    ),
    ("GET", f"{PREFIX}/departments"): operation(
        "listDepartments", "departments", "职能部门 · List departments",
        "在用的职能部门（交办时使用其编号）。仅工作人员。\n\n"
        "Active departments (use their ids to dispatch). Staff only.",
        ok="DepartmentList", errors=(400, 403), params=PAGING,
    ),
    ("GET", f"{PREFIX}/tickets"): operation(
        "listTickets", "tickets", "问题列表 · List tickets",
        "可见范围内的问题：管理者全部；陪跑员为其陪跑企业的；部门为交办本部门的；企业用户为本企业的。\n\n"
        "Problems in the caller's scope: all for managers, their companies' for escorts, the department's "
        "for helpers, its own for a company user.",
        ok="TicketList", errors=(400,), params=[
            query("status", enum(STATUSES), "状态 / Status"),
            query("company_id", {"type": "integer"}, "企业编号 / Company id"),
            query("category", enum(CATEGORIES), "问题类别 / Category"),
            query("department_id", {"type": "integer"}, "承办部门编号 / Department id"),
            query("overdue", {"type": "boolean"}, "仅超期的 / Overdue only"),
            query("q", {"type": "string", "maxLength": 100},
                  "全文搜索：编号、标题、描述、答复和留言中的词（工作人员还包括内部备注），空格分隔的词须全部出现；"
                  "给出时按相关度排序（编号或标题命中的在前，其余在后，各自从新到旧）。 / Full-text search over "
                  "number, title, description, answers and comments (internal notes for staff); every "
                  "space-separated word must occur. When given, results are ranked by relevance (number or "
                  "title matches first, then the rest, newest first within each)."),
            query("tag", {"type": "string", "maxLength": 40},
                  "带有该标签的（仅工作人员；企业用户 400）。 / Carrying this tag (staff only; 400 for company users)."),
            *PAGING,
        ],
    ),
    ("POST", f"{PREFIX}/tickets"): operation(
        "createTicket", "tickets", "提交问题 · Create a ticket",
        "企业用户为本企业提交（company_id 忽略）；陪跑员为其陪跑的企业、管理者为任一企业代报（company_id 必填）。"
        "返回新问题：来源 portal、hotline 的为 submitted（待受理）；来源 visit、escort（陪跑员收集）的由提交人"
        "当即受理，为 accepted（时间线 collect：走访收集并受理），没有受理时限。\n\n"
        "A company user files for its own company (company_id is ignored); an escort for a company they serve, "
        "a manager for any (company_id required). Returns the new ticket: status submitted for sources portal and "
        "hotline; for sources visit and escort (collected by the escort) accepted at once by the filer (timeline "
        "event collect), with no acceptance deadline.",
        ok="Ticket", status=201, errors=(400, 403, 413, 415), body="TicketCreate",
        body_example={"company_id": 7, "title": "厂房用电增容审批慢", "description": "申请增容三个月没有进展。",
                      "category": "energy", "urgency": "urgent"},
    ),
    ("GET", f"{PREFIX}/tickets/<int:ticket_id>"): operation(
        "getTicket", "tickets", "一个问题 · One ticket",
        "问题详情，含调用者此刻可执行的操作（allowed_actions）和 version。\n\n"
        "The ticket, with the actions the caller may take now (allowed_actions) and its version.",
        ok="Ticket", errors=(400,),
    ),
    ("GET", f"{PREFIX}/tickets/<int:ticket_id>/events"): operation(
        "listTicketEvents", "tickets", "问题时间线 · Ticket timeline",
        "按时间顺序的事件；企业用户只看到公开事件。\n\nEvents in order; company users see public events only.",
        ok="TicketEventList", errors=(400,), params=PAGING,
    ),
    ("GET", f"{PREFIX}/knowledge"): operation(
        "listKnowledge", "knowledge", "政策问答 · Knowledge base",
        "已发布的政策问答（问题、答复、答复部门、日期；从不包含提问企业），所有登录用户可查，企业用户也可以。"
        "`q` 中空格分隔的词须全部出现在标题、问题或答复中。\n\n"
        "Published questions and answers (question, answer, department, date; never the asking company), for "
        "every signed-in caller, companies included. Every space-separated word of `q` must occur in the "
        "title, question or answer.",
        ok="KnowledgeList", errors=(400,), params=[
            query("q", {"type": "string", "maxLength": 100}, "搜索词 / Words to find"),
            *PAGING,
        ],
    ),
    ("GET", f"{PREFIX}/tickets/<int:ticket_id>/similar"): operation(
        "listSimilarTickets", "tickets", "相似问题 · Similar problems",
        "调用者可见范围内与该问题最相似的至多 5 个问题（跨企业），含状态、承办部门和答复；仅工作人员（企业用户 403）。"
        "候选由全文索引找出，再按标题和描述的字符 n-gram TF-IDF 余弦相似度排序。\n\n"
        "The (at most 5) problems most like this one within the caller's scope (across companies), with their state, "
        "department and answer; staff only (403 for company users). Candidates come from the full-text "
        "index, ranked by the character n-gram TF-IDF cosine of title and description.",
        ok="SimilarTickets", errors=(400, 403),
    ),
    ("GET", f"{PREFIX}/tickets/<int:ticket_id>/department-suggestions"): operation(
        "listDepartmentSuggestions", "tickets", "建议承办部门 · Department suggestions",
        "至多 3 个建议承办部门，附 0..1 的分数和理由，最佳在前；仅管理者和管理员（其他角色 403）。依据：经办人退回时建议的部门、"
        "已交办的相似问题最终由哪个部门办理（按相似度加权）、同类问题由哪个部门办理（相似问题少时权重更大）；"
        "历史交办足够且经检验优于按类别计数时，分数来自按历史交办训练的部门模型（flask tickets train-departments）。\n\n"
        "At most 3 suggested departments with a score 0..1 and the reason, best first; managers and admins only "
        "(403 otherwise). Evidence: the department a helper suggested when returning the problem, the departments "
        "that kept dispatched similar problems (weighted by similarity), and the category's history (weighing more "
        "while similar problems are few); once history suffices and it beat the category counts on held-out history, "
        "the score comes from the department model trained on past dispatches (flask tickets train-departments).",
        ok="DepartmentSuggestions", errors=(400, 403),
    ),
    ("GET", f"{PREFIX}/common-problems/suggestions"): operation(
        "listCommonProblemSuggestions", "tickets", "疑似共性问题 · Suggested common problems",
        "近 common.window_days 天（默认 90）内提交、尚未答复的问题中（只比较最新的 common.max_candidates 个，默认 200），"
        "标题和描述相似、来自至少 3 家不同企业的问题组；仅管理者和管理员（其他角色 403）。\n\n"
        "Groups of alike problems from at least 3 different companies among those submitted within "
        "common.window_days (default 90) and not yet answered (only the newest common.max_candidates, default 200, "
        "are compared); managers and admins only (403 otherwise).",
        ok="CommonProblemSuggestions", errors=(400, 403),
    ),
    ("POST", f"{PREFIX}/common-problems"): operation(
        "createCommonProblem", "tickets", "创建共性问题 · Create a common problem",
        "管理者或管理员把至少两个尚未交办部门的问题合并为一个共性问题（待交办）；成员问题暂停各自办理。"
        "其他角色 403；问题不存在或不能合并为 400（fields.ticket_ids）。\n\n"
        "A manager or admin groups at least two problems not yet with a department into one common problem "
        "(escalated); the members' own handling is suspended. 403 for other roles; 400 (fields.ticket_ids) when a "
        "problem is unknown or cannot join.",
        ok="CommonProblem", status=201, errors=(400, 403, 413, 415), body="CommonProblemCreate",
        body_example={"title": "一线工人招工难", "ticket_ids": [11, 12, 13]},
    ),
    ("GET", f"{PREFIX}/common-problems/<int:common_problem_id>"): operation(
        "getCommonProblem", "tickets", "一个共性问题 · One common problem",
        "管理者看全部；部门看交办给本部门的；陪跑员看含其陪跑企业问题的（只读）；企业用户 403（企业只看到自己的问题）。\n\n"
        "Managers see all; a helper those dispatched to their department; an escort those holding a problem of "
        "their companies (read-only); company users get 403 (they see only their own member problem).",
        ok="CommonProblem", errors=(400, 403),
    ),
    ("POST", f"{PREFIX}/common-problems/<int:common_problem_id>/members"): operation(
        "addCommonProblemMembers", "tickets", "加入问题 · Add members",
        "管理者或管理员在答复前加入问题（其他角色 403；已答复 409）。\n\n"
        "A manager or admin adds problems before the reply (403 for other roles; 409 once replied).",
        ok="CommonProblem", errors=(400, 403, 409, 413, 415), body="CommonProblemMembers",
        body_example={"ticket_ids": [14]},
    ),
    ("POST", f"{PREFIX}/common-problems/<int:common_problem_id>/actions"): operation(
        "performCommonProblemAction", "tickets", "办理共性问题 · Perform an action",
        "与问题相同的状态机与字段（dispatch（可含 co_departments）、sign、return、reply、request_extension、"
        "decide_extension、supervise，协办部门的 co_sign、co_opinion；有协办部门时，承办部门待意见全部提交或逾期后答复），"
        "带上共性问题当前的 version。reply 送达每个成员问题（各自变为已答复并通知企业），各企业分别评价。"
        "角色不能执行为 403；状态不允许或 version 过期为 409。\n\n"
        "The ticket state machine's actions and fields (dispatch may name co_departments, who co_sign and give a "
        "co_opinion; the lead replies once every opinion is in or overdue), with the common problem's current "
        "version. A reply reaches "
        "every member problem (each becomes replied, its company is notified) and each company rates its own. "
        "403 when the role may never take it; 409 when the state does not allow it or the version is stale.",
        ok="CommonProblem", errors=(400, 403, 409, 413, 415), body="CommonProblemAction",
        body_example={"action": "dispatch", "version": 2, "department_id": 4},
    ),
    ("POST", f"{PREFIX}/tickets/<int:ticket_id>/comments"): operation(
        "addTicketComment", "tickets", "留言或内部备注 · Comment",
        "公开留言（企业可见）；工作人员可写内部备注（internal: true），企业用户不能。\n\n"
        "A public comment (the company sees it); staff may write an internal note (internal: true), company "
        "users may not (403).",
        ok="TicketEvent", status=201, errors=(400, 403, 413, 415), body="CommentCreate",
        body_example={"body": "已电话联系企业，了解详细情况。", "internal": False},
    ),
    ("POST", f"{PREFIX}/tickets/<int:ticket_id>/actions"): operation(
        "performTicketAction", "tickets", "执行操作 · Perform an action",
        "按状态机执行一个操作，带上问题当前的 version。角色不能执行此操作为 403；当前状态不允许或 version 过期为 409；"
        "字段有误为 400。返回更新后的问题。\n\n"
        "Runs one state-machine action, with the ticket's current version. 403 when the role may never take "
        "it; 409 when the state does not allow it or the version is stale; 400 for bad fields. Returns the "
        "updated ticket.",
        ok="Ticket", errors=(400, 403, 409, 413, 415), body="TicketAction",
        body_example={"action": "dispatch", "version": 3, "department_id": 4, "complexity": "ordinary"},
    ),
    ("POST", f"{PREFIX}/tickets/<int:ticket_id>/tags"): operation(
        "addTicketTag", "tickets", "添加标签 · Add a tag",
        "服务该问题的工作人员添加标签（与问题页相同：规范化后去重，每个问题最多 10 个，已有的不重复添加）；企业用户 403，"
        "超过 10 个为 409。返回问题的全部标签。\n\n"
        "Staff serving the problem add a tag (as on the page: normalised, no duplicates, at most 10 a problem; "
        "adding one already there changes nothing). 403 for company users, 409 past 10 tags. Returns all the "
        "problem's tags.",
        ok="TicketTags", status=201, errors=(400, 403, 409, 413, 415), body="TagCreate",
        body_example={"name": "用工"},
    ),
    ("DELETE", f"{PREFIX}/tickets/<int:ticket_id>/tags"): operation(
        "removeTicketTag", "tickets", "删除标签 · Remove a tag",
        "删除 ?name= 指定的标签（规范化后比较）；问题没有该标签为 404；企业用户 403。返回剩余的标签。\n\n"
        "Removes the tag named by ?name= (compared after normalising); 404 when the problem does not carry it; "
        "403 for company users. Returns the remaining tags.",
        ok="TicketTags", errors=(400, 403),
        params=[query("name", {"type": "string", "minLength": 1, "maxLength": 100}, "标签 / Tag")],
    ),
    ("GET", f"{PREFIX}/saved-views"): operation(
        "listSavedViews", "saved-views", "我的视图 · My saved views",
        "调用者自己保存的问题列表视图（名称和筛选条件）；工作人员可用，企业用户 403。\n\n"
        "The caller's own saved views of the problem list (name and conditions); staff only, 403 for company users.",
        ok="SavedViews", errors=(400, 403),
    ),
    ("POST", f"{PREFIX}/saved-views"): operation(
        "createSavedView", "saved-views", "保存视图 · Save a view",
        "把一组问题列表条件以名称保存（与列表页头的“保存当前筛选”相同）：名称为空、过长、与本人已有视图重名，"
        "或已有 20 个视图时为 400。\n\n"
        "Saves a set of problem-list conditions under a name (as the list's 保存当前筛选): an empty, too long or "
        "duplicate name, or a 21st view, is a 400.",
        ok="SavedView", status=201, errors=(400, 403, 413, 415), body="SavedViewCreate",
        body_example={"name": "超期的用工问题", "query": "overdue=y&tag=用工"},
    ),
    ("PATCH", f"{PREFIX}/saved-views/<int:saved_view_id>"): operation(
        "renameSavedView", "saved-views", "重命名视图 · Rename a view",
        "只有视图的主人可以重命名；他人的视图为 404。\n\nOnly the owner renames a view; another person's is a 404.",
        ok="SavedView", errors=(400, 403, 413, 415), body="SavedViewRename", body_example={"name": "超期未办"},
    ),
    ("DELETE", f"{PREFIX}/saved-views/<int:saved_view_id>"): operation(
        "deleteSavedView", "saved-views", "删除视图 · Delete a view",
        "只有视图的主人可以删除；他人的视图为 404。返回剩余的视图。\n\n"
        "Only the owner deletes a view; another person's is a 404. Returns the remaining views.",
        ok="SavedViews", errors=(400, 403),
    ),
    ("GET", f"{PREFIX}/visits"): operation(
        "listVisits", "visits", "走访列表 · List visits",
        "管理者看全部；陪跑员看其陪跑企业的及自己做的走访。部门和企业用户 403。\n\n"
        "All for managers; an escort's companies' and their own for escorts. Helpers and company users get 403.",
        ok="VisitList", errors=(400, 403),
        params=[query("company_id", {"type": "integer"}, "企业编号 / Company id"), *PAGING],
    ),
    ("GET", f"{PREFIX}/visits/<int:visit_id>"): operation(
        "getVisit", "visits", "一次走访 · One visit",
        "可见范围内的一次走访。\n\nA visit in the caller's scope.",
        ok="Visit", errors=(400, 403),
    ),
    ("POST", f"{PREFIX}/visits"): operation(
        "createVisit", "visits", "记录走访 · Log a visit",
        "只有企业当前的陪跑员可以记录；每个 problems 条目成为一张来源为 visit 的问题，全部成功或全部不保存。\n\n"
        "Only the company's current escort; each problem becomes a ticket (source visit). All or nothing.",
        ok="Visit", status=201, errors=(400, 403, 404, 413, 415), body="VisitCreate",
        body_example={"company_id": 7, "visited_on": "2026-11-20", "mode": "on_site", "summary": "了解企业扩产计划。",
                      "problems": [{"title": "缺少研发人才", "description": "需要引进算法工程师。",
                                    "category": "labour"}]},
    ),
    ("GET", f"{PREFIX}/rankings/escorts"): operation(
        "rankEscorts", "rankings", "陪跑员排名 · Escort ranking",
        "统计期内各陪跑员的指标、综合得分、名次（及上期名次）和黄牌。仅工作人员。\n\n"
        "Each escort's metrics, composite score, rank (and last period's) and yellow card. Staff only.",
        ok="EscortRanking", errors=(400, 403), params=PERIOD,
    ),
    ("GET", f"{PREFIX}/rankings/departments"): operation(
        "rankDepartments", "rankings", "职能部门排名 · Department ranking",
        "统计期内各职能部门的办理指标与排名。仅工作人员。\n\nEach department's handling metrics and rank. Staff only.",
        ok="DepartmentRanking", errors=(400, 403), params=PERIOD,
    ),
    ("GET", f"{PREFIX}/rankings/towns"): operation(
        "rankTowns", "rankings", "镇街排名 · Town ranking",
        "统计期内各镇街的指标与排名。仅工作人员。\n\nEach town's metrics and rank. Staff only.",
        ok="TownRanking", errors=(400, 403), params=PERIOD,
    ),
    ("GET", f"{PREFIX}/rankings/publications"): operation(
        "listRankingPublications", "rankings", "已发布的榜单 · Published boards",
        "已发布（冻结）的榜单，可按 board 和 period 筛选；每次更正是一个新版本，旧版本保留。仅工作人员。\n\n"
        "Published (frozen) boards, filtered by board and period; each correction is a new version and the "
        "earlier ones are kept. Staff only.",
        ok="RankingPublications", errors=(400, 403), params=[
            query("board", enum(("escorts", "departments", "towns")), "榜单 / Board"),
            query("period", {"type": "string"}, "统计期，如 2026-06 / Period, e.g. 2026-06"),
        ],
    ),
    ("POST", f"{PREFIX}/rankings/publications"): operation(
        "publishRanking", "rankings", "发布榜单 · Publish a board",
        "专班管理人员或管理员发布一个已结束统计期的榜单：名次、得分、权重和计分规则即冻结。"
        "该统计期已发布过时须填写 reason（更正），生成新版本。统计期未结束为 409。\n\n"
        "A manager or admin freezes a closed period's board (rows, weights, formula). Publishing a period again "
        "is a correction and needs a `reason`; it makes a new version. A period still running is a 409.",
        ok="RankingPublication", status=201, errors=(400, 403, 409, 413, 415), body="RankingPublicationCreate",
        body_example={"board": "escorts", "period": "2026-06"},
    ),
    ("GET", f"{PREFIX}/openapi.json"): operation(
        "getOpenApi", "reference", "本文档 · This document",
        "OpenAPI 3 文档，无需令牌。\n\nThe OpenAPI 3 document; no token needed.",
        ok=None, errors=(400,), public=True,
    ),
    ("GET", f"{PREFIX}/webhooks"): operation(
        "listWebhooks", "webhooks", "事件订阅列表 · List subscriptions",
        "仅系统管理员。\n\nAdmins only.", ok="WebhookList", errors=(400, 403), params=PAGING,
    ),
    ("POST", f"{PREFIX}/webhooks"): operation(
        "createWebhook", "webhooks", "订阅事件 · Subscribe a URL",
        "把一个网址订阅到事件类型。每次投递是 POST {\"event\", \"occurred_at\", \"data\"}，请求头 "
        "X-Peipao-Signature: sha256=<请求体的 HMAC-SHA256 十六进制>，X-Peipao-Delivery（幂等键，重试时不变）；"
        "失败按指数退避重试。内网或本机地址默认拒绝（allow_private 为真时放行）。仅系统管理员。\n\n"
        "Subscribes a URL to event types. Each delivery is a POST of {\"event\", \"occurred_at\", \"data\"} with "
        "X-Peipao-Signature: sha256=<hex HMAC-SHA256 of the body> and X-Peipao-Delivery (an idempotency key, the "
        "same on retries); failures are retried with exponential backoff. Private and loopback addresses are "
        "refused unless allow_private is true. Admins only.",
        ok="Webhook", status=201, errors=(400, 403, 413, 415), body="WebhookCreate",
        body_example={"url": "https://data.example.gov.cn/peipao/events", "events": ["ticket.created", "ticket.rated"],
                      "secret": "a-long-random-shared-secret"},
    ),
    ("GET", f"{PREFIX}/webhooks/<int:webhook_id>/deliveries"): operation(
        "listWebhookDeliveries", "webhooks", "投递记录 · Delivery log",
        "每次投递的状态、尝试次数、最近的状态码和错误，以及每次尝试的记录。仅系统管理员。\n\n"
        "Each delivery's status, attempts, last status code and error, and every attempt. Admins only.",
        ok="WebhookDeliveryList", errors=(400, 403), params=PAGING,
    ),
    ("GET", f"{PREFIX}/docs"): operation(
        "getDocs", "reference", "接口参考页 · Reference page",
        "本文档的可读版本（HTML），无需令牌。\n\nThis document as a readable HTML page; no token needed.",
        ok=None, errors=(400,), public=True, media="text/html",
    ),
}


# ------------------------------------------------------------------ assembling the document

RULE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_path(rule: str) -> str:
    """/api/v1/tickets/<int:ticket_id> → /api/v1/tickets/{ticket_id}"""
    return RULE_PARAM.sub(lambda m: "{" + m.group(2) + "}", rule)


def _path_params(rule: str) -> list[dict]:
    params = []
    for converter, name in RULE_PARAM.findall(rule):
        schema = dict(ID) if converter == "int" else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema,
                       "description": PATH_PARAMS.get(name, name)})
    return params


def _statuses(rule: str, spec: dict) -> list[int]:
    statuses = set(spec["errors"])
    if not spec["public"]:
        statuses.add(401)
    if RULE_PARAM.search(rule):
        statuses.add(404)
    return sorted(statuses)


def _ok_response(spec: dict) -> dict:
    if spec["media"] == "text/html":
        return {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}
    schema = ref(spec["ok"]) if spec["ok"] else {"type": "object", "description": "OpenAPI 3 document"}
    return {"description": "成功 / OK", "content": {"application/json": {"schema": schema}}}


def _operation(rule: str, spec: dict) -> dict:
    op = {
        "operationId": spec["operationId"],
        "tags": [spec["tag"]],
        "summary": spec["summary"],
        "description": spec["description"],
        "parameters": _path_params(rule) + spec["params"],
        "responses": {str(spec["status"]): _ok_response(spec)},
    }
    for status in _statuses(rule, spec):
        op["responses"][str(status)] = {"$ref": f"#/components/responses/{ERRORS[status][0]}"}
    if spec["body"]:
        content = {"schema": ref(spec["body"])}
        if spec["body_example"] is not None:
            content["example"] = spec["body_example"]
        op["requestBody"] = {"required": True, "content": {"application/json": content}}
    if spec["public"]:
        op["security"] = []
    return op


@cache
def document() -> dict:
    paths: dict = {}
    for (method, rule), spec in OPERATIONS.items():
        paths.setdefault(openapi_path(rule), {})[method.lower()] = _operation(rule, spec)
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
            "schemas": SCHEMAS,
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
        return name, SCHEMAS[name]
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


def _curl(method: str, path: str, spec: dict, base: str) -> str:
    example_path = re.sub(r"\{\w+\}", "1", path)
    lines = [f'curl -X {method} "{base}{example_path}"']
    if not spec["public"]:
        lines.append('  -H "Authorization: Bearer $TOKEN"')
    if spec["body"]:
        lines.append('  -H "Content-Type: application/json"')
        lines.append("  -d '" + json.dumps(spec["body_example"] or {}, ensure_ascii=False) + "'")
    return " \\\n".join(lines)


def reference(base: str) -> dict:
    """What the reference page shows, grouped by tag, from the same data as the document."""
    doc = document()
    groups = {tag["name"]: {"tag": tag, "operations": []} for tag in TAGS}
    for (method, rule), spec in OPERATIONS.items():
        path = openapi_path(rule)
        op = doc["paths"][path][method.lower()]
        body = None
        if spec["body"]:
            body_schema = SCHEMAS[spec["body"]]
            variants = [_resolve(v) for v in body_schema.get("oneOf", [])]
            body = {"name": spec["body"], "rows": field_rows(ref(spec["body"])),
                    "variants": [{"name": n, "description": s.get("description", ""), "rows": field_rows(s)}
                                 for n, s in variants]}
        groups[spec["tag"]]["operations"].append({
            "id": spec["operationId"], "method": method, "path": path, "summary": spec["summary"],
            "description": spec["description"], "public": spec["public"],
            "params": [{"name": p["name"], "in": p["in"], "type": type_label(p["schema"]), "required": p["required"],
                        "description": p.get("description", "")} for p in op["parameters"]],
            "body": body,
            "responses": [{"status": status, "schema": spec["ok"] if status == str(spec["status"]) else "Error",
                           "description": (ERRORS[int(status)][1] if status != str(spec["status"]) else
                                           op["responses"][status]["description"])}
                          for status in op["responses"]],
            "curl": _curl(method, path, spec, base),
        })
    schemas = [{"name": name, "description": s.get("description", ""), "rows": field_rows(s),
                "variants": [n for n, _s in (_resolve(v) for v in s.get("oneOf", []))]}
               for name, s in SCHEMAS.items()]
    return {"info": doc["info"], "groups": [g for g in groups.values() if g["operations"]], "schemas": schemas}


# ------------------------------------------------------------------ routes

@bp.get("/openapi.json")
def openapi_document():
    check_query_params(set())
    return document()


@bp.get("/docs")
def reference_page():
    check_query_params(set())
    return render_template("api/docs.html", ref=reference(request.host_url.rstrip("/")),
                           schema_names=set(SCHEMAS), title=_("接口参考"))
