"""One typed settings object, read from ``SAFETY_`` environment variables."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me-development-only-this-is-not-a-secret"


class InsecureSettings(RuntimeError):
    """The settings are not safe for a production start."""


class Settings(BaseSettings):
    """Every setting of the service; see the README for each one."""

    model_config = SettingsConfigDict(env_prefix="SAFETY_", env_file=".env", extra="ignore")

    env: str = Field("development", pattern="^(development|production|test)$")
    database_url: str = "sqlite:///./data/safety.db"
    db_pool_size: int = Field(20, ge=1, le=500)
    mqtt_enabled: bool = True
    mqtt_url: str = "embedded"
    mqtt_embedded_port: int = Field(1883, ge=1, le=65535)
    mqtt_embedded_host: str = "127.0.0.1"
    mqtt_client_id: str = Field("", max_length=64)
    mqtt_protocol: str = Field("5", pattern=r"^(5|3\.1\.1)$")
    mqtt_shared_group: str = Field("safety-intake", pattern=r"^[A-Za-z0-9_-]*$")
    mqtt_password_file: str = ""
    mqtt_acl_file: str = ""
    mqtt_batch_size: int = Field(500, ge=1, le=10_000)
    site: str = "tianchen"
    site_name: str = "田陈煤矿"
    public_url: str = "http://localhost:8000"
    secret_key: str = DEFAULT_SECRET_KEY
    token_expire_minutes: int = Field(12 * 60, ge=1)
    timezone: str = "Asia/Shanghai"
    scheduler_enabled: bool = True
    scheduler_interval_seconds: float = Field(60.0, gt=0)
    escalate_officer_after_hours: float = Field(24.0, gt=0)
    escalate_chief_after_hours: float = Field(72.0, gt=0)
    counselling_observation_days: int = Field(30, ge=1, le=365)
    counselling_session_interval_days: int = Field(14, ge=1, le=365)
    counselling_auto_open: bool = True
    log_level: str = "INFO"
    opentelemetry: bool = False
    qr_keys: str = ""
    qr_font: str = ""
    photo_max_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    photo_max_pixels: int = Field(40_000_000, ge=10_000)
    photo_max_side: int = Field(1600, ge=200, le=8000)
    public_rate_per_minute: int = Field(120, ge=0)
    report_rate_per_minute: int = Field(12, ge=0)
    console_cookie_secure: bool = True
    console_page_size: int = Field(25, ge=5, le=200)
    console_poll_seconds: int = Field(15, ge=0)
    console_stats_ttl_seconds: float = Field(300.0, ge=0)
    triage_hours: float = Field(24.0, gt=0)
    verification_hours: float = Field(48.0, gt=0)
    reward_general_points: int = Field(10, ge=0)
    reward_major_points: int = Field(50, ge=0)
    reward_major_bonus_points: int = Field(100, ge=0)

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """The SQLite database file, or None for another database or in-memory."""
        if not self.is_sqlite:
            return None
        path = self.database_url.split(":///", 1)[-1]
        return None if path in ("", ":memory:") else Path(path)

    def check_production(self) -> None:
        """Refuse a production start with a default or empty secret key."""
        if self.env != "production":
            return
        if not self.secret_key.strip() or self.secret_key == DEFAULT_SECRET_KEY:
            raise InsecureSettings(
                "SAFETY_SECRET_KEY is empty or the default; set a long random value "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))') "
                "before starting with SAFETY_ENV=production."
            )
        if len(self.secret_key) < 32:
            raise InsecureSettings("SAFETY_SECRET_KEY must be at least 32 characters in production.")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
