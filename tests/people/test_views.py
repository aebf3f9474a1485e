"""Sign-in and accounts over the API."""

import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.errors import AuthenticationFailed
from safety_service.people.models import Role
from safety_service.security import read_access_token
from tests.people.builders import PASSWORD, auth, login, make_user


def test_sign_in_returns_a_token_that_opens_the_api(client: TestClient, session: Session) -> None:
    user = make_user(session, role=Role.officer)
    headers = login(client, user.username)
    me = client.get("/api/v1/users/me", headers=headers)
    assert me.status_code == 200 and me.json()["username"] == user.username and me.json()["role"] == "officer"


def test_a_wrong_password_or_unknown_user_is_401(client: TestClient, session: Session) -> None:
    user = make_user(session)
    for username, password in ((user.username, "wrong-password"), ("nobody", PASSWORD)):
        response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
        assert response.status_code == 401
        assert response.json()["detail"] == "wrong username or password"


def test_a_disabled_account_cannot_sign_in_nor_use_an_old_token(client: TestClient, session: Session,
                                                                 settings: Settings) -> None:
    user = make_user(session, active=False)
    response = client.post("/api/v1/auth/token", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 401
    assert client.get("/api/v1/users/me", headers=auth(user, settings)).status_code == 401


def test_missing_forged_and_expired_tokens_are_401(client: TestClient, session: Session, settings: Settings) -> None:
    assert client.get("/api/v1/hazards").status_code == 401
    forged = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.bad"}
    response = client.get("/api/v1/hazards", headers=forged)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    other_key = settings.model_copy(update={"secret_key": "another-secret-key-" + "y" * 32})
    assert client.get("/api/v1/users/me", headers=auth(make_user(session), other_key)).status_code == 401
    expired = settings.model_copy(update={"token_expire_minutes": -1})
    assert client.get("/api/v1/users/me", headers=auth(make_user(session), expired)).status_code == 401


def test_only_an_admin_manages_accounts(client: TestClient, session: Session, settings: Settings) -> None:
    body = {"username": "new.officer", "role": "officer", "password": "long-enough-pw",
            "employee_no": "77001", "name": "新安全员", "team": "安全科"}
    officer = make_user(session, role=Role.officer)
    assert client.post("/api/v1/users", json=body, headers=auth(officer, settings)).status_code == 403
    admin = make_user(session, role=Role.admin)
    created = client.post("/api/v1/users", json=body, headers=auth(admin, settings))
    assert created.status_code == 201, created.text
    assert created.json()["person"]["employee_no"] == "77001"
    again = client.post("/api/v1/users", json=body, headers=auth(admin, settings))
    assert again.status_code == 409 and again.json()["field"] == "username"
    assert login(client, "new.officer", "long-enough-pw")


def test_a_bad_account_is_422_with_the_field(client: TestClient, session: Session, settings: Settings) -> None:
    admin = make_user(session, role=Role.admin)
    body = {"username": "x y", "role": "emperor", "password": "short"}
    response = client.post("/api/v1/users", json=body, headers=auth(admin, settings))
    assert response.status_code == 422
    fields = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert {("body", "username"), ("body", "role"), ("body", "password")} <= fields


def test_a_token_accepted_before_is_refused_once_it_expired_or_its_account_was_disabled(
        client: TestClient, session: Session, settings: Settings) -> None:
    user = make_user(session, role=Role.officer)
    headers = auth(user, settings)
    token = headers["Authorization"].removeprefix("Bearer ")
    assert client.get("/api/v1/hazards", headers=headers).status_code == 200
    assert read_access_token(token, settings) == (user.id, 0)  # its signature is now checked and kept
    later = time.time() + settings.token_expire_minutes * 60 + 1
    with pytest.raises(AuthenticationFailed):
        read_access_token(token, settings, now=later)
    user.is_active = False
    session.add(user)
    session.flush()
    for path in ("/api/v1/hazards", "/api/v1/users/me"):
        assert client.get(path, headers=headers).status_code == 401, path
