import re

import pytest

from camera_registry import create_app

from camera_registry.services import users

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(page: str) -> str:
    return CSRF.search(page).group(1)


class Browser:
    """The Flask test client used like a person: it reads CSRF tokens from the pages."""

    def __init__(self, client) -> None:
        self.client = client

    def login(self, username: str, password: str = "secret", follow: bool = True,
              next_page: str | None = None):
        url = "/login" + (f"?next={next_page}" if next_page else "")
        token = csrf_token(self.client.get(url).get_data(as_text=True))
        return self.client.post(url, data={"username": username, "password": password,
                                           "csrf_token": token}, follow_redirects=follow)

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post_form(self, page: str, action: str, data: dict | None = None, **kwargs):
        token = csrf_token(self.client.get(page).get_data(as_text=True))
        return self.client.post(action, data={**(data or {}), "csrf_token": token}, **kwargs)


@pytest.fixture
def browser(app):
    # A second app on the same database: the `app` fixture keeps an app context pushed, which
    # the test client would share across requests (g, the locale, the CSRF token); pages must
    # be tested with a fresh context per request, as in production.
    web = create_app({key: app.config[key] for key in (
        "TESTING", "DATABASE_URL", "SECRET_KEY", "INSTANCE_PATH", "ALLOW_FILE_STREAMS",
        "DEMO_STREAMS_PATH")})
    yield Browser(web.test_client())
    if "camreg_health" in web.extensions:
        web.extensions["camreg_health"].close()


@pytest.fixture
def make_user(session):
    def make(username: str, role: str = "monitor", scope: str | None = None):
        return users.create_user(session, username, role, scope, password="secret")
    return make
