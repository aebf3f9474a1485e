"""A private Mosquitto on a free loopback port, which a test may stop and start again."""

import socket
import subprocess
import time
from pathlib import Path

from tests.devices.service import HOST, closed_port

MOSQUITTO = "/usr/sbin/mosquitto"


class PrivateBroker:
    """Mosquitto with its own config file (anonymous, no persistence) on a port of its own."""

    def __init__(self, directory: Path) -> None:
        self.port = closed_port()
        self.config = directory / "mosquitto.conf"
        self.config.write_text(f"listener {self.port} {HOST}\nallow_anonymous true\npersistence false\n")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://{HOST}:{self.port}"

    def start(self) -> "PrivateBroker":
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.02)
        raise AssertionError(f"mosquitto did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(5)
            self.process = None
