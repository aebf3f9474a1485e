"""Tokens end when their account says so: sign out everywhere, a new password, a disabled account —
on every path that reads a token (the account check and the hazard list's lean one)."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.people.models import Role
from tests.people.builders import PASSWORD, auth, login, make_user

NEW_PASSWORD = "a-brand-new-password"


def _opens(client: TestClient, headers: dict[str, str]) -> tuple[int, int]:
    """What the token gets from the account check and from the hazard list (answered from the token cache)."""
    return (client.get("/api/v1/users/me", headers=headers).status_code,
            client.get("/api/v1/hazards", headers=headers).status_code)


def test_sign_out_everywhere_ends_every_token_of_the_account(client: TestClient, session: Session) -> None:
    user = make_user(session, role=Role.officer)
    first, second = login(client, user.username), login(client, user.username)
    other = login(client, make_user(session, role=Role.officer).username)
    assert _opens(client, first) == (200, 200)
    assert client.post("/api/v1/users/me/sign-out-everywhere", headers=second).status_code == 204
    assert _opens(client, first) == (401, 401) and _opens(client, second) == (401, 401)
    assert _opens(client, other) == (200, 200), "other accounts keep theirs"
    assert _opens(client, login(client, user.username)) == (200, 200), "signing in again works"


def test_disabling_an_account_ends_its_tokens_and_enabling_it_does_not_bring_them_back(
        client: TestClient, session: Session, settings: Settings) -> None:
    admin, user = make_user(session, role=Role.admin), make_user(session, role=Role.owner)
    token = login(client, user.username)
    assert _opens(client, token) == (200, 200)
    disabled = client.post(f"/api/v1/users/{user.id}/disable", headers=auth(admin, settings))
    assert disabled.status_code == 200 and disabled.json()["is_active"] is False
    assert _opens(client, token) == (401, 401)
    refused = client.post("/api/v1/auth/token", data={"username": user.username, "password": PASSWORD})
    assert refused.status_code == 401
    assert client.post(f"/api/v1/users/{user.id}/enable", headers=auth(admin, settings)).json()["is_active"]
    assert _opens(client, token) == (401, 401)
    assert _opens(client, login(client, user.username)) == (200, 200)


def test_an_admin_cannot_disable_their_own_account_and_others_may_not_disable_anyone(
        client: TestClient, session: Session, settings: Settings) -> None:
    admin, officer = make_user(session, role=Role.admin), make_user(session, role=Role.officer)
    own = client.post(f"/api/v1/users/{admin.id}/disable", headers=auth(admin, settings))
    assert own.status_code == 422 and "own account" in own.text
    assert client.post(f"/api/v1/users/{admin.id}/disable", headers=auth(officer, settings)).status_code == 403
    assert client.post("/api/v1/users/999999/disable", headers=auth(admin, settings)).status_code == 404


def test_an_admin_reset_password_ends_the_old_tokens_and_the_old_password(
        client: TestClient, session: Session, settings: Settings) -> None:
    admin, user = make_user(session, role=Role.admin), make_user(session, role=Role.officer)
    token = login(client, user.username)
    short = client.post(f"/api/v1/users/{user.id}/password", json={"password": "short"}, headers=auth(admin, settings))
    assert short.status_code == 422 and "password" in short.text
    reset = client.post(f"/api/v1/users/{user.id}/password", json={"password": NEW_PASSWORD},
                        headers=auth(admin, settings))
    assert reset.status_code == 200
    assert _opens(client, token) == (401, 401)
    assert client.post("/api/v1/auth/token", data={"username": user.username, "password": PASSWORD}).status_code == 401
    assert _opens(client, login(client, user.username, NEW_PASSWORD)) == (200, 200)


def test_changing_ones_own_password_needs_the_current_one_and_ends_every_token(
        client: TestClient, session: Session) -> None:
    user = make_user(session, role=Role.chief)
    token, elsewhere = login(client, user.username), login(client, user.username)
    wrong = client.post("/api/v1/users/me/password", json={"current_password": "not-it", "new_password": NEW_PASSWORD},
                        headers=token)
    assert wrong.status_code == 401 and _opens(client, token) == (200, 200)
    changed = client.post("/api/v1/users/me/password",
                          json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}, headers=token)
    assert changed.status_code == 204
    assert _opens(client, token) == (401, 401) and _opens(client, elsewhere) == (401, 401)
    assert _opens(client, login(client, user.username, NEW_PASSWORD)) == (200, 200)
