"""The English UI: a complete, compilable catalogue, and English pages for a user who chose it."""
import html
import io
import random
import re
import sys
from pathlib import Path

import openpyxl
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from app.companies.uscc import generate
from tests.tickets.helpers import World

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO_PATH = PO_PATH.with_suffix(".mo")
sys.path.insert(0, str(ROOT / "tools"))
import check_translations  # noqa: E402


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def switch(b, lang: str, page: str = "/"):
    """Press the footer button for `lang` on `page`; returns the page it leads back to."""
    response = b.post("/language", {"lang": lang, "next": page}, form_page=page)
    assert response.status_code == 302
    return b.follow(response)


# ---------------------------------------------------------------- the catalogue

def test_every_message_is_translated_with_the_same_placeholders():
    report = check_translations.check(PO_PATH)
    assert report.total > 1000
    assert report.untranslated == []
    assert report.mismatches == []


def test_the_checker_catches_a_lost_placeholder_and_a_missing_translation(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, python-format\nmsgid "已将 %(n)d 条通知标为已读。"\nmsgstr "Marked notifications as read."\n\n'
        '#, python-format\nmsgid "企业“%(name)s”已添加。"\nmsgstr "Company “%(name)d” added."\n\n'
        'msgid "通知"\nmsgstr ""\n\n'
        'msgid "附件"\nmsgstr "Attachments"\n',
        encoding="utf-8",
    )
    report = check_translations.check(po)
    assert report.untranslated == ["通知"]
    assert [m[0] for m in report.mismatches] == ["已将 %(n)d 条通知标为已读。", "企业“%(name)s”已添加。"]
    assert check_translations.main([str(po)]) == 1


def test_the_catalogue_compiles_and_the_compiled_file_is_current():
    with open(PO_PATH, "rb") as f:
        catalog = read_po(f, locale="en")
    errors = [(message.id, err) for message, errs in catalog.check() for err in errs]
    assert errors == []
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    assert buffer.getvalue()

    # The .mo the app loads (compiled by `make install`) says what the .po says.
    with open(MO_PATH, "rb") as f:
        loaded = Translations(f)
    stale = [m.id for m in catalog if m.id and not m.pluralizable and not m.context
             and loaded.ugettext(m.id) != m.string]
    assert stale == [], "run `make install` (pybabel compile) after changing the .po"
    assert loaded.ugettext("登录") == "Sign in"
    assert loaded.upgettext("nav", "企业") == "Companies"
    assert loaded.ungettext("走访记录已保存，提出的 %(num)d 个问题已生成工单。",
                            "走访记录已保存，提出的 %(num)d 个问题已生成工单。", 2).startswith("Visit record saved")


# ---------------------------------------------------------------- the pages in English

@pytest.fixture
def world(make):
    return World(make)


def test_the_login_page_switches_to_english_and_back(browser):
    page = text(browser.get("/auth/login"))
    assert '<html lang="zh-CN">' in page and "登录陪跑平台" in page

    page = text(switch(browser, "en", "/auth/login"))
    assert '<html lang="en">' in page
    assert "Sign in to Peipao" in page and 'value="Sign in"' in page
    assert "Username" in page and "Password" in page
    assert "登录陪跑平台" not in page

    page = text(switch(browser, "zh", "/auth/login"))
    assert '<html lang="zh-CN">' in page and "登录陪跑平台" in page and "Sign in to Peipao" not in page


