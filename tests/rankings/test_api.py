"""GET /api/v1/rankings/{escorts,departments,towns}: the contract, staff only, errors with fields."""
import pytest

from tests.rankings.fixture import build

ITEM_KEYS = {"rank", "previous_rank", "metrics", "score", "yellow_card", "ranked", "sample_too_small", "cases"}


@pytest.fixture
def district(make):
    return build(make)


def test_escort_ranking_by_api(district, api):
    client, _user, headers = api("helper")
    response = client.get("/api/v1/rankings/escorts?period=2026-06", headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["period"], body["start"], body["end"], body["previous_period"]) == (
        "2026-06", "2026-06-01", "2026-06-30", "2026-05")
    assert body["min_cases"] == 3 and body["weights"]["satisfaction"] == 25
    first, second = body["items"][:2]
    assert set(first) == ITEM_KEYS | {"escort"}
    # Numbers as worked out in test_metrics.py; rates are fractions.
    assert first == {
        "rank": 1, "previous_rank": None, "escort": {"id": district.escorts["E1"].id, "name": "陪跑员甲"},
        "metrics": {"visit_coverage": 0.6667, "problems_collected": 3, "on_time_handling": 0.7143,
                    "satisfaction": 1.0, "avg_close_days": 3.0, "reopen_rate": 0.0},
        "score": 86.1, "yellow_card": False, "ranked": True, "sample_too_small": False, "cases": 6,
    }
    assert (second["escort"]["name"], second["rank"], second["score"], second["yellow_card"]) == ("陪跑员乙", 2, 65.6, True)
    assert body["provisional"] is False  # June is over
    unranked = {i["escort"]["name"]: i for i in body["items"][2:]}
    assert unranked["陪跑员丙"]["ranked"] is False and unranked["陪跑员丙"]["rank"] is None
    # Too little data: no score, never a made-up one.
    assert unranked["陪跑员丙"]["score"] is None and unranked["陪跑员丙"]["sample_too_small"] is True
    assert unranked["陪跑员丙"]["metrics"]["visit_coverage"] is None
    assert "陪跑员丁" not in unranked


def test_department_and_town_rankings_by_api(district, api):
    client, _user, headers = api("escort")
    body = client.get("/api/v1/rankings/departments?period=2026-06", headers=headers).get_json()
    top = body["items"][0]
    assert top["department"] == {"id": district.departments["D2"].id, "name": "部门二"}
    assert (top["rank"], top["score"]) == (1, 91.3)
    assert (top["metrics"]["overdue_count"], top["metrics"]["satisfaction"]) == (1, None)
    body = client.get("/api/v1/rankings/towns?start=2026-06-01&end=2026-06-30", headers=headers).get_json()
    assert body["period"] == "2026-06-01..2026-06-30" and body["previous_period"] == "2026-05-02..2026-05-31"
    assert body["items"][0]["town"]["name"] == "一镇"
    assert body["items"][0]["metrics"] == {"visit_coverage": 0.6667, "closure_rate": 0.5}


def test_default_period_is_the_current_month(api):
    from app.core.timeutil import local_today

    client, _user, headers = api("manager")
    body = client.get("/api/v1/rankings/escorts", headers=headers).get_json()
    assert body["period"] == local_today().strftime("%Y-%m")
    assert body["provisional"] is True  # the running month: no yellow cards yet
    assert not any(item["yellow_card"] for item in body["items"])


@pytest.mark.parametrize("query,field", [
    ("period=2026-13", "period"),
    ("period=2026-Q5", "period"),
    ("period=yesterday", "period"),
    ("period=2026-06-30..2026-06-01", "end"),
    ("start=2026-06-01&end=2026-6-30", "end"),
    ("end=2026-06-30", "start"),
    ("period=1999-01", "period"),
])
def test_a_bad_period_is_a_400_with_fields(api, query, field):
    client, _user, headers = api("manager")
    response = client.get(f"/api/v1/rankings/escorts?{query}", headers=headers)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"]


def test_unknown_parameter_and_missing_token(api):
    client, _user, headers = api("manager")
    response = client.get("/api/v1/rankings/towns?month=2026-06", headers=headers)
    assert response.status_code == 400 and "month" in response.get_json()["error"]["fields"]
    assert client.get("/api/v1/rankings/escorts").status_code == 401
