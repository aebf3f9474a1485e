"""Settings come from SAFETY_ variables; production refuses an unsafe secret key."""

import pytest
from click.testing import CliRunner

from safety_service.cli import main
from safety_service.config import DEFAULT_SECRET_KEY, InsecureSettings, Settings


def test_defaults_run_everything_on_one_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SAFETY_DATABASE_URL", "SAFETY_MQTT_URL", "SAFETY_ENV"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite:///./data/safety.db"
    assert settings.mqtt_url == "embedded" and settings.mqtt_embedded_port == 1883
    assert str(settings.sqlite_path()) == "data/safety.db"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFETY_SITE", "xinglongzhuang")
    monkeypatch.setenv("SAFETY_PUBLIC_URL", "https://safety.example.cn/")
    settings = Settings(_env_file=None)
    assert settings.site == "xinglongzhuang"
    assert settings.public_url == "https://safety.example.cn"


@pytest.mark.parametrize("key", ["", "   ", DEFAULT_SECRET_KEY, "short-key"])
def test_production_refuses_a_default_empty_or_short_secret(key: str) -> None:
    with pytest.raises(InsecureSettings, match="SAFETY_SECRET_KEY"):
        Settings(_env_file=None, env="production", secret_key=key).check_production()


def test_production_accepts_a_real_secret() -> None:
    Settings(_env_file=None, env="production", secret_key="k" * 48).check_production()


def test_serve_in_production_with_the_default_key_exits_with_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from safety_service.config import get_settings

    def must_not_start(*args: object, **kwargs: object) -> None:
        raise AssertionError("the server started with an unsafe secret key")

    monkeypatch.setattr(uvicorn, "run", must_not_start)
    monkeypatch.setenv("SAFETY_ENV", "production")
    monkeypatch.delenv("SAFETY_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["serve", "--port", "18999"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code != 0
    assert "SAFETY_SECRET_KEY" in result.output
