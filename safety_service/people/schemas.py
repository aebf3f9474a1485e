"""Request and response models for people and accounts."""

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from safety_service.people.models import PersonBase, Role, UserBase


class PersonCreate(PersonBase):
    area_code: str | None = Field(default=None, max_length=32)


class PersonPublic(PersonBase):
    id: int


class UserCreate(UserBase):
    password: str = Field(min_length=8, max_length=128)
    employee_no: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=64)
    team: str | None = Field(default=None, max_length=64)

    @field_validator("username")
    @classmethod
    def _username_chars(cls, value: str) -> str:
        if not value.replace("_", "").replace(".", "").replace("-", "").isalnum():
            raise ValueError("may hold only letters, digits, '.', '_' and '-'")
        return value


class UserPublic(UserBase):
    id: int
    is_active: bool
    person: PersonPublic | None = None


class UsersPublic(SQLModel):
    data: list[UserPublic]
    count: int


class Token(SQLModel):
    access_token: str
    token_type: str = "bearer"
    role: Role
    expires_in: int
