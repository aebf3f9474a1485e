"""SAFETY_DATABASE_PASSWORD_FILE: the database password from a file (compose.yaml's Docker secret), not the URL."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from safety_service.cli import main
from safety_service.config import Settings, get_settings
from tests.conftest import POSTGRES_ADMIN_URL


def test_the_password_in_the_file_reaches_the_url(tmp_path: Path) -> None:
    secret = tmp_path / "db_password"
    secret.write_text("p@ss/wörd:#1\n", encoding="utf-8")  # characters a URL must quote; the newline is not part
    settings = Settings(database_url="postgresql://safety@db:5432/safety", database_password_file=str(secret))
    url = make_url(settings.database_url)
    assert (url.username, url.password, url.host, url.database) == ("safety", "p@ss/wörd:#1", "db", "safety")


def test_a_password_file_opens_the_real_database(tmp_path: Path) -> None:
    """The URL the settings make connects: PostgreSQL's trust login takes any password, so this proves the
    URL is well formed with a password that needs quoting (its value is checked above)."""
    secret = tmp_path / "db_password"
    secret.write_text("a b@c\n", encoding="utf-8")
    bare = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+psycopg", password=None)
    settings = Settings(database_url=bare.render_as_string(hide_password=False), database_password_file=str(secret))
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("select 1")).scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize(("url", "content", "reason"), [
    ("postgresql://safety@db/safety", None, "cannot read"),
    ("postgresql://safety@db/safety", "\n", "is empty"),
    ("postgresql://safety:other@db/safety", "secret\n", "holds a password too"),
    ("", "secret\n", "SQLite"),
])
def test_a_bad_password_file_is_refused_naming_the_setting(tmp_path: Path, url: str, content: str | None,
                                                           reason: str) -> None:
    secret = tmp_path / "db_password"
    if content is not None:
        secret.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        Settings(database_url=url, database_password_file=str(secret))
    (error,) = refused.value.errors()
    assert error["loc"] == ("database_password_file",) and reason in error["msg"]


def test_the_command_line_says_which_setting_in_one_line(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFETY_DATABASE_URL", "postgresql://safety@db/safety")
    monkeypatch.setenv("SAFETY_DATABASE_PASSWORD_FILE", str(tmp_path / "missing"))
    monkeypatch.setenv("SAFETY_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["kiosk", "list"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert result.output.strip().startswith("error (SAFETY_DATABASE_PASSWORD_FILE): ")
    assert "cannot read" in result.output and len(result.output.strip().splitlines()) == 1
