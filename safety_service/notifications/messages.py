"""The text of an outgoing message, from the notifications it carries, in the mine's language (zh-CN)."""

from collections import Counter
from collections.abc import Mapping
from typing import Any

from safety_service.i18n import DEFAULT_LANGUAGE, translate
from safety_service.notifications.channels import Message

LISTED = 30
DAILY_FIGURES = ("open", "due_today", "overdue", "urgent")  # a digest lists this many items; the counts cover them all


def _line(item: dict[str, Any], base_url: str, language: str) -> str:
    if item.get("kind") == "ten_day_summary":
        return "- " + _ten_day(item, language)
    ref = item.get("ref")
    what = translate(language, f"notify.kind.{item.get('kind')}")
    if not ref:
        return f"- {what}"
    return f"- {what}: [{ref}]({base_url}/console/hazards/{ref})"


def _ten_day(item: dict[str, Any], language: str) -> str:
    """One unit's line of the ten-day summary (旬报)."""
    figures = {key: item.get(key, 0) for key in ("found", "about", "closed_on_time", "overdue", "extensions",
                                                 "violations")}
    return translate(language, "notify.line.ten_day", unit=item.get("unit_name", ""), **figures,
                     satisfaction=item.get("satisfaction") or translate(language, "notify.line.no_rating"))


def render(items: list[dict[str, Any]], *, kind: str, urgent: bool, base_url: str,
           counts: Mapping[str, int] | None = None, language: str = DEFAULT_LANGUAGE) -> Message:
    """One message for the items: an urgent alert, a single notice, or a digest with counts and links
    (``counts`` per kind cover every notification, when the items listed are fewer)."""
    counts = Counter(counts) if counts else Counter(str(i.get("kind")) for i in items)
    total = sum(counts.values())
    if items and set(counts) == {"ten_day_summary"}:
        title = translate(language, "notify.title.ten_day_summary", period=items[0].get("period", ""))
        return Message(title, [_line(item, base_url, language) for item in items] + [f"{base_url}/console/scorecard"],
                       urgent=False, event="ten_day_summary", items=items)
    if total == 1 and len(items) == 1:
        item = items[0]
        title = translate(language, f"notify.title.{item.get('kind')}", ref=item.get("ref") or "")
        lines = [_line(item, base_url, language)]
        if item.get("location"):
            lines.append(translate(language, "notify.line.location", location=item["location"]))
        if item.get("kind") == "daily_digest":
            lines = [translate(language, "notify.line.daily", **{k: item.get(k, 0) for k in DAILY_FIGURES}),
                     f"{base_url}/console/"]
        if item.get("description"):
            lines.append(translate(language, "notify.line.description", text=str(item["description"])[:200]))
        return Message(title, lines, urgent=urgent, event=str(item.get("kind") or kind), items=items)
    title = translate(language, "notify.title.digest", count=total)
    lines = [translate(language, "notify.line.count", what=translate(language, f"notify.kind.{k}"), count=n)
             for k, n in counts.most_common()]
    lines += [_line(item, base_url, language) for item in items[:LISTED]]
    if total > min(len(items), LISTED):
        lines.append(translate(language, "notify.line.more", count=total - min(len(items), LISTED),
                               url=f"{base_url}/console/"))
    return Message(title, lines, urgent=urgent, event="digest", items=items)
