"""The smallest FastAPI app: one ``GET /ping``, the ceiling the list endpoint's rate is compared with."""

from fastapi import FastAPI

app = FastAPI(title="ping")


@app.get("/ping")
async def ping() -> dict[str, bool]:
    """Always fine."""
    return {"ok": True}
