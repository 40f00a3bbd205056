"""Query strings as an integrator sends them: each operation's query model (app.api.common.parse_query)
refuses unknown parameters, NUL characters, wrong integers, choices and booleans, and limits out of
1–200, with the messages and codes pinned here; every parameter the document lists is accepted."""
import pytest

from app.accounts.models import Role
from app.tickets.models import STATUSES

API = "/api/v1"


@pytest.fixture
def manager(api, db_session):
    client, _user, headers = api(Role.MANAGER)

    def get(url):
        return client.get(API + url, headers=headers)

    return get


def error_of(response, status=400) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert list(body) == ["error"]
    return body["error"]


def test_unknown_parameters_are_named_each(manager):
    error = error_of(manager("/tickets?size=2&colour=red&status=submitted"))
    assert (error["code"], error["message"]) == ("bad_request", "不支持的查询参数。")
    assert error["fields"] == {"colour": "未知参数。", "size": "未知参数。"}


def test_an_operation_without_parameters_knows_none_not_even_paging(manager):
    assert error_of(manager("/me?limit=5"))["fields"] == {"limit": "未知参数。"}


def test_a_nul_character_is_refused(manager):
    error = error_of(manager("/companies?q=a%00b"))
    assert (error["code"], error["message"], error["fields"]) == ("bad_request", "参数取值无效。",
                                                                  {"q": "不能包含 NUL 字符。"})


@pytest.mark.parametrize("value", ["abc", "1.5", "2147483648", "-2147483648", "１２"])
def test_a_wrong_integer_is_refused(manager, value):
    error = error_of(manager(f"/tickets?company_id={value}"))
    assert (error["code"], error["message"], error["fields"]) == ("bad_request", "参数格式不正确。",
                                                                  {"company_id": "应为整数。"})


@pytest.mark.parametrize("value", ["", "-3", "2147483647"])
def test_an_empty_or_unknown_id_filters_nothing_or_finds_nothing(manager, value):
    response = manager(f"/tickets?company_id={value}&department_id=")
    assert response.status_code == 200 and response.get_json()["items"] == []


def test_a_wrong_choice_lists_the_choices(manager):
    error = error_of(manager("/tickets?status=open"))
    assert (error["code"], error["message"]) == ("bad_request", "参数取值无效。")
    assert error["fields"] == {"status": "可选值：" + ", ".join(STATUSES) + "。"}


@pytest.mark.parametrize("value, status", [("maybe", 400), ("TRUE", 200), ("0", 200), ("", 200)])
def test_a_boolean_is_true_or_false(manager, value, status):
    response = manager(f"/tickets?overdue={value}")
    assert response.status_code == status
    if status == 400:
        assert error_of(response)["fields"] == {"overdue": "应为 true 或 false。"}


@pytest.mark.parametrize("url", ["/tickets", "/tickets?q=厂房", "/companies", "/departments", "/knowledge"])
@pytest.mark.parametrize("limit", ["0", "201", "abc", "", "+5", "1.0"])
def test_limit_outside_1_to_200_is_refused_on_every_list_and_search(manager, url, limit):
    joined = "&" if "?" in url else "?"
    error = error_of(manager(f"{url}{joined}limit={limit}"))
    assert (error["code"], error["message"], error["fields"]) == (
        "bad_request", "limit 必须是 1 到 200 之间的整数。", {"limit": "1–200 之间的整数。"})


@pytest.mark.parametrize("limit", ["1", "200"])
def test_limit_edges_are_accepted(manager, limit):
    assert manager(f"/tickets?limit={limit}").status_code == 200


@pytest.mark.parametrize("url, name", [("/tickets?q=", "q"), ("/knowledge?q=", "q")])
def test_search_words_over_100_characters_are_refused(manager, url, name):
    error = error_of(manager(url + "字" * 101))
    assert (error["code"], error["fields"]) == ("validation_error", {name: "最多 100 个字符。"})
    assert manager(url + "字" * 100).status_code == 200


def test_a_ranking_period_is_checked_as_on_the_pages(manager):
    error = error_of(manager("/rankings/escorts?start=2026-01-01"))
    assert (error["code"], error["fields"]) == ("validation_error", {"end": "请填写结束日期。"})
    assert "period" in error_of(manager("/rankings/towns?period=last-year"))["fields"]
    error = error_of(manager("/rankings/publications?board=cities"))
    assert (error["code"], error["fields"]) == ("validation_error", {"board": "没有这个榜单。"})


def test_removing_a_tag_needs_its_name(api, make, db_session):
    from tests.tickets.helpers import World

    world = World(make)
    ticket = world.new_ticket()
    client, _user, headers = api(user=world.manager)
    error = error_of(client.delete(f"{API}/tickets/{ticket.id}/tags?name=%20", headers=headers))
    assert (error["code"], error["fields"]) == ("validation_error", {"name": "请填写标签。"})


VALUES = {"period": "2026-06", "start": "2026-06-01", "end": "2026-06-30", "limit": "200"}


def _example(parameter: dict) -> str | None:
    schema = parameter["schema"]
    if parameter["name"] in VALUES:
        return VALUES[parameter["name"]]
    if "enum" in schema:
        return schema["enum"][0]
    return {"integer": "1", "boolean": "true", "string": "x"}.get(schema["type"])


def test_every_documented_query_parameter_is_accepted_together(app, api, db_session):
    client, _user, headers = api(Role.ADMIN)
    doc = client.get(f"{API}/openapi.json").get_json()
    checked = 0
    for path, item in doc["paths"].items():
        operation = item.get("get")
        query = [p for p in (operation or {}).get("parameters", []) if p["in"] == "query" and p["name"] != "cursor"]
        if not query or "{" in path:
            continue
        url = path.removeprefix(API) + "?" + "&".join(f"{p['name']}={_example(p)}" for p in query)
        response = client.get(API + url, headers=headers)
        assert response.status_code == 200, (url, response.get_json())
        checked += 1
    assert checked >= 6
