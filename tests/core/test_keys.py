"""Without SAFETY_SECRET_KEY a random key is generated once and kept in SAFETY_DATA_DIR; the old public
default key opens nothing."""

import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from safety_service.cli import main
from safety_service.clock import utc_now
from safety_service.config import LEGACY_SECRET_KEY, Settings, get_settings
from safety_service.console import session as console_session
from safety_service.qr import tokens
from tests.conftest import client_with
from tests.locations.builders import make_location
from tests.people.builders import make_user

STARTS = 8
READ_KEYS = ("from safety_service.config import Settings; s = Settings(_env_file=None, data_dir={folder!r}).with_keys();"
             " print(s.secret_key, s.qr_keys)")


def test_processes_starting_at_once_share_one_private_generated_key(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    starts = [subprocess.Popen([sys.executable, "-c", READ_KEYS.format(folder=str(folder))], stdout=subprocess.PIPE,
                               text=True, env={"PATH": "/usr/bin:/bin"}) for _ in range(STARTS)]
    answers = {start.communicate(timeout=60)[0].strip() for start in starts}
    assert len(answers) == 1 and all(start.returncode == 0 for start in starts)
    secret, qr_keys = answers.pop().split(" ")
    assert len(secret) >= 48 and qr_keys.startswith("k1:")
    assert sorted(p.name for p in folder.iterdir()) == ["qr.keys", "secret.key"], "no temporary file is left"
    for name in ("qr.keys", "secret.key"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    again = Settings(_env_file=None, data_dir=str(folder)).with_keys()
    assert (again.secret_key, again.qr_keys) == (secret, qr_keys), "a restart keeps the keys"


@pytest.fixture
def keyless(settings: Settings, engine: Engine, session: Session, tmp_path: Path) -> TestClient:
    """The app started as `make run` starts it: no SAFETY_SECRET_KEY, no SAFETY_QR_KEYS."""
    return client_with(settings, engine, session, secret_key="", data_dir=str(tmp_path))


def test_a_token_signed_with_the_old_public_default_key_is_refused(keyless: TestClient, session: Session) -> None:
    user = make_user(session)
    forged = jwt.encode({"sub": str(user.id), "exp": utc_now() + timedelta(hours=1), "typ": "access"},
                        LEGACY_SECRET_KEY, algorithm="HS256")
    assert keyless.get("/api/v1/users/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_a_console_cookie_signed_with_the_old_public_default_key_is_refused(keyless: TestClient,
                                                                             session: Session) -> None:
    user = make_user(session)
    forged = URLSafeTimedSerializer(LEGACY_SECRET_KEY, salt=console_session._SALT).dumps(
        {"csrf": "x" * 32, "uid": user.id})
    keyless.cookies.set(console_session.COOKIE, forged, path="/console")
    answer = keyless.get("/console/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/console/login")


def test_a_qr_code_signed_with_the_old_public_default_key_is_refused(keyless: TestClient, session: Session) -> None:
    old_ring = tokens.keyring(Settings(_env_file=None, qr_keys="", secret_key="x" * 40).model_copy(
        update={"secret_key": LEGACY_SECRET_KEY}))
    answer = keyless.get("/r/" + tokens.sign(old_ring, make_location(session).code))
    assert answer.status_code in (403, 410)  # an unknown key or a bad signature: never the report form


def test_the_old_public_default_key_set_on_purpose_stops_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFETY_SECRET_KEY", LEGACY_SECRET_KEY)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["user", "add", "x1", "--role", "miner", "--password", "p" * 12])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 78 and "error (SAFETY_SECRET_KEY)" in result.output


def test_generated_qr_keys_stay_in_use_when_a_secret_key_is_set_later(tmp_path: Path) -> None:
    first = Settings(_env_file=None, data_dir=str(tmp_path)).with_keys()
    later = Settings(_env_file=None, data_dir=str(tmp_path), secret_key="s" * 48, env="production").with_keys()
    assert later.qr_keys == first.qr_keys and later.secret_key == "s" * 48, "printed labels keep working"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qr.keys", "secret.key"]
