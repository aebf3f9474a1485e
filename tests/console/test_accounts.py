"""Console sessions end on the server: signing out, signing out everywhere, a new password, a disabled
account; admins manage accounts; repeated wrong passwords are refused a while."""

from http.cookiejar import Cookie

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.console import session as console_session
from safety_service.people.models import Role, User
from tests.console.conftest import csrf_of, sign_in
from tests.people.builders import PASSWORD, login, make_user

NEW_PASSWORD = "a-brand-new-password"


def _cookie(console: TestClient) -> Cookie:
    return next(cookie for cookie in console.cookies.jar if cookie.name == console_session.COOKIE)


def _opens(console: TestClient, cookie: Cookie) -> bool:
    """Whether a copy of a session cookie (as on another machine) still opens the console."""
    console.cookies.clear()
    console.cookies.jar.set_cookie(cookie)
    return console.get("/console/account").status_code == 200


def _new(session: Session, role: Role) -> User:
    user = make_user(session, role=role)
    session.commit()
    return user


def test_signing_out_ends_the_session_on_the_server(console: TestClient, session: Session) -> None:
    token = sign_in(console, _new(session, Role.officer))
    copied = _cookie(console)
    assert console.post("/console/logout", data={"csrf_token": token}).status_code == 303
    assert not _opens(console, copied), "the copied cookie no longer opens the console"


def test_sign_out_everywhere_ends_every_session_and_token(console: TestClient, session: Session) -> None:
    officer = _new(session, Role.officer)
    sign_in(console, officer)
    elsewhere = _cookie(console)
    api_token = login(console, officer.username)
    token = sign_in(console, officer)
    answer = console.post("/console/account/sign-out-everywhere", data={"csrf_token": token})
    assert answer.status_code == 303 and answer.headers["location"] == "/console/login?ended=1"
    assert "已结束" in console.get(answer.headers["location"]).text
    assert not _opens(console, elsewhere)
    assert console.get("/api/v1/users/me", headers=api_token).status_code == 401


