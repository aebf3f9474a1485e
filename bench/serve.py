"""Serve the real app or the ping app with one and the same uvicorn configuration.

    SAFETY_DATABASE_URL=... .venv/bin/python bench/serve.py {safety,ping} --port P

Only ever binds 127.0.0.1. Like ``safety-service serve`` (one process, uvloop and httptools
when installed, proxy headers on) but without the per-request access log, for both apps alike.
"""

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvicorn
from fastapi import FastAPI


def app_named(name: str) -> FastAPI:
    if name == "ping":
        from bench.ping_app import app
        from safety_service.heap import settle_heap

        settle_heap()
        return app
    from safety_service.config import get_settings
    from safety_service.heap import settle_heap
    from safety_service.main import create_app

    app = create_app(get_settings())

    async def ping() -> dict[str, bool]:
        return {"ok": True}

    # The same server's ping: the real app's middleware, nothing else; routed first, so it pays no
    # route matching the list does not (the strictest ceiling this server has).
    app.add_api_route("/bench/ping", ping, methods=["GET"])
    app.router.routes.insert(0, app.router.routes.pop())
    settle_heap()  # as `safety-service serve` does
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("app", choices=("safety", "ping"))
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app_named(args.app), host="127.0.0.1", port=args.port, log_level="warning",
                access_log=False, proxy_headers=True)


if __name__ == "__main__":
    main()
