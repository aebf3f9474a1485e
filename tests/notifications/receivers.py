"""Real loopback receivers standing in for the robots and the mail server."""

import json
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.mqtt.mosquitto import refused_port


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Robot:
    """An HTTP receiver: answers each request with the next planned behaviour ("ok", a status, "hang")."""

    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    plan: list = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    on_request: object = None

    def start(self) -> "Robot":
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parts = urlsplit(self.path)
                behaviour = robot.plan.pop(0) if robot.plan else "ok"
                if behaviour == "hang":
                    time.sleep(1.5)
                    return
                robot.received.append(Received(parts.path, parse_qs(parts.query), dict(self.headers), body))
                robot.arrived.set()
                if callable(robot.on_request):
                    robot.on_request()
                status = 200 if behaviour == "ok" else int(behaviour)
                data = json.dumps(robot.answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def refusing_address() -> Iterator[str]:
    """An http:// address on loopback where nothing listens, for as long as it is used (``refused_port``)."""
    with refused_port() as port:
        yield f"http://127.0.0.1:{port}"


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def _say(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self._say("220 loopback ESMTP")
        envelope: dict = {"to": []}
        while line := self.rfile.readline():
            verb = line.decode("utf-8", "replace").strip()
            upper = verb.upper()
            if upper.startswith(("EHLO", "HELO")):
                self._say("250 loopback")
            elif upper.startswith("MAIL FROM:"):
                envelope = {"from": verb[10:].strip("<> "), "to": []}
                self._say("250 OK")
            elif upper.startswith("RCPT TO:"):
                envelope["to"].append(verb[8:].strip("<> "))
                self._say("250 OK")
            elif upper == "DATA":
                self._say("354 end with .")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.server.mails.append({**envelope, "data": data})  # type: ignore[attr-defined]
                self._say("250 queued")
            elif upper == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 OK")


class SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.mails: list[dict] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
