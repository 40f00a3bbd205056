"""Company registry through the pages: create, edit with escort history, filters, scoping, query counts."""
import random
import re

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.companies.models import Company, EscortAssignment
from app.companies.uscc import generate

_rng = random.Random(32100)
VALID = "91350100M000100Y43"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _count(db_session, model=Company) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(model))


def _stored(db_session, **where) -> Company | None:
    db_session.expire_all()
    return db_session.scalars(sa.select(Company).filter_by(**where)).first()


def _assignments(db_session, company) -> list[EscortAssignment]:
    db_session.expire_all()
    return db_session.scalars(
        sa.select(EscortAssignment).where(EscortAssignment.company_id == company.id).order_by(EscortAssignment.id)
    ).all()


@pytest.fixture
def ref(make):
    """A town and an industry the forms can offer."""
    return {"town": make.town(name="瓜沥镇测试"), "industry": make.industry(name="制造业测试")}


def _form(ref, **overrides) -> dict:
    data = {
        "name": "杭州新建测试科技有限公司",
        "uscc": generate(_rng),
        "town_id": ref["town"].id,
        "industry_id": ref["industry"].id,
        "category": "specialized",
        "specialized_tier": "little_giant",
        "annual_revenue": "2600.50",
        "employees": "120",
        "address": "杭州市萧山区瓜沥镇1号",
        "contact_name": "张伟",
        "contact_phone": "13800000000",
        "escort_id": "0",
        "assignment_reason": "",
    }
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def _edit_form(company, ref, **overrides) -> dict:
    data = _form(ref, name=company.name, uscc=company.uscc, category=company.category, specialized_tier="",
                 escort_id=company.escort_id or 0)
    data.update({k: str(v) for k, v in overrides.items()})
    return data


# --- create -------------------------------------------------------------------------------------


def test_manager_creates_a_company_with_an_escort(login_as, make, ref, db_session):
    b, manager = login_as(Role.MANAGER)
    escort = make.user(role=Role.ESCORT, name="李晓明测试")
    response = b.post(
        "/companies/new",
        _form(ref, uscc="91350100m000100y43", escort_id=escort.id, assignment_reason="首批分配", is_above_scale="y"),
    )
    assert response.status_code == 302
    company = _stored(db_session, name="杭州新建测试科技有限公司")
    assert response.headers["Location"] == f"/companies/{company.id}"
    assert company.uscc == "91350100M000100Y43"  # normalised to upper case
    assert company.category == "specialized" and company.specialized_tier == "little_giant"
    assert company.is_above_scale is True
    assert company.escort_id == escort.id
    assert company.town_id == ref["town"].id and company.employees == 120

    [assignment] = _assignments(db_session, company)
    assert (assignment.escort_id, assignment.ended_at, assignment.reason) == (escort.id, None, "首批分配")
    assert assignment.assigned_by_id == manager.id

    detail = b.follow(response)
    assert "企业“杭州新建测试科技有限公司”已添加。" in _text(detail)
    assert "李晓明测试" in _text(detail) and "首批分配" in _text(detail)

    listing = _text(b.get("/companies/"))
    assert "杭州新建测试科技有限公司" in listing and "91350100M000100Y43" in listing


def test_create_without_escort_has_no_assignment(login_as, ref, db_session):
    b, _manager = login_as(Role.MANAGER)
    assert b.post("/companies/new", _form(ref, name="杭州暂未分配有限公司")).status_code == 302
    company = _stored(db_session, name="杭州暂未分配有限公司")
    assert company.escort_id is None
    assert _assignments(db_session, company) == []
    assert "未分配" in _text(b.get(f"/companies/{company.id}"))


def test_admin_may_create_too(login_as, ref, db_session):
    b, _admin = login_as(Role.ADMIN)
    assert b.post("/companies/new", _form(ref, name="杭州管理员新增有限公司")).status_code == 302
    assert _stored(db_session, name="杭州管理员新增有限公司") is not None


@pytest.mark.parametrize("role", [Role.ESCORT, Role.HELPER, Role.COMPANY])
def test_other_roles_cannot_create(login_as, ref, db_session, role):
    b, _user = login_as(role)
    before = _count(db_session)
    assert b.get("/companies/new").status_code == 403
    assert b.post("/companies/new", _form(ref), form_page="/auth/profile").status_code == 403
    assert _count(db_session) == before


def test_create_without_csrf_token_stores_nothing(login_as, ref, db_session):
    b, _manager = login_as(Role.MANAGER)
    before = _count(db_session)
    response = b.post("/companies/new", _form(ref), csrf=False)
    assert response.status_code == 400
    assert _count(db_session) == before