def test_a_manager_who_chooses_english_sees_english_pages_until_switching_back(app, world, db_session, login_as):
    ticket = world.ticket_in("dispatched")
    b, manager = login_as("manager")

    page = text(switch(b, "en", "/companies/"))
    assert '<html lang="en">' in page
    nav = page.split("</nav>")[0]
    for label in ("Companies", "Problems", "Visits", "Public ranking", "Staff", "Notifications", "Sign out"):
        assert label in nav, label
    assert "问题工单" not in nav and "人员管理" not in nav
    assert "Escorted companies" in page and "Unified social credit code" in page and "Filter" in page
    assert world.company.name in page  # data stays as entered
    db_session.refresh(manager)
    assert manager.locale == "en"

    page = text(b.get(f"/tickets/{ticket.id}"))
    assert '<html lang="en">' in page
    assert ticket.number in page
    assert "Dispatched" in page and "Handling department" in page and "Sign-for deadline" in page
    assert "已交办" not in page and "承办部门" not in page

    page = text(b.get("/tickets/"))
    assert "Problems" in page and "No." in page and "Title" in page

    page = text(switch(b, "zh", f"/tickets/{ticket.id}"))
    assert '<html lang="zh-CN">' in page
    assert "已交办" in page and "承办部门" in page and "Handling department" not in page
    assert "问题工单" in page.split("</nav>")[0]


def test_the_choice_is_kept_with_the_user_and_greets_them_after_signing_in_again(app, world, login_as):
    b, manager = login_as("manager")
    switch(b, "en", "/companies/")
    b.post("/auth/logout", {}, form_page="/companies/")

    from tests.conftest import Browser

    other = Browser(app.test_client())  # another browser: nothing in its session
    assert other.login(manager.username).status_code == 302
    page = text(other.get("/companies/"))
    assert '<html lang="en">' in page and "Companies" in page


def test_form_errors_are_in_english_for_an_english_user(login_as):
    b, _admin = login_as("admin")
    switch(b, "en", "/companies/new")
    page = text(b.post("/companies/new", {"name": "Test Co", "uscc": "91330100ABC", "category": "new_force"}))
    assert "A unified social credit code has 18 characters; this one has 11." in page
    assert "Select a town/street." in page
    assert not re.search(r"统一社会信用代码应为|请选择镇街", page)

    good = generate(random.Random(7))
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    page = text(b.post("/companies/new", {"name": "Test Co", "uscc": wrong_check, "category": "new_force"}))
    assert "The check digit of the unified social credit code is wrong. Please check and re-enter it." in page
    assert "校验位" not in page


def test_wtforms_own_messages_follow_each_users_language(app, login_as):
    """WTForms' built-in messages come from its catalogue, read once per language per process
    (app.core.i18n._form_translations): a Chinese and an English user in turn each get their own."""
    form = {"name": "测试企业", "uscc": "91330100ABC", "category": "new_force", "employees": "很多"}
    chinese, _admin = login_as("admin")
    assert "不是有效的整数" in text(chinese.post("/companies/new", form))
    english, _other = login_as("admin")
    switch(english, "en", "/companies/new")
    page = text(english.post("/companies/new", form))
    assert "Not a valid integer value." in page and "不是有效的整数" not in page
    assert "不是有效的整数" in text(chinese.post("/companies/new", form))


def test_a_spreadsheet_export_has_english_headers_for_an_english_user(login_as):
    b, _manager = login_as("manager")
    switch(b, "en", "/visits/")
    response = b.get("/visits/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    header = list(next(sheet.iter_rows(values_only=True)))
    assert header[:3] == ["Visit date", "Company name", "Unified social credit code"]
    assert "Problems raised" in header and "Recorded at" in header

    switch(b, "zh", "/visits/")
    sheet = openpyxl.load_workbook(io.BytesIO(b.get("/visits/export.xlsx").data), read_only=True).worksheets[0]
    assert list(next(sheet.iter_rows(values_only=True)))[:2] == ["走访日期", "企业名称"]


def test_every_text_in_the_code_is_in_the_english_catalogue(tmp_path):
    """New UI text without an English entry fails here: run `make translations` and translate it."""
    import subprocess

    root = Path(__file__).resolve().parents[1]
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).with_name("pybabel")), "-q", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "--no-location", "-o", str(pot), "."],
        cwd=root, check=True,
    )
    with open(pot, "rb") as f:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    with open(root / "app/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        translated = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id and m.string}
    missing = sorted(extracted - translated)
    assert missing == [], f"{len(missing)} texts lack an English translation, e.g. {missing[:5]}"
