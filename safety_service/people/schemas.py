"""Request and response models for people and accounts."""

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from safety_service.people.models import PersonBase, Role, UserBase
from safety_service.validation import Line, ModelConfig


class PersonCreate(PersonBase):
    area_code: str | None = Field(default=None, max_length=32)


class PersonPublic(PersonBase):
    id: int


class UserCreate(UserBase):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "username": "zhangsan",
        "role": "miner",
        "password": "correct-horse-battery",
        "employee_no": "E000123",
        "name": "张三",
        "team": "综采一队",
    }]})

    password: str = Field(min_length=8, max_length=128)
    employee_no: Line | None = Field(default=None, max_length=32)
    name: Line | None = Field(default=None, max_length=64)
    team: Line | None = Field(default=None, max_length=64)

    @field_validator("username")
    @classmethod
    def _username_chars(cls, value: str) -> str:
        if not value.replace("_", "").replace(".", "").replace("-", "").isalnum():
            raise ValueError("may hold only letters, digits, '.', '_' and '-'")
        return value


Password = Field(min_length=8, max_length=128)


class PasswordReset(SQLModel):
    """An administrator's new password for an account."""

    model_config = ModelConfig(json_schema_extra={"examples": [{"password": "a-new-long-password"}]})

    password: str = Password


class PasswordChange(SQLModel):
    """A user's own new password, with the current one."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "current_password": "correct-horse-battery",
        "new_password": "a-new-long-password",
    }]})

    current_password: str = Field(max_length=128)
    new_password: str = Password


class UserPublic(UserBase):
    model_config = ModelConfig(json_schema_extra={"examples": [{"username": "officer1", "role": "officer", "id": 4,
        "is_active": True, "person": {"employee_no": "3001", "name": "刘洋", "team": "安全科", "id": 4}}]})

    id: int
    is_active: bool
    person: PersonPublic | None = None


class UsersPublic(SQLModel):
    data: list[UserPublic]
    count: int


class Token(SQLModel):
    model_config = ModelConfig(json_schema_extra=
        {"examples": [{"access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0In0.HAat0pHJnrgKnhU_WdxM79MPbeChMApUaGzb",
        "token_type": "bearer", "role": "officer", "expires_in": 43200}]})

    access_token: str
    token_type: str = "bearer"
    role: Role
    expires_in: int
