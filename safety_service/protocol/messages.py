"""The service's messages to kiosks, built from plain values: the domains say what, this module says how
it looks on the wire (schema version, field names, localized pairs). It knows no table; a row passed in
needs only the attributes its ``Protocol`` names."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal, Protocol
from uuid import UUID

from safety_service.clock import as_utc
from safety_service.protocol import base, kiosk_reads, retained


class Named(Protocol):
    """Anything with a code and a name in both languages (an area, a category)."""

    @property
    def code(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str | None: ...


class BulletinText(Protocol):
    """A bulletin as the kiosks show it."""

    @property
    def id(self) -> int | None: ...
    @property
    def title_zh(self) -> str: ...
    @property
    def title_en(self) -> str | None: ...
    @property
    def body_zh(self) -> str: ...
    @property
    def body_en(self) -> str | None: ...
    @property
    def areas(self) -> list[str]: ...
    @property
    def valid_from(self) -> datetime | None: ...
    @property
    def valid_to(self) -> datetime | None: ...


def localized(zh: str, en: str | None) -> base.Localized:
    """A text in Chinese and, where there is one, English (an empty English text is none)."""
    return base.Localized(zh=zh, en=en or None)


def notice(*, notice_id: int, kind: str, at: datetime, hazard_ref: str | None, title: base.Localized,
           body: base.Localized) -> kiosk_reads.KioskNotice:
    """``kiosk-notice/1``: feedback on a report, or an escalation for the kiosk's area."""
    return kiosk_reads.KioskNotice(schema="kiosk-notice/1", notice_id=notice_id, kind=kind, at=at,
                                   hazard_ref=hazard_ref, title=title, body=body)


def bulletin(*, site: str, now: datetime, bulletins: Iterable[BulletinText]) -> retained.Bulletin:
    """``bulletin/1``: the site's current set, in the order given."""
    items = [retained.BulletinItem(
        id=b.id, title=base.Localized(zh=b.title_zh, en=b.title_en),
        body=base.Localized(zh=b.body_zh, en=b.body_en), areas=b.areas,
        valid_from=b.valid_from and as_utc(b.valid_from), valid_to=b.valid_to and as_utc(b.valid_to),
    ) for b in bulletins]
    return retained.Bulletin(schema="bulletin/1", site=site, published_at=now, bulletins=items)


def categories(*, site: str, now: datetime, categories: Iterable[Named]) -> retained.Categories:
    """``categories/1``: what a kiosk offers as category buttons, in display order."""
    items = [retained.CategoryItem(code=c.code, name=localized(c.name_zh, c.name_en)) for c in categories]
    return retained.Categories(schema="categories/1", site=site, published_at=now, categories=items)


def board(*, site: str, area: Named, month: str, now: datetime, major: Sequence[retained.BoardHazard],
          reported: int, closed: int, overdue: int, top_reporters: Sequence[retained.BoardReporter],
          risk_points: Sequence[retained.BoardRiskPoint]) -> retained.BoardV2:
    """``board/2``: an area's public hazard board for the local month ``month`` (``YYYY-MM``), with its
    risk points for the four-colour map and the report's risk point choice."""
    return retained.BoardV2(schema="board/2", site=site, area=area.code,
                            area_name=localized(area.name_zh, area.name_en), month=month, published_at=now,
                            major=list(major), reported=reported, closed=closed, overdue=overdue,
                            top_reporters=list(top_reporters), risk_points=list(risk_points))


class LibraryText(Protocol):
    """A standard hazard library item as the kiosks match it."""

    @property
    def id(self) -> int: ...
    @property
    def category(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def grade(self) -> str: ...
    @property
    def level(self) -> str | None: ...


def hazard_library(*, site: str, now: datetime, items: Iterable[LibraryText]) -> retained.HazardLibrary:
    """``hazard-library/1``: the active standard hazard library items, in the order given."""
    entries = [retained.LibraryEntry(id=i.id, category=i.category, title=i.title, grade=i.grade, level=i.level)
               for i in items]
    return retained.HazardLibrary(schema="hazard-library/1", site=site, published_at=now, items=entries)


def awards(*, site: str, now: datetime, days: int, lines: Iterable[retained.AwardLine]) -> retained.Awards:
    """``awards/1``: the public list of awards of the last ``days`` days, newest first."""
    return retained.Awards(schema="awards/1", site=site, published_at=now, days=days, awards=list(lines))


def ack(*, report_id: UUID | str | None, at: datetime, outcome: Literal["accepted", "duplicate", "rejected"],
        hazard_ref: str | None = None, tracking_code: str | None = None,
        error: kiosk_reads.AckError | None = None) -> kiosk_reads.KioskAck:
    """``kiosk-ack/1``: the answer to one report, sent after it is stored (or refused)."""
    return kiosk_reads.KioskAck(schema="kiosk-ack/1", report_id=report_id, at=at, outcome=outcome,
                                hazard_ref=hazard_ref, tracking_code=tracking_code, error=error)


def answer(*, report_id: UUID | str | None, outcome: Literal["accepted", "duplicate", "rejected"],
           hazard_ref: str | None = None, tracking_code: str | None = None,
           error: kiosk_reads.AckError | None = None) -> kiosk_reads.AckResult:
    """One report's answer, whichever ack version carries it."""
    return kiosk_reads.AckResult(report_id=report_id, outcome=outcome, hazard_ref=hazard_ref,
                                 tracking_code=tracking_code, error=error)


def ack_of(result: kiosk_reads.AckResult, *, at: datetime) -> kiosk_reads.KioskAck:
    """``kiosk-ack/1`` carrying one answer."""
    return kiosk_reads.KioskAck(schema="kiosk-ack/1", at=at, **dict(result))


def acks(*, at: datetime, results: Sequence[kiosk_reads.AckResult]) -> kiosk_reads.KioskAckV2:
    """``kiosk-ack/2``: the answers to one kiosk's reports of one committed batch, in the order they arrived."""
    return kiosk_reads.KioskAckV2(schema="kiosk-ack/2", at=at, results=list(results))
