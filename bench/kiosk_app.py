"""The kiosk screen at loopback: the report screen's page weight and the time from "提交" to the ack on screen.

Starts Mosquitto (docker/mosquitto.conf, free port), `safety-service intake` on a fresh SQLite file
with one kiosk, and `safety-kiosk app` for that kiosk; headless Chromium at 1280x800 loads the
report screen (every byte it fetches counted) and then submits --reports reports, timing each
from the tap on 提交 to the hazard number on screen. Prints the page weight against its 200 KB
budget and the p50/p95/max against the 1 s goal; exits non-zero when either is over.
Usage: python bench/kiosk_app.py [--reports 40]
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright

from tests.live import CHROMIUM, CHROMIUM_FLAGS
from tests.mqtt.mosquitto import Mosquitto, free_port

SITE = "benchapp"
PAGE_BUDGET = 200 * 1024
ACK_GOAL = 1.0


def start_service(broker: Mosquitto, work: Path) -> tuple[subprocess.Popen, str]:
    """The intake on a fresh SQLite file with one kiosk; the process and the kiosk's password."""
    env = {**os.environ, "SAFETY_DATABASE_URL": f"sqlite:///{work / 'bench.db'}", "SAFETY_SITE": SITE,
           "SAFETY_MQTT_URL": broker.url(), "SAFETY_MQTT_CLIENT_ID": "safety-bench-app", "SAFETY_LOG_LEVEL": "WARNING",
           "SAFETY_SECRET_KEY": "bench-" + "k" * 40, "SAFETY_DATA_DIR": str(work)}
    cli = [sys.executable, "-m", "safety_service"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "location", "add", "BENCH", "--name", "井口接待站"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "kiosk", "add", "BENCH-K1", "--location", "BENCH"], env=env, check=True, capture_output=True)
    return subprocess.Popen([*cli, "intake"], env=env), "BENCH-K1"


def start_app(broker: Mosquitto, kiosk_id: str, work: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "devices.kiosk", "--broker", broker.url(), "--site", SITE,
                                "--kiosk", kiosk_id, "--outbox", str(work / "kiosk.db"), "app", "--port", str(port)],
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}api/state", timeout=1) as answer:
                if b'"connected": true' in answer.read():
                    return process, url
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the kiosk app did not connect")


def page_weight(page: Page, url: str) -> int:
    """Bytes of every response the report screen needs (body sizes, as on the wire at loopback)."""
    sizes: list[int] = []
    page.on("response", lambda response: sizes.append(len(response.body())))
    page.goto(url)
    page.get_by_role("button", name="我要举报隐患").click()
    page.wait_for_load_state("networkidle")
    return sum(sizes)


def submit_times(page: Page, url: str, reports: int) -> list[float]:
    page.goto(url)
    page.get_by_role("button", name="我要举报隐患").click()
    times = []
    for n in range(reports):
        page.get_by_role("button", name="顶板").click()
        page.locator("#description").fill(f"顶板裂缝 {n}")
        page.get_by_role("button", name="匿名举报").click()
        began = time.perf_counter()
        page.get_by_role("button", name="提交").click()
        page.get_by_test_id("hazard-ref").filter(has_text=re.compile(r"\S")).wait_for(timeout=30_000)
        times.append(time.perf_counter() - began)
        page.get_by_role("button", name="再举报一条").click()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        broker = Mosquitto(work / "mosquitto").start()
        service, kiosk_id = start_service(broker, work)
        app, url = start_app(broker, kiosk_id, work)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                weight = page_weight(browser.new_page(viewport={"width": 1280, "height": 800}), url)
                times = submit_times(browser.new_page(viewport={"width": 1280, "height": 800}), url, args.reports)
                browser.close()
        finally:
            for process in (app, service):
                process.terminate()
                process.wait(timeout=30)
            broker.stop()
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"report screen: {weight / 1024:.1f} KB (budget {PAGE_BUDGET // 1024} KB, {weight / PAGE_BUDGET:.0%} of it)")
    print(f"提交 -> ack on screen, {len(times)} reports: p50 {statistics.median(times) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms (goal p95 < {ACK_GOAL * 1000:.0f} ms, "
          f"p95 at {p95 / ACK_GOAL:.0%} of it)")
    if weight > PAGE_BUDGET or p95 > ACK_GOAL:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
