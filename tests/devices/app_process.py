"""The kiosk app as the tablet runs it: ``python -m devices.kiosk ... app`` in a process of its own, so a test
can kill it the way a power cut does."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.mqtt.mosquitto import free_port


class AppProcess:
    """One kiosk's screen server on a free loopback port; ``kill()`` and ``start()`` again as a reboot."""

    def __init__(self, *, broker_url: str, site: str, kiosk_id: str, folder: Path, idle: int = 90,
                 phone: str = "0632-5851110", pin: str = "2468", home_location: str = "") -> None:
        self.port = free_port()
        self.folder = folder
        self.args = [sys.executable, "-m", "devices.kiosk", "--broker", broker_url, "--site", site,
                     "--kiosk", kiosk_id, "--outbox", str(folder / "kiosk.db"), "app", "--port", str(self.port),
                     "--phone", phone, "--pin", pin, "--idle", str(idle), "--locations", "PH-1=主井井口",
                     "--home-location", home_location]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def draft_file(self) -> Path:
        return self.folder / "kiosk.db.draft.json"

    def start(self) -> "AppProcess":
        self.process = subprocess.Popen(self.args, env=os.environ.copy(), stdout=subprocess.DEVNULL,
                                        stderr=open(self.folder / "app.log", "ab"))  # noqa: SIM115
        deadline = time.monotonic() + 60  # its imports alone took 9 s on a loaded machine
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.folder / "app.log").read_text())
            try:
                self.state()
            except OSError:
                time.sleep(0.1)
                continue
            return self
        raise RuntimeError("the kiosk app did not start")

    def state(self) -> dict:
        with urllib.request.urlopen(f"{self.url}api/state", timeout=2) as response:
            return json.loads(response.read())

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as when the tablet loses power."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
