"""The smallest FastAPI app: one ``GET /ping``, the ceiling the list endpoint's rate is compared with."""

from fastapi import FastAPI

from safety_service.config import get_settings
from safety_service.main import telemetry

# Configured as the service's app is (OpenTelemetry off unless SAFETY_OPENTELEMETRY), so the two compare alike.
app = FastAPI(title="ping", telemetry=telemetry(get_settings()))


@app.get("/ping")
async def ping() -> dict[str, bool]:
    """Always fine."""
    return {"ok": True}