def test_required_fields_are_explained(login_as, ref, db_session):
    b, _manager = login_as(Role.MANAGER)
    before = _count(db_session)
    response = b.post("/companies/new", _form(ref, name="", uscc=""))
    assert response.status_code == 200
    assert "请填写企业名称。" in _text(response)
    assert "请填写统一社会信用代码。" in _text(response)
    assert _count(db_session) == before


# --- credit code through the form ---------------------------------------------------------------


@pytest.mark.parametrize(
    "uscc, message",
    [
        ("91350100M000100Y44", "统一社会信用代码校验位不正确，请核对后重新输入。"),
        ("91350100M000100Y4", "统一社会信用代码应为18位，当前为17位。"),
        ("91350100M000100Y433", "统一社会信用代码应为18位，当前为19位。"),
        ("91350100M000100I43", "统一社会信用代码含有不允许的字符：I（不使用 I、O、S、V、Z）。"),
        ("91350100MO0010OS43", "统一社会信用代码含有不允许的字符：OS（不使用 I、O、S、V、Z）。"),
    ],
    ids=["check-character", "too-short", "too-long", "letter-I", "letters-O-S"],
)
def test_bad_credit_code_is_refused_on_the_page(login_as, ref, db_session, uscc, message):
    b, _manager = login_as(Role.MANAGER)
    before = _count(db_session)
    response = b.post("/companies/new", _form(ref, uscc=uscc))
    assert response.status_code == 200
    assert message in _text(response)
    assert _count(db_session) == before


@pytest.mark.parametrize("typed", [VALID, VALID.lower(), f"  {VALID}  "])
def test_duplicate_credit_code_is_refused(login_as, make, ref, db_session, typed):
    make.company(uscc=VALID, name="杭州先登记有限公司")
    b, _manager = login_as(Role.MANAGER)
    before = _count(db_session)
    response = b.post("/companies/new", _form(ref, uscc=typed))
    assert response.status_code == 200
    assert "该统一社会信用代码已登记，不能重复添加。" in _text(response)
    assert _count(db_session) == before


def test_editing_keeps_own_code_but_refuses_anothers(login_as, make, ref, db_session):
    make.company(uscc=VALID, name="杭州甲企业有限公司")
    other = make.company(name="杭州乙企业有限公司")
    b, _manager = login_as(Role.MANAGER)
    url = f"/companies/{other.id}/edit"
    response = b.post(url, _edit_form(other, ref, uscc=VALID))
    assert "该统一社会信用代码已登记，不能重复添加。" in _text(response)
    assert _stored(db_session, id=other.id).uscc == other.uscc

    assert b.post(url, _edit_form(other, ref, contact_name="王芳")).status_code == 302
    assert _stored(db_session, id=other.id).contact_name == "王芳"


# --- edit and escort history --------------------------------------------------------------------


def test_changing_escort_requires_a_reason(login_as, make, ref, db_session):
    first = make.user(role=Role.ESCORT)
    second = make.user(role=Role.ESCORT)
    company = make.company(escort=first)
    b, _manager = login_as(Role.MANAGER)
    response = b.post(f"/companies/{company.id}/edit", _edit_form(company, ref, escort_id=second.id))
    assert response.status_code == 200
    assert "更换陪跑员时请填写原因。" in _text(response)
    assert _stored(db_session, id=company.id).escort_id == first.id
    assert len(_assignments(db_session, company)) == 1


def test_reassigning_keeps_both_periods_in_the_history(login_as, make, ref, db_session):
    first = make.user(role=Role.ESCORT, name="周志强测试")
    second = make.user(role=Role.ESCORT, name="沈佳慧测试")
    company = make.company(escort=first)
    b, manager = login_as(Role.MANAGER)
    response = b.post(
        f"/companies/{company.id}/edit", _edit_form(company, ref, escort_id=second.id, assignment_reason="工作调动")
    )
    assert response.status_code == 302
    assert _stored(db_session, id=company.id).escort_id == second.id

    old, new = _assignments(db_session, company)
    assert old.escort_id == first.id and old.ended_at is not None
    assert new.escort_id == second.id and new.ended_at is None
    assert new.reason == "工作调动" and new.assigned_by_id == manager.id
    assert old.ended_at <= new.started_at

    page = _text(b.follow(response))
    assert "企业信息已保存。" in page
    assert "周志强测试" in page and "沈佳慧测试" in page and "工作调动" in page


