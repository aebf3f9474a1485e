"""The wire format of each channel kind, and sending one message over it.

Formats, as each provider documents them (read December 2026):

- WeCom group robot (企业微信群机器人): ``POST {webhook}?key=…`` with
  ``{"msgtype": "markdown", "markdown": {"content": …}}`` (content at most 4096 bytes), answer
  ``{"errcode": 0}``. developer.work.weixin.qq.com/document/path/91770 "群机器人配置说明".
- DingTalk custom robot (钉钉自定义机器人): ``POST {webhook}?access_token=…`` with
  ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``, answer ``{"errcode": 0}``. With the
  "加签" security option, ``&timestamp={ms}&sign={urlencode(base64(HmacSHA256(key=secret,
  msg=timestamp + "\\n" + secret)))}``. open.dingtalk.com/document/robots/custom-robot-access.
- Feishu custom bot (飞书自定义机器人): ``POST …/open-apis/bot/v2/hook/{id}`` with
  ``{"msg_type": "text", "content": {"text": …}}``, answer ``{"code": 0}``. With "签名校验" the body also
  carries ``"timestamp"`` (seconds, as a string) and ``"sign"`` = base64(HmacSHA256(key=timestamp + "\\n"
  + secret, msg="")), within an hour of Feishu's clock. open.feishu.cn/document/client-docs/bot-v3/add-custom-bot.
- Generic webhook (this service's own): ``POST {url}`` with the JSON described in docs/notifications.md;
  headers ``X-Safety-Timestamp`` (seconds), ``X-Safety-Delivery`` (the message id, for the receiver to
  drop a repeat) and ``X-Safety-Signature: sha256=`` + hex HMAC-SHA256(secret, timestamp + "." + body).
  Any 2xx answer is success.
- Email: SMTP (``smtp://user:pass@host:port?from=…&starttls=1``, ``smtps://`` for TLS from the start).
"""

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, quote_plus, unquote, urlsplit

from safety_service.notifications.models import ChannelKind

WECOM_MAX_BYTES = 4096


@dataclass(frozen=True)
class Message:
    """What one send says: a title, lines of text (markdown-light), and whether it is urgent."""

    title: str
    lines: list[str]
    urgent: bool = False
    event: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)  # for the generic webhook: one object per notification


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class HttpRequest:
    url: str
    body: bytes
    headers: dict[str, str]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a robot URL that redirects is misconfigured: fail, never re-POST elsewhere


_OPENER = urllib.request.build_opener(_NoRedirect)


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _markdown(message: Message) -> str:
    return "\n".join([f"**{message.title}**", "", *message.lines])


def _clip(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[: limit - 3].decode("utf-8", "ignore") + "…"


def hmac_b64(key: bytes, msg: bytes) -> str:
    return base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode("ascii")


def wecom_request(url: str, message: Message) -> HttpRequest:
    body = {"msgtype": "markdown", "markdown": {"content": _clip(_markdown(message), WECOM_MAX_BYTES)}}
    return HttpRequest(url, _json(body), {"Content-Type": "application/json"})


def dingtalk_request(url: str, message: Message, secret: str | None, *, now_ms: int) -> HttpRequest:
    if secret:
        sign = hmac_b64(secret.encode("utf-8"), f"{now_ms}\n{secret}".encode())
        url = f"{url}{'&' if '?' in url else '?'}timestamp={now_ms}&sign={quote_plus(sign)}"
    body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": _markdown(message)}}
    return HttpRequest(url, _json(body), {"Content-Type": "application/json"})


def feishu_request(url: str, message: Message, secret: str | None, *, now_s: int) -> HttpRequest:
    body: dict[str, Any] = {}
    if secret:
        body |= {"timestamp": str(now_s), "sign": hmac_b64(f"{now_s}\n{secret}".encode(), b"")}
    body |= {"msg_type": "text", "content": {"text": "\n".join([message.title, *message.lines])}}
    return HttpRequest(url, _json(body), {"Content-Type": "application/json"})


def webhook_request(url: str, message: Message, secret: str | None, *, now_s: int, delivery: str) -> HttpRequest:
    payload = {"schema": "safety.notify/1", "event": message.event, "urgent": message.urgent,
               "title": message.title, "lines": message.lines, "items": message.items}
    body = _json(payload)
    headers = {"Content-Type": "application/json", "X-Safety-Timestamp": str(now_s), "X-Safety-Delivery": delivery}
    if secret:
        digest = hmac.new(secret.encode("utf-8"), str(now_s).encode() + b"." + body, hashlib.sha256).hexdigest()
        headers["X-Safety-Signature"] = f"sha256={digest}"
    return HttpRequest(url, body, headers)


def post(request: HttpRequest, *, kind: ChannelKind, timeout: float) -> Outcome:
    """POST the request; success is a 2xx answer and, for the robots, their own ``0`` result code."""
    outgoing = urllib.request.Request(request.url, data=request.body, headers=request.headers, method="POST")
    try:
        with _OPENER.open(outgoing, timeout=timeout) as answer:
            status, text = answer.status, answer.read(4096).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return Outcome(False, exc.code, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError) as exc:
        return Outcome(False, None, _reason(exc)[:300])
    if not 200 <= status < 300:
        return Outcome(False, status, f"HTTP {status}")
    return _robot_result(kind, status, text)


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return f"{type(reason).__name__}: {reason}"


def _robot_result(kind: ChannelKind, status: int, text: str) -> Outcome:
    if kind == ChannelKind.webhook:
        return Outcome(True, status)
    try:
        answer = json.loads(text) if text.strip() else {}
    except ValueError:
        return Outcome(False, status, "answer is not JSON")
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0))) if isinstance(answer, dict) else 0
    if code not in (0, None):
        return Outcome(False, status, f"code {code}: {str(answer.get('errmsg') or answer.get('msg') or '')[:200]}")
    return Outcome(True, status)


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    username: str | None
    password: str | None
    sender: str
    tls: str  # "starttls", "ssl" or "none"


def smtp_target(target: str) -> SmtpTarget:
    """Parse ``smtp://user:pass@host:port?from=addr&starttls=1`` (or ``smtps://``); ValueError names the fault."""
    parts = urlsplit(target)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("an email channel's target is smtp://[user:pass@]host[:port]?from=address")
    query = parse_qs(parts.query)
    sender = (query.get("from") or [""])[0]
    if "@" not in sender:
        raise ValueError("an email channel's target needs ?from=address")
    tls = "ssl" if parts.scheme == "smtps" else ("starttls" if (query.get("starttls") or ["0"])[0] == "1" else "none")
    return SmtpTarget(parts.hostname, parts.port or (465 if tls == "ssl" else 25),
                      unquote(parts.username) if parts.username else None,
                      unquote(parts.password) if parts.password else None, sender, tls)


def send_email(target: SmtpTarget, *, to: str, message: Message, timeout: float) -> Outcome:
    """Send one plain-text email; refusals and connection faults come back as a failed outcome."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = target.sender, to, message.title
    mail.set_content("\n".join(message.lines) + "\n")
    try:
        smtp_class = smtplib.SMTP_SSL if target.tls == "ssl" else smtplib.SMTP
        with smtp_class(target.host, target.port, timeout=timeout) as client:
            if target.tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if target.username:
                client.login(target.username, target.password or "")
            client.send_message(mail)
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(False, getattr(exc, "smtp_code", None), f"{type(exc).__name__}: {exc}"[:300])
    return Outcome(True, 250)
