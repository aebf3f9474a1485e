"""What counting a request costs: ``RequestMetrics`` (on with SAFETY_METRICS_TOKEN) around an ASGI app that
answers at once, against that app alone, in one process (no sockets, so the machine's load blurs it less
than wrk does). Prints microseconds per request and the middleware's share of a request at the given
rate (default: the same server's ping, about 3,800 req/s on the 2-core machine).

    .venv/bin/python bench/metrics_overhead.py [--requests 100000] [--rate 3800]
"""

import argparse
import asyncio
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from safety_service.api.metrics import RequestMetrics
from safety_service.metrics import Metrics

ROUTE = Route("/api/v1/hazards/{ref}", lambda request: None)
SCOPE = {"type": "http", "method": "GET", "path": "/api/v1/hazards/YH-2026-000001"}


async def answer(scope: Scope, receive: Receive, send: Send) -> None:
    scope["route"] = ROUTE  # as the router leaves it
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def _send(message: Message) -> None:
    return None


async def _receive() -> Message:
    return {"type": "http.request"}


async def per_request(app, requests: int) -> float:
    """Microseconds per request through ``app``."""
    started = time.perf_counter()
    for _ in range(requests):
        await app(dict(SCOPE), _receive, _send)
    return (time.perf_counter() - started) / requests * 1e6


async def measure(requests: int) -> tuple[float, float]:
    counted = RequestMetrics(answer, metrics=Metrics(), routes=[ROUTE])
    await per_request(counted, 1000)  # warm-up: the series exist
    bare, with_metrics = [], []
    for _ in range(3):  # interleaved, best of three: the least disturbed run of each
        bare.append(await per_request(answer, requests))
        with_metrics.append(await per_request(counted, requests))
    return min(bare), min(with_metrics)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000, choices=range(1000, 1_000_001), metavar="1000..1e6")
    parser.add_argument("--rate", type=float, default=3800.0, help="req/s of the request to compare with")
    args = parser.parse_args()
    bare, with_metrics = asyncio.run(measure(args.requests))
    cost = with_metrics - bare
    print(f"bare ASGI app: {bare:.2f} us/request; with RequestMetrics: {with_metrics:.2f} us/request")
    print(f"counting costs {cost:.2f} us a request: {cost / (1e6 / args.rate):.1%} of a request at {args.rate:,.0f} req/s")


if __name__ == "__main__":
    main()