def test_unassigning_closes_the_period(login_as, make, ref, db_session):
    escort = make.user(role=Role.ESCORT)
    company = make.company(escort=escort)
    b, _manager = login_as(Role.MANAGER)
    response = b.post(f"/companies/{company.id}/edit", _edit_form(company, ref, escort_id=0, assignment_reason="企业迁出"))
    assert response.status_code == 302
    assert _stored(db_session, id=company.id).escort_id is None
    [only] = _assignments(db_session, company)
    assert only.ended_at is not None


def test_edit_without_escort_change_needs_no_reason(login_as, make, ref, db_session):
    escort = make.user(role=Role.ESCORT)
    company = make.company(escort=escort)
    b, _manager = login_as(Role.MANAGER)
    page = _text(b.get(f"/companies/{company.id}/edit"))
    assert f'<option selected value="{escort.id}">' in page
    response = b.post(f"/companies/{company.id}/edit", _edit_form(company, ref, name="杭州改名后有限公司"))
    assert response.status_code == 302
    assert _stored(db_session, id=company.id).name == "杭州改名后有限公司"
    assert len(_assignments(db_session, company)) == 1


def test_inactive_escort_cannot_be_chosen(login_as, make, ref, db_session):
    retired = make.user(role=Role.ESCORT, active=False)
    b, _manager = login_as(Role.MANAGER)
    before = _count(db_session)
    response = b.post("/companies/new", _form(ref, escort_id=retired.id))
    assert response.status_code in (200, 400)
    assert _count(db_session) == before


# --- list filters -------------------------------------------------------------------------------


@pytest.fixture
def spread(make):
    """Four companies that differ in one attribute each, and the manager's view of them."""
    towns = [make.town(name="北干街道测试"), make.town(name="宁围街道测试")]
    escorts = [make.user(role=Role.ESCORT, name="甲陪跑员"), make.user(role=Role.ESCORT, name="乙陪跑员")]
    companies = {
        "alpha": make.company(name="杭州阿尔法精密机械有限公司", category="new_force", town=towns[0],
                              escort=escorts[0], is_above_scale=True, uscc="91350100M000100Y43"),
        "beta": make.company(name="杭州贝塔软件技术有限公司", category="specialized", town=towns[1],
                             escort=escorts[1], is_above_scale=False),
        "gamma": make.company(name="杭州伽马物流有限公司", category="upgrade", town=towns[0],
                              escort=escorts[1], is_above_scale=False),
        "delta": make.company(name="杭州德尔塔新能源科技有限公司", category="eaglet", town=towns[1],
                              is_above_scale=True),
    }
    return {"towns": towns, "escorts": escorts, "companies": companies}


def _listed(response) -> set[str]:
    text = _text(response)
    return {key for key, name in NAMES.items() if name in text}


NAMES = {
    "alpha": "杭州阿尔法精密机械有限公司",
    "beta": "杭州贝塔软件技术有限公司",
    "gamma": "杭州伽马物流有限公司",
    "delta": "杭州德尔塔新能源科技有限公司",
}


def test_manager_list_shows_everything_unfiltered(login_as, spread):
    b, _manager = login_as(Role.MANAGER)
    assert _listed(b.get("/companies/")) == {"alpha", "beta", "gamma", "delta"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"category": "specialized"}, {"beta"}),
        ({"category": "eaglet"}, {"delta"}),
        ({"town_id": 0}, {"alpha", "gamma"}),
        ({"town_id": 1}, {"beta", "delta"}),
        ({"escort_id": 0}, {"alpha"}),
        ({"escort_id": 1}, {"beta", "gamma"}),
        ({"above_scale": "1"}, {"alpha", "delta"}),
        ({"above_scale": "0"}, {"beta", "gamma"}),
        ({"q": "物流"}, {"gamma"}),
        ({"q": "m000100y"}, {"alpha"}),  # part of the credit code, any case
        ({"q": "91350100M000100Y43"}, {"alpha"}),
        ({"category": "upgrade", "town_id": 1}, set()),
        ({"escort_id": 1, "town_id": 0}, {"gamma"}),
    ],
)
def test_list_filters(login_as, spread, query, expected):
    b, _manager = login_as(Role.MANAGER)
    params = dict(query)
    if "town_id" in params:
        params["town_id"] = spread["towns"][params["town_id"]].id
    if "escort_id" in params:
        params["escort_id"] = spread["escorts"][params["escort_id"]].id
    response = b.get("/companies/", query_string=params)
    assert response.status_code == 200
    assert _listed(response) == expected
    if not expected:
        assert "没有符合条件的企业。" in _text(response)


