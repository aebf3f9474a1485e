"""A Mosquitto the test starts itself, with the project's docker/mosquitto.conf, on a free loopback port."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from safety_service.kiosks import service as kiosks_service

DOCKER_CONFIG = Path(__file__).resolve().parents[2] / "docker" / "mosquitto.conf"
HEALTH_ACL = DOCKER_CONFIG.with_name("mosquitto-health.acl")
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def refused_port() -> Iterator[int]:
    """A loopback port where nothing listens while the block runs: held bound and not listening, so a
    connection is refused and no server of the run can be given it, as one can a port of ``free_port``
    (released at once; in stop 40's CI a restarted receiver was given its old port back)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


class Mosquitto:
    """docker/mosquitto.conf with this run's files and ports: the kiosks' listener on ``port``, the
    service's on ``service_port``; anonymous (and client ids as sent) when no password file is given."""

    def __init__(self, workdir: Path, *, password_file: Path | None = None, acl_file: Path | None = None,
                 tls: tuple[Path, Path] | None = None) -> None:
        """``tls``: the server's certificate and key files for the TLS listeners (none: no TLS listeners)."""
        self.workdir, self.port, self.service_port = workdir, free_port(), free_port()
        self.health_port = free_port()  # the anonymous health-check listener (compose.yaml's healthcheck)
        self.tls_port, self.service_tls_port = (free_port(), free_port()) if tls else (None, None)
        self.tls = tls
        self.pid_file = workdir / "mosquitto.pid"  # what SAFETY_MQTT_BROKER_PID_FILE names
        self.config = workdir / "mosquitto.conf"
        (workdir / "data").mkdir(parents=True, exist_ok=True)
        self.config.write_text(self._config(password_file, acl_file), encoding="utf-8")
        self.process: subprocess.Popen | None = None

    def _config(self, password_file: Path | None, acl_file: Path | None) -> str:
        text = DOCKER_CONFIG.read_text(encoding="utf-8")
        text = re.sub(r"^listener 1883$", f"listener {self.port} 127.0.0.1", text, flags=re.MULTILINE)
        text = re.sub(r"^listener 1884$", f"listener {self.service_port} 127.0.0.1", text, flags=re.MULTILINE)
        text = re.sub(r"^listener 1880 127.0.0.1$", f"listener {self.health_port} 127.0.0.1", text, flags=re.MULTILINE)
        text = text.replace("acl_file /mosquitto/config/health.acl", f"acl_file {HEALTH_ACL}")
        if self.tls is None:
            text = re.sub(r"\n# MQTT over TLS.*\Z", "\n", text, flags=re.DOTALL)
        else:
            text = re.sub(r"^listener 8883$", f"listener {self.tls_port} 127.0.0.1", text, flags=re.MULTILINE)
            text = re.sub(r"^listener 8884$", f"listener {self.service_tls_port} 127.0.0.1", text, flags=re.MULTILINE)
            text = re.sub(r"^certfile .*$", f"certfile {self.tls[0]}", text, flags=re.MULTILINE)
            text = re.sub(r"^keyfile .*$", f"keyfile {self.tls[1]}", text, flags=re.MULTILINE)
        text = re.sub(r"^persistence_location .*$", f"persistence_location {self.workdir / 'data'}/", text, flags=re.MULTILINE)
        if password_file is None:
            text = re.sub(r"^(password_file|acl_file /mosquitto/generated/|use_username_as_clientid).*\n", "", text,
                          flags=re.MULTILINE)
            text = text.replace("allow_anonymous false", "allow_anonymous true")
        else:
            service_file = kiosks_service.service_passwords_path(password_file)
            text = re.sub(r"^password_file .*/passwords$", f"password_file {password_file}", text, flags=re.MULTILINE)
            text = re.sub(r"^password_file .*/service-passwords$", f"password_file {service_file}", text,
                          flags=re.MULTILINE)
            text = re.sub(r"^acl_file /mosquitto/generated/acl$", f"acl_file {acl_file}", text, flags=re.MULTILINE)
        user = "user root\n" if os.geteuid() == 0 else ""
        return user + text + f"log_dest file {self.workdir / 'mosquitto.log'}\npid_file {self.pid_file}\n"

    def url(self, username: str | None = None, password: str | None = None, *, tls: bool = False,
            host: str = "127.0.0.1") -> str:
        """The kiosks' listener."""
        auth = f"{username}:{password}@" if username else ""
        return f"mqtts://{auth}{host}:{self.tls_port}" if tls else f"mqtt://{auth}{host}:{self.port}"

    def service_url(self, username: str | None = None, password: str | None = None, *, tls: bool = False) -> str:
        """The service's listener."""
        auth = f"{username}:{password}@" if username else ""
        return f"mqtts://{auth}127.0.0.1:{self.service_tls_port}" if tls else f"mqtt://{auth}127.0.0.1:{self.service_port}"

    def start(self) -> "Mosquitto":
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mosquitto exited: {self.process.stderr.read().decode()}")
            if self._listening():
                return self
            time.sleep(0.05)
        raise RuntimeError("mosquitto did not start listening")

    def _listening(self) -> bool:
        """Whether our own process (not another that took the port) listens on the port."""
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
        except OSError:
            return False
        time.sleep(0.1)
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"port {self.port} was taken by another process")
        return True

    def reload(self) -> None:
        """Re-read the password file and ACL (SIGHUP)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGHUP)
        time.sleep(0.3)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()
