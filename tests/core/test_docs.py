"""The API docs work on a network with no way out: /docs and /redoc load nothing from outside."""

from pathlib import Path

from safety_service.main import create_app
from tests.conftest import make_settings
from tests.live import chromium, screenshots, serving
from tests.mqtt.mosquitto import free_port


def test_docs_and_redoc_render_from_the_service_alone(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'docs.db'}"), run_scheduler=False, run_mqtt=False)
    with serving(app, port), chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requested: list[str] = []  # what went out: answered, or failed on the network (not refused by the page)
        page.on("response", lambda response: requested.append(response.url))
        page.on("requestfailed", lambda request: request.failure == "csp" or requested.append(request.url))
        page.goto(f"{base}/docs")
        page.wait_for_selector(".opblock", timeout=60_000)  # Swagger UI ran and listed the operations
        page.screenshot(path=str(screenshots(tmp_path) / "api-docs.png"))
        page.goto(f"{base}/redoc")
        page.wait_for_selector("[data-section-id]", timeout=60_000)  # ReDoc ran and rendered the sections
        page.screenshot(path=str(screenshots(tmp_path) / "api-redoc.png"))
    outside = [url for url in requested if not url.startswith((base + "/", "data:", "blob:"))]
    assert outside == []
    assert f"{base}/openapi.json" in requested and any("/docs-static/" in url for url in requested)
