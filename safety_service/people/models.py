"""People (employees) and their accounts with roles."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, String
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime


class Role(StrEnum):
    miner = "miner"
    supervisor = "supervisor"
    officer = "officer"
    owner = "owner"
    chief = "chief"
    counsellor = "counsellor"
    admin = "admin"


STAFF_ROLES = frozenset({Role.officer, Role.chief, Role.admin})
OFFICER_ROLES = frozenset({Role.officer, Role.chief})


class PersonBase(SQLModel):
    employee_no: str = Field(min_length=1, max_length=32, unique=True, index=True)
    name: str = Field(min_length=1, max_length=64)
    team: str | None = Field(default=None, max_length=64)


class Person(PersonBase, table=True):
    """An employee of the mine, whether or not they have an account."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


class UserBase(SQLModel):
    username: str = Field(min_length=2, max_length=64, unique=True, index=True)
    role: Role = Field(sa_type=String(16))


class User(UserBase, table=True):
    """A sign-in account; the role decides what it may see and do."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "role IN ('miner','supervisor','officer','owner','chief','counsellor','admin')",
            name="role",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    hashed_password: str = Field(max_length=255)
    is_active: bool = True
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


@dataclass(frozen=True)
class Viewer:
    """What reading the register needs of an account: who it is, its role, its employee number."""

    user_id: int
    role: Role
    employee_no: str | None  # of the account's person; None when it has none