def test_manager_finds_an_escorts_companies_by_typing_part_of_the_escorts_name(login_as, spread):
    b, _manager = login_as(Role.MANAGER)
    response = b.get("/companies/", query_string={"escort": " 乙陪跑 "})
    assert _listed(response) == {"beta", "gamma"}
    # The box keeps what was typed; the district's escorts are not listed as options on the page.
    page = _text(response)
    assert re.search(r'<input[^>]*name="escort"[^>]*value=" 乙陪跑 "', page)
    assert 'name="escort_id"' not in page and "甲陪跑员" not in page
    assert _listed(b.get("/companies/", query_string={"escort": "陪跑员"})) == {"alpha", "beta", "gamma"}
    assert _listed(b.get("/companies/", query_string={"escort": "%"})) == set()  # literally, not a wildcard


def test_a_link_to_an_escorts_companies_shows_the_escort_by_name_with_a_way_to_remove_it(login_as, spread):
    b, manager = login_as(Role.MANAGER)
    first = spread["escorts"][0]
    page = _text(b.get("/companies/", query_string={"escort_id": first.id, "town_id": spread["towns"][0].id}))
    assert _listed_in(page) == {"alpha"}
    assert re.search(rf'<input[^>]*name="escort_id" type="hidden" value="{first.id}"', page)
    assert re.search(r'<input[^>]*value="甲陪跑员"[^>]*readonly', page)
    remove = re.search(r'href="([^"]+)" title="取消陪跑员条件"', page).group(1).replace("&amp;", "&")
    assert "escort_id" not in remove and f"town_id={spread['towns'][0].id}" in remove
    assert _listed(b.get(remove)) == {"alpha", "gamma"}
    # An id that is not an escort's (here the manager's own) or not a number is ignored like an absent one.
    for junk in (manager.id, 2**31, "abc"):
        response = b.get("/companies/", query_string={"escort_id": junk})
        assert response.status_code == 200
        assert _listed(response) == {"alpha", "beta", "gamma", "delta"}
        assert "取消陪跑员条件" not in _text(response)


def _listed_in(page: str) -> set[str]:
    return {key for key, name in NAMES.items() if name in page}


def test_text_search_takes_percent_and_underscore_literally(login_as, make):
    make.company(name="杭州100%纯净水有限公司")
    make.company(name="杭州普通企业有限公司")
    b, _manager = login_as(Role.MANAGER)
    text = _text(b.get("/companies/", query_string={"q": "%"}))
    assert "杭州100%纯净水有限公司" in text and "杭州普通企业有限公司" not in text
    assert "没有符合条件的企业。" in _text(b.get("/companies/", query_string={"q": "_"}))


def test_pages_keep_the_filters(login_as, make):
    for _ in range(52):
        make.company(category="eaglet")
    make.company(category="new_force", name="杭州不该出现有限公司")
    b, _manager = login_as(Role.MANAGER)
    first = _text(b.get("/companies/", query_string={"category": "eaglet"}))
    assert "共 52 条" in first
    links = set(re.findall(r'rel="next" href="(/companies/\?[^"]*)"', first))
    assert len(links) == 1 and all("category=eaglet" in link and "after=" in link for link in links)
    second = b.get(next(iter(links)).replace("&amp;", "&"))
    assert len(set(re.findall(r'href="/companies/\d+"', _text(second)))) == 2
    assert "杭州不该出现有限公司" not in _text(second)


def test_full_width_credit_code_is_stored_as_ascii(login_as, ref, db_session):
    b, _manager = login_as(Role.MANAGER)
    response = b.post("/companies/new", _form(ref, name="杭州全角输入有限公司", uscc="９１３５０１００Ｍ０００１００Ｙ４３"))
    assert response.status_code == 302
    assert _stored(db_session, name="杭州全角输入有限公司").uscc == VALID


def test_nonsense_filters_do_not_break_the_page(login_as, spread):
    b, _manager = login_as(Role.MANAGER)
    response = b.get("/companies/", query_string={"town_id": "abc", "page": "x"})
    assert response.status_code == 200


# --- scoping by typed URL -----------------------------------------------------------------------


def test_escort_sees_only_own_companies(app, make, spread):
    from tests.conftest import Browser

    escort = spread["escorts"][1]  # beta and gamma
    b = Browser(app.test_client())
    b.login(escort.username)
    listing = b.get("/companies/")
    assert _listed(listing) == {"beta", "gamma"}
    assert "我陪跑的企业" in _text(listing)

    own = spread["companies"]["beta"]
    assert b.get(f"/companies/{own.id}").status_code == 200
    assert b.get(f"/companies/{own.id}/edit").status_code == 403
    for key in ("alpha", "delta"):
        other = spread["companies"][key]
        assert b.get(f"/companies/{other.id}").status_code == 404
        assert b.get(f"/companies/{other.id}/edit").status_code == 404
        assert b.post(f"/companies/{other.id}/edit", {"name": "x"}, form_page="/companies/").status_code == 404
    # Filtering by another escort does not widen the scope.
    escort_filter = b.get("/companies/", query_string={"escort_id": spread["escorts"][0].id})
    assert _listed(escort_filter) <= {"beta", "gamma"}


