"""Text the kiosk command shows people: Chinese first, then English."""

from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    "accepted": ("已受理：隐患编号 {hazard_ref}，查询码 {tracking_code}",
                 "Accepted: hazard {hazard_ref}, tracking code {tracking_code}"),
    "duplicate": ("已受理（重复提交）：隐患编号 {hazard_ref}，查询码 {tracking_code}",
                  "Accepted (already received): hazard {hazard_ref}, tracking code {tracking_code}"),
    "rejected": ("未受理：{error}", "Rejected: {error}"),
    "saved": ("举报已保存，尚未收到回执，联网后会自动重发：{key}",
              "Report saved but not yet acknowledged; it will be resent when online: {key}"),
    "read_delivered": ("已确认阅读公告 {bulletin_id}", "Reading of bulletin {bulletin_id} confirmed"),
    "read_saved": ("阅读确认已保存，联网后会自动发送：{key}",
                   "Reading confirmation saved; it will be sent when online: {key}"),
    "nothing_pending": ("没有待发送的消息", "Nothing waiting to be sent"),
    "pending_line": ("{created_at}  {kind}  {key}  已发送 {sent_count} 次  {summary}",
                     "{created_at}  {kind}  {key}  sent {sent_count}x  {summary}"),
    "notice": ("通知：{title}\n  {body}", "Notice: {title}\n  {body}"),
    "bulletin": ("公告 {id}：{title}\n  {body}", "Bulletin {id}: {title}\n  {body}"),
    "listening": ("正在接收回执、通知和公告（Ctrl-C 结束）", "Listening for acks, notices and bulletins (Ctrl-C to stop)"),
    "protocol_fallback": ("代理服务器不支持 MQTT 5，已改用 MQTT {protocol}",
                          "The broker refused MQTT 5; using MQTT {protocol}"),
    "app_serving": ("触摸屏已启动：{url}", "Kiosk screen serving at {url}"),
    "urgent_alerted": ("已按紧急上报，调度室已收到通知", "Reported as urgent: the dispatch room has been alerted"),
    "error": ("错误：{error}", "Error: {error}"),
    "rated": ("已评价隐患 {hazard_ref}：{rating}，谢谢", "Hazard {hazard_ref} rated: {rating}. Thank you"),
    "rated_before": ("隐患 {hazard_ref} 已经评价过，本次评价未计入",
                     "Hazard {hazard_ref} was rated before; this rating was not counted"),
    "rating_saved": ("评价已保存，尚未收到回执，联网后会自动重发：{key}",
                     "Rating saved but not yet acknowledged; it will be resent when online: {key}"),
    "ratable_line": ("{hazard_ref}  {closed_at}  {title}", "{hazard_ref}  {closed_at}  {title}"),
    "nothing_ratable": ("没有待评价的已销号隐患", "No closed hazards waiting for a rating"),
}

RATING_WORDS: dict[str, tuple[str, str]] = {"satisfied": ("满意", "satisfied"), "basic": ("基本满意", "mostly satisfied"),
                                            "dissatisfied": ("不满意", "dissatisfied")}


def text(message: str, **fields: Any) -> str:
    """The Chinese line, then the English line, for one message."""
    zh, en = MESSAGES[message]
    return f"{zh.format(**fields)}\n{en.format(**fields)}"


def text_in(message: str, zh: dict[str, Any], en: dict[str, Any]) -> str:
    """Like ``text``, with different field values per language (e.g. a notice's own zh and en titles)."""
    zh_line, en_line = MESSAGES[message]
    return f"{zh_line.format(**zh)}\n{en_line.format(**en)}"


def localized(value: dict[str, Any] | None, language: str) -> str:
    """One language of a ``{"zh": ..., "en": ...}`` text, falling back to Chinese."""
    if not value:
        return ""
    return value.get(language) or value["zh"]
