def test_login_page_is_chinese_and_has_csrf(browser):
    response = browser.get("/auth/login")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "登录陪跑平台" in text
    assert 'name="csrf_token"' in text
