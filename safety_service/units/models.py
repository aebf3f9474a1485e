"""Organisation units (矿 → 科室/区队 → 班组): who answers for a place and for a hazard's fix."""

from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from safety_service.locations.models import CODE_PATTERN


class UnitKind(StrEnum):
    mine = "mine"  # 矿
    section = "section"  # 科室 (a department of the mine's office)
    team = "team"  # 区队 (a production or auxiliary team underground)
    crew = "crew"  # 班组 (a shift crew of a team or section)


# The kinds a unit of each kind may sit under (the mine is the root).
PARENT_KINDS: dict[UnitKind, frozenset[UnitKind]] = {
    UnitKind.mine: frozenset(),
    UnitKind.section: frozenset({UnitKind.mine}),
    UnitKind.team: frozenset({UnitKind.mine}),
    UnitKind.crew: frozenset({UnitKind.section, UnitKind.team}),
}


class OrgUnitBase(SQLModel):
    code: str = Field(min_length=1, max_length=32, schema_extra={"pattern": CODE_PATTERN}, unique=True, index=True)
    name_zh: str = Field(min_length=1, max_length=64)
    name_en: str = Field(default="", max_length=64)
    kind: UnitKind = Field(sa_type=String(16))


class OrgUnit(OrgUnitBase, table=True):
    """One unit of the mine's organisation; its leader (区队长/科长/班组长) answers for its hazards."""

    __tablename__ = "org_unit"
    __table_args__ = (CheckConstraint("kind IN ('mine','section','team','crew')", name="kind"),)

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="org_unit.id", index=True)
    # use_alter: accounts → people → units → accounts is a cycle the table sort must be told to break.
    leader_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("user_account.id", use_alter=True), index=True))
    active: bool = True