def test_escort_keeps_read_only_view_of_a_past_company(login_as, make, ref, db_session):
    b, escort = login_as(Role.ESCORT)
    successor = make.user(role=Role.ESCORT)
    company = make.company(escort=escort, name="杭州曾经陪跑有限公司")
    from app.companies.services import assign_escort

    assign_escort(None, company, successor, "调整")
    db_session.commit()
    assert "杭州曾经陪跑有限公司" not in _text(b.get("/companies/"))
    page = b.get(f"/companies/{company.id}")
    assert page.status_code == 200
    assert "曾陪跑（只读）" in _text(page)
    assert b.get(f"/companies/{company.id}/edit").status_code == 404


def test_company_user_sees_only_own_company(login_as, make, spread):
    own = spread["companies"]["alpha"]
    b, _user = login_as(Role.COMPANY, company=own)
    page = b.get(f"/companies/{own.id}")
    assert page.status_code == 200
    assert NAMES["alpha"] in _text(page)
    assert "陪跑员分配记录" not in _text(page)  # the assignment history is for staff
    assert b.get(f"/companies/{own.id}/edit").status_code == 403
    assert b.get("/companies/").status_code == 403
    assert b.get("/companies/new").status_code == 403
    for key in ("beta", "gamma", "delta"):
        other = spread["companies"][key]
        assert b.get(f"/companies/{other.id}").status_code == 404
        assert b.get(f"/companies/{other.id}/edit").status_code == 404


def test_helper_list_is_empty(login_as, spread):
    b, _helper = login_as(Role.HELPER)
    response = b.get("/companies/")
    assert response.status_code == 200
    assert _listed(response) == set()
    assert "没有符合条件的企业。" in _text(response)
    assert b.get(f"/companies/{spread['companies']['alpha'].id}").status_code == 404


def test_unknown_company_is_404_for_a_manager(login_as):
    b, _manager = login_as(Role.MANAGER)
    assert b.get("/companies/987654321").status_code == 404
    assert b.get("/companies/987654321/edit").status_code == 404


# --- query count --------------------------------------------------------------------------------

# user, unread notifications (header), count, page of companies (town, industry, escort joined),
# towns for the filter form (the escort condition is a name box: no list of escorts).
LIST_QUERY_COUNT = 5


def _add_companies(make, n: int, escorts, towns, industries):
    for i in range(n):
        make.company(
            escort=escorts[i % len(escorts)], town=towns[i % len(towns)], industry=industries[i % len(industries)],
            category=["new_force", "specialized", "spin_off", "upgrade", "eaglet"][i % 5],
        )


def test_company_list_query_count_does_not_grow(login_as, make, count_queries):
    escorts = [make.user(role=Role.ESCORT) for _ in range(12)]
    towns = [make.town() for _ in range(6)]
    industries = [make.industry() for _ in range(4)]
    b, _manager = login_as(Role.MANAGER)

    _add_companies(make, 5, escorts[:3], towns, industries)
    with count_queries() as few:
        response = b.get("/companies/")
    assert response.status_code == 200
    assert len(set(re.findall(r'href="/companies/\d+"', _text(response)))) == 5

    _add_companies(make, 55, escorts, towns, industries)
    with count_queries() as many:
        response = b.get("/companies/")
    assert response.status_code == 200
    assert len(set(re.findall(r'href="/companies/\d+"', _text(response)))) == 50  # one page
    assert "共 60 条" in _text(response)

    assert few.count == many.count, many.statements
    assert many.count == LIST_QUERY_COUNT, many.statements

    next_page = re.search(r'rel="next" href="([^"]+)"', _text(response)).group(1).replace("&amp;", "&")
    second = b.get(next_page)
    assert len(set(re.findall(r'href="/companies/\d+"', _text(second)))) == 10


def test_escort_list_query_count_is_pinned(login_as, make, count_queries):
    b, escort = login_as(Role.ESCORT)
    towns = [make.town() for _ in range(5)]
    industries = [make.industry() for _ in range(3)]
    _add_companies(make, 8, [escort], towns, industries)
    with count_queries() as q:
        response = b.get("/companies/")
    assert len(set(re.findall(r'href="/companies/\d+"', _text(response)))) == 8
    assert q.count == LIST_QUERY_COUNT, q.statements  # the same statements as a manager's list
