from datetime import timedelta

from sqlalchemy import select

from camera_registry.database import utcnow
from camera_registry.models import ApiToken
from camera_registry.services import users


def test_no_token_is_401(client_without_token):
    response = client_without_token.get("/api/v1/cameras")
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"


def test_wrong_token_is_401(client_without_token):
    response = client_without_token.get("/api/v1/cameras",
                                        headers={"Authorization": "Bearer crt_nope"})
    assert response.status_code == 401


def test_expired_token_is_401(session, client_without_token):
    user = users.create_user(session, "ops", "admin")
    token = users.create_token(session, user, days=1)
    record = session.scalars(select(ApiToken)).one()
    record.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    response = client_without_token.get("/api/v1/cameras",
                                        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and "expired" in response.json["message"]


def test_tokens_are_stored_hashed(session):
    user = users.create_user(session, "ops", "admin")
    token = users.create_token(session, user)
    assert token not in session.scalars(select(ApiToken)).one().digest


def test_me_reports_role_and_scope(make_api, city):
    me = make_api("monitor", city.street_a).get("/me").json
    assert me["role"] == "monitor" and me["scope"] == city.street_a


def test_openapi_and_healthz_need_no_token(client_without_token):
    assert client_without_token.get("/api/v1/openapi.json").status_code == 200
    assert client_without_token.get("/healthz").json == {"status": "ok", "database": "ok"}
