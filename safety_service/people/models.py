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
    dispatcher = "dispatcher"  # 调度员: the dispatch room, around the clock; receives urgent reports


STAFF_ROLES = frozenset({Role.officer, Role.chief, Role.admin, Role.dispatcher})
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
    unit_id: int | None = Field(default=None, foreign_key="org_unit.id", index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


class UserBase(SQLModel):
    username: str = Field(min_length=2, max_length=64, unique=True, index=True)
    role: Role = Field(sa_type=String(16))


class User(UserBase, table=True):
    """A sign-in account; the role decides what it may see and do."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "role IN ('miner','supervisor','officer','owner','chief','counsellor','admin','dispatcher')",
            name="role",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    hashed_password: str = Field(max_length=255)
    is_active: bool = True
    # Raised to end every API token and console session of the account at once (tokens carry it).
    token_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    email: str | None = Field(default=None, max_length=254)  # for the email channel; optional
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


class ConsoleSession(SQLModel, table=True):
    """A signed-in console session; its cookie holds a random id, the table only that id's SHA-256.

    Signing out deletes the row, so the cookie no longer opens anything, wherever it was copied.
    """

    __tablename__ = "console_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


@dataclass(frozen=True)
class Viewer:
    """What reading the register needs of an account: who it is, its role, its employee number."""

    user_id: int
    role: Role
    employee_no: str | None  # of the account's person; None when it has none
