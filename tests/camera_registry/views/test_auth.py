def test_pages_need_a_login(browser):
    response = browser.get("/cameras")
    assert response.status_code == 302 and response.location.startswith("/login?next=/cameras")


def test_login_with_the_right_password(browser, make_user, city):
    make_user("lanshan", "monitor", city.county_a)
    page = browser.login("lanshan")
    assert page.status_code == 200 and "lanshan" in page.get_data(as_text=True)


def test_wrong_password_is_refused(browser, make_user, city):
    make_user("lanshan", "monitor", city.county_a)
    response = browser.login("lanshan", "nope")
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(browser, make_user, city):
    make_user("lanshan", "monitor", city.county_a)
    response = browser.client.post("/login", data={"username": "lanshan", "password": "secret"})
    assert response.status_code == 400


def test_login_goes_back_to_the_page_asked_for(browser, make_user, city):
    make_user("lanshan", "monitor", city.county_a)
    response = browser.login("lanshan", follow=False, next_page="/cameras")
    assert response.location == "/cameras"


def test_login_never_redirects_to_another_site(browser, make_user, city):
    make_user("lanshan", "monitor", city.county_a)
    response = browser.login("lanshan", follow=False, next_page="//evil.example/x")
    assert response.location == "/"


def test_logout_ends_the_session(browser, make_user, city):
    make_user("lanshan", "monitor", city.county_a)
    browser.login("lanshan")
    browser.post_form("/", "/logout")
    assert browser.get("/").status_code == 302


def test_chinese_by_default_and_english_on_request(browser, make_user, city):
    make_user("lanshan", "monitor", city.county_a)
    browser.login("lanshan")
    assert "在线率" in browser.get("/").get_data(as_text=True)
    browser.get("/lang/en?next=/")
    page = browser.get("/").get_data(as_text=True)
    assert "Online rate" in page and "在线率" not in page
