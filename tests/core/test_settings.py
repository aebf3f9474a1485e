"""Settings come from SAFETY_ variables; production refuses an unsafe secret key."""

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from safety_service.cli import main
from safety_service.config import InsecureSettings, Settings


def test_defaults_run_everything_on_one_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SAFETY_DATABASE_URL", "SAFETY_MQTT_URL", "SAFETY_ENV", "SAFETY_DATA_DIR"):
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


def test_a_missing_mqtt_ca_file_is_named(tmp_path) -> None:
    with pytest.raises(ValidationError, match="mqtt_ca_file") as raised:
        Settings(_env_file=None, mqtt_ca_file=str(tmp_path / "ca.crt"))
    assert "no CA certificate file" in str(raised.value)


PUBLIC = "https://safety.tianchen-mine.cn"


@pytest.mark.parametrize("key", ["", "   ", "short-key"])
def test_production_refuses_an_empty_or_short_secret(key: str, tmp_path) -> None:
    settings = Settings(_env_file=None, env="production", secret_key=key, public_url=PUBLIC, data_dir=str(tmp_path))
    with pytest.raises(InsecureSettings, match="SAFETY_SECRET_KEY"):
        settings.with_keys().check_production()
    assert not list(tmp_path.iterdir()), "production never generates its secret key"


@pytest.mark.parametrize("url", ["http://localhost:8000", "http://127.0.0.1", "https://[::1]:8443",
                                 "http://0.0.0.0:8000", "http://app.localhost"])
def test_production_refuses_a_public_url_on_this_machine(url: str) -> None:
    with pytest.raises(InsecureSettings, match="SAFETY_PUBLIC_URL"):
        Settings(_env_file=None, env="production", secret_key="k" * 48, public_url=url).check_production()


def test_production_accepts_a_real_secret() -> None:
    Settings(_env_file=None, env="production", secret_key="k" * 48, public_url=PUBLIC).check_production()


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


@pytest.mark.parametrize("client_id", ["intake-1", "PH-MAIN-01", "Safety-a", "safety-"])
def test_an_intake_client_id_outside_the_services_prefix_is_refused(client_id: str) -> None:
    # Kiosk ids may not start with "safety-": an id outside it could be a kiosk's, and clash with it.
    with pytest.raises(ValidationError, match="mqtt_client_id"):
        Settings(mqtt_client_id=client_id)
    assert Settings(mqtt_client_id="safety-intake-2").mqtt_client_id == "safety-intake-2"


def test_the_console_cookie_is_secure_when_the_public_url_is_https_unless_set() -> None:
    assert Settings(_env_file=None, public_url="https://safety.mine.cn").cookie_secure
    assert not Settings(_env_file=None, public_url="http://192.168.10.5:8000").cookie_secure
    assert Settings(_env_file=None, public_url="http://192.168.10.5:8000", console_cookie_secure=True).cookie_secure


def test_a_trusted_proxy_that_is_no_address_stops_serve_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from safety_service.config import get_settings

    monkeypatch.setenv("SAFETY_TRUSTED_PROXIES", "10.0.0.0/8, nginx")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["serve", "--port", "18999"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2 and result.output.startswith("error (SAFETY_TRUSTED_PROXIES): ")
    assert "'nginx'" in result.output and len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("database", [None, "sqlite:///data/safety.db"])
def test_more_than_one_intake_writer_on_sqlite_stops_the_intake_with_one_line(
        monkeypatch: pytest.MonkeyPatch, database: str | None) -> None:
    from safety_service.config import get_settings

    if database:
        monkeypatch.setenv("SAFETY_DATABASE_URL", database)
    else:
        monkeypatch.delenv("SAFETY_DATABASE_URL", raising=False)
    monkeypatch.setenv("SAFETY_MQTT_WRITERS", "2")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["intake"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2 and result.output.startswith("error (SAFETY_MQTT_WRITERS): ")
    assert "one writer at a time" in result.output and len(result.output.strip().splitlines()) == 1


def test_the_intake_has_two_writers_on_postgresql_one_on_sqlite_unless_set() -> None:
    postgres = "postgresql+psycopg://h/db"
    assert Settings(_env_file=None, database_url=postgres).concurrency.mqtt_writers == 2
    assert Settings(_env_file=None, database_url=postgres, mqtt_writers=3).concurrency.mqtt_writers == 3
    assert Settings(_env_file=None, database_url="sqlite:///x.db").concurrency.mqtt_writers == 1
    assert Settings(_env_file=None).concurrency.mqtt_writers == 1
    assert Settings(_env_file=None, mqtt_writers=1).concurrency.mqtt_writers == 1
