"""The situations that make a hazard major: 煤矿重大事故隐患判定标准 (应急管理部令第4号, 2020), its 15 categories
(第三条) and the items of 第四条 to 第十八条, in the regulation's wording.

Rows are seeded by the migration from ``data/major_criteria_2020.json`` and kept by administrators: an import of a
new text (JSON of the same shape, or CSV) updates the wording, adds what is new and retires what the file no longer
has; a retired item stays on the hazards graded by it. Grading a hazard 重大 names one active item.
"""

import csv
import io
import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Column, String, UniqueConstraint
from sqlalchemy import Text as SAText
from sqlmodel import Field, Session, SQLModel, col, select

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime
from safety_service.errors import InvalidInput, NotFound, PermissionDenied
from safety_service.people.models import Role, User
from safety_service.validation import ModelConfig, Text

logger = logging.getLogger(__name__)
SEED_FILE = Path(__file__).parent / "data" / "major_criteria_2020.json"
_NUMERALS = "零一二三四五六七八九十"


class MajorCriterion(SQLModel, table=True):
    """One situation of the standard: its article and item, the category it is under, its wording."""

    __tablename__ = "major_hazard_criterion"
    __table_args__ = (UniqueConstraint("article", "item_no", name="uq_major_hazard_criterion_article_item"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(16), unique=True)  # "8.1": 第八条第（一）项
    category_no: int  # 1..15, the order of 第三条
    category_title: str = Field(sa_column=Column(SAText, nullable=False))
    article: int
    item_no: int
    text: str = Field(sa_column=Column(SAText, nullable=False))
    active: bool = True
    updated_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


class CriterionRow(SQLModel):
    """One item as an import file gives it."""

    category_no: int = Field(ge=1, le=99)
    category_title: Text = Field(min_length=2, max_length=500)
    article: int = Field(ge=1, le=99)
    item_no: int = Field(ge=1, le=99)
    text: Text = Field(min_length=2, max_length=1000)


class CriterionPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "id": 31, "code": "8.1", "reference": "第八条第（一）项", "category_no": 5,
        "category_title": "通风系统不完善、不可靠", "article": 8, "item_no": 1,
        "text": "矿井总风量不足或者采掘工作面等主要用风地点风量不足的", "active": True}]})

    id: int
    code: str
    reference: str = Field(description="the article and item as the regulation cites them")
    category_no: int
    category_title: str
    article: int
    item_no: int
    text: str
    active: bool


class CriterionUpdate(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"text": "单回路供电的"}, {"active": False}]})

    text: Text | None = Field(default=None, min_length=2, max_length=1000)
    category_title: Text | None = Field(default=None, min_length=2, max_length=500)
    active: bool | None = None


class ImportSummary(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"added": 2, "changed": 1, "retired": 0,
                                                               "unchanged": 78}]})

    added: int
    changed: int
    retired: int
    unchanged: int


def numeral(n: int) -> str:
    """A number from 1 to 99 in Chinese numerals, as articles and items are numbered (十八, 二十一)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _NUMERALS[tens] + "十")
    return head + (_NUMERALS[ones] if ones else "")


def reference(article: int, item_no: int) -> str:
    """How the regulation cites an item: 第八条第（一）项."""
    return f"第{numeral(article)}条第（{numeral(item_no)}）项"


def public(item: MajorCriterion) -> CriterionPublic:
    """The item as the API shows it."""
    return CriterionPublic(**item.model_dump(exclude={"updated_at"}), reference=reference(item.article, item.item_no))


def list_criteria(session: Session, *, active_only: bool = False) -> list[CriterionPublic]:
    """The standard in its own order: by category, then item."""
    query = select(MajorCriterion).order_by(col(MajorCriterion.category_no), col(MajorCriterion.item_no))
    if active_only:
        query = query.where(col(MajorCriterion.active).is_(True))
    return [public(item) for item in session.exec(query).all()]


def criterion_for(session: Session, *, criterion_id: int | None, major: bool) -> MajorCriterion | None:
    """The active item a grading names: required for a major hazard, refused for a general one."""
    if not major:
        if criterion_id is not None:
            raise InvalidInput("only a major hazard names a situation of the standard", field="major_criterion")
        return None
    if criterion_id is None:
        raise InvalidInput("a major hazard needs the situation of 煤矿重大事故隐患判定标准 it meets",
                           field="major_criterion")
    item = session.get(MajorCriterion, criterion_id)
    if item is None or not item.active:
        raise InvalidInput(f"no active situation {criterion_id} in the standard", field="major_criterion")
    return item


def get_criterion(session: Session, *, criterion_id: int) -> MajorCriterion:
    """The item with this id, or NotFound."""
    item = session.get(MajorCriterion, criterion_id)
    if item is None:
        raise NotFound(f"no situation {criterion_id} in the standard", field="criterion_id")
    return item


def _require_admin(actor: User) -> None:
    if actor.role != Role.admin:
        raise PermissionDenied(f"role '{actor.role}' may not change the major hazard standard")


def update_criterion(session: Session, *, criterion_id: int, data: CriterionUpdate, actor: User) -> MajorCriterion:
    """An administrator corrects an item's wording or retires it; hazards graded by it keep it."""
    _require_admin(actor)
    item = get_criterion(session, criterion_id=criterion_id)
    for name, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(item, name, value)
    item.updated_at = utc_now()
    session.add(item)
    session.flush()
    logger.info("major criterion changed", extra={"criterion_id": item.id, "by": actor.username})
    return item