def test_changing_ones_own_password_checks_the_current_one_and_signs_out_everywhere(
        console: TestClient, session: Session) -> None:
    owner = _new(session, Role.owner)
    sign_in(console, owner)
    elsewhere = _cookie(console)
    token = sign_in(console, owner)
    wrong = console.post("/console/account/password",
                         data={"csrf_token": token, "current_password": "not-it", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 422 and "当前密码不对" in wrong.text
    short = console.post("/console/account/password",
                         data={"csrf_token": token, "current_password": PASSWORD, "new_password": "short"})
    assert short.status_code == 422 and "至少 8 位" in short.text
    changed = console.post("/console/account/password",
                           data={"csrf_token": token, "current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 303 and not _opens(console, elsewhere)
    sign_in(console, owner, NEW_PASSWORD)


def test_an_admin_disables_enables_and_resets_an_account(console: TestClient, session: Session) -> None:
    officer = _new(session, Role.officer)
    sign_in(console, officer)
    officers_cookie = _cookie(console)
    token = sign_in(console, _new(session, Role.admin))
    assert f"/console/admin/people/{officer.id}" in console.get("/console/admin/people").text
    page = console.get(f"/console/admin/people/{officer.id}")
    assert page.status_code == 200 and "停用账号" in page.text
    disabled = console.post(f"/console/admin/people/{officer.id}/disable", data={"csrf_token": token})
    assert disabled.status_code == 303 and "已停用" in console.get(disabled.headers["location"]).text
    admins_cookie = _cookie(console)
    assert not _opens(console, officers_cookie)
    assert _opens(console, admins_cookie)
    assert console.post(f"/console/admin/people/{officer.id}/enable", data={"csrf_token": token}).status_code == 303
    short = console.post(f"/console/admin/people/{officer.id}/password", data={"csrf_token": token, "password": "x"})
    assert short.status_code == 422 and "至少 8 位" in short.text
    reset = console.post(f"/console/admin/people/{officer.id}/password",
                         data={"csrf_token": token, "password": NEW_PASSWORD})
    assert reset.status_code == 303
    sign_in(console, officer, NEW_PASSWORD)


def test_an_admin_cannot_disable_their_own_account(console: TestClient, session: Session) -> None:
    admin = _new(session, Role.admin)
    token = sign_in(console, admin)
    own = console.post(f"/console/admin/people/{admin.id}/disable", data={"csrf_token": token})
    assert own.status_code == 422 and "不能停用自己的账号" in own.text
    assert console.get("/console/account").status_code == 200


def test_repeated_wrong_passwords_are_refused_a_while_and_say_when_to_try_again(
        console: TestClient, session: Session) -> None:
    officer = _new(session, Role.officer)
    limit = console.app.state.settings.login_max_failures  # type: ignore[attr-defined]
    token = csrf_of(console.get("/console/login").text)
    statuses = [console.post("/console/login", data={"username": officer.username, "password": "wrong-password",
                                                     "csrf_token": token}).status_code for _ in range(limit)]
    assert statuses == [401] * limit
    refused = console.post("/console/login", data={"username": officer.username, "password": PASSWORD,
                                                   "csrf_token": token})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 60
    assert "登录失败次数过多" in refused.text


def test_a_person_sets_sees_and_removes_their_email_address(console: TestClient, session: Session) -> None:
    owner = _new(session, Role.owner)
    token = sign_in(console, owner)
    assert "未设置" in console.get("/console/account").text
    bad = console.post("/console/account/email", data={"csrf_token": token, "email": "zhang at mine"})
    assert bad.status_code == 422 and "请填写正确的邮箱地址" in bad.text and 'value="zhang at mine"' in bad.text
    long = console.post("/console/account/email", data={"csrf_token": token, "email": "a" * 250 + "@x.cn"})
    assert long.status_code == 422 and session.get(User, owner.id).email is None
    saved = console.post("/console/account/email", data={"csrf_token": token, "email": " zhang.san@tcmine.cn "})
    assert saved.status_code == 303 and saved.headers["location"] == "/console/account?done=email_saved"
    page = console.get(saved.headers["location"]).text
    assert "邮箱已保存" in page and "zhang.san@tcmine.cn" in page and session.get(User, owner.id).email == "zhang.san@tcmine.cn"
    removed = console.post("/console/account/email", data={"csrf_token": token, "email": "zhang.san@tcmine.cn",
                                                          "remove": "1"})
    assert removed.status_code == 303 and session.get(User, owner.id).email is None
    assert "邮箱已删除" in console.get(removed.headers["location"]).text
    assert console.post("/console/account/email", data={"email": "x@y.cn"}).status_code == 403


def test_an_admin_sets_and_removes_anyones_email_address(console: TestClient, session: Session) -> None:
    officer = _new(session, Role.officer)
    token = sign_in(console, _new(session, Role.admin))
    path = f"/console/admin/people/{officer.id}"
    bad = console.post(f"{path}/email", data={"csrf_token": token, "email": "li@"})
    assert bad.status_code == 422 and "请填写正确的邮箱地址" in bad.text
    saved = console.post(f"{path}/email", data={"csrf_token": token, "email": "li.si@tcmine.cn"})
    assert saved.status_code == 303 and session.get(User, officer.id).email == "li.si@tcmine.cn"
    assert 'id="email-shown">li.si@tcmine.cn' in console.get(saved.headers["location"]).text
    removed = console.post(f"{path}/email", data={"csrf_token": token, "email": ""})
    assert removed.status_code == 303 and session.get(User, officer.id).email is None
    assert console.post("/console/admin/people/999999/email", data={"csrf_token": token}).status_code == 404
    sign_in(console, officer)
    assert console.post(f"{path}/email", data={"csrf_token": csrf_of(console.get("/console/account").text),
                                               "email": "x@y.cn"}).status_code == 403