def rows_from_json(text: str) -> list[dict[str, Any]]:
    """The items of a file shaped like the seed: ``{"categories": [{"no", "article", "title", "items": [...]}]}``."""
    try:
        document = json.loads(text)
        return [{"category_no": c["no"], "category_title": c["title"], "article": c["article"],
                 "item_no": number, "text": item}
                for c in document["categories"] for number, item in enumerate(c["items"], start=1)]
    except (ValueError, KeyError, TypeError, RecursionError) as exc:  # RecursionError: nested too deep
        raise InvalidInput(f"not a standard file: {exc}", field="file") from exc


CSV_COLUMNS = ("category_no", "category_title", "article", "item_no", "text")


def rows_from_csv(text: str) -> list[dict[str, Any]]:
    """The items of a CSV file with the header ``category_no,category_title,article,item_no,text``."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
            raise InvalidInput(f"the CSV header must be {','.join(CSV_COLUMNS)}", field="file")
        return list(reader)
    except csv.Error as exc:  # a field past the csv module's limit, a stray quote in strict mode
        raise InvalidInput(f"not a CSV file of the standard: {exc}", field="file") from exc


def _checked(rows: list[dict[str, Any]]) -> list[CriterionRow]:
    """Every row valid and each article's item once, or one error naming every bad line."""
    checked, problems, seen = [], [], set()
    for line, row in enumerate(rows, start=1):
        try:
            item = CriterionRow.model_validate(row)
        except ValidationError as exc:
            problems.append(f"item {line}: " + "; ".join(f"{'.'.join(map(str, e['loc']))} {e['msg']}"
                                                         for e in exc.errors()))
            continue
        if (item.article, item.item_no) in seen:
            problems.append(f"item {line}: article {item.article} item {item.item_no} twice")
        seen.add((item.article, item.item_no))
        checked.append(item)
    if problems or not checked:
        raise InvalidInput("; ".join(problems) or "the file has no items", field="file")
    return checked


def import_rows(session: Session, *, rows: list[dict[str, Any]], actor: User) -> ImportSummary:
    """Bring the stored standard to the file's text: all of it or nothing (the boundary commits once)."""
    _require_admin(actor)
    wanted = {f"{r.article}.{r.item_no}": r for r in _checked(rows)}
    stored = {item.code: item for item in session.exec(select(MajorCriterion)).all()}
    counts = {"added": 0, "changed": 0, "retired": 0, "unchanged": 0}
    for code, row in wanted.items():
        counts[_apply_row(session, stored.get(code), code, row)] += 1
    for code, item in stored.items():
        if code not in wanted and item.active:
            item.active, item.updated_at = False, utc_now()
            session.add(item)
            counts["retired"] += 1
    session.flush()
    logger.info("major criteria imported", extra={**counts, "by": actor.username})
    return ImportSummary(**counts)


def _apply_row(session: Session, item: MajorCriterion | None, code: str, row: CriterionRow) -> str:
    values = row.model_dump()
    if item is None:
        session.add(MajorCriterion(code=code, **values))
        return "added"
    if all(getattr(item, k) == v for k, v in values.items()) and item.active:
        return "unchanged"
    for name, value in values.items():
        setattr(item, name, value)
    item.active, item.updated_at = True, utc_now()
    session.add(item)
    return "changed"
