"""Sign-in and accounts."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from safety_service.api.deps import AdminUser, CurrentUser, SessionDep, SettingsDep
from safety_service.people import service as people_service
from safety_service.people.models import Person, User
from safety_service.people.schemas import PersonPublic, Token, UserCreate, UserPublic, UsersPublic

router = APIRouter(tags=["people"])


def _public(user: User, person: Person | None) -> UserPublic:
    return UserPublic.model_validate(
        user, update={"person": PersonPublic.model_validate(person) if person else None}
    )


@router.post("/auth/token", response_model=Token)
def login(session: SessionDep, settings: SettingsDep,
          form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Sign in with username and password (OAuth2 password form); returns a bearer token."""
    user, token = people_service.authenticate(
        session, username=form.username, password=form.password, settings=settings
    )
    return Token(access_token=token, role=user.role, expires_in=settings.token_expire_minutes * 60)


@router.get("/users/me", response_model=UserPublic)
def read_me(session: SessionDep, user: CurrentUser) -> UserPublic:
    """The signed-in account."""
    return _public(user, session.get(Person, user.person_id) if user.person_id else None)


@router.get("/users", response_model=UsersPublic)
def list_users(session: SessionDep, _admin: AdminUser) -> UsersPublic:
    """Every account (administrators)."""
    rows = people_service.list_users(session)
    return UsersPublic(data=[_public(u, p) for u, p in rows], count=len(rows))


@router.post("/users", response_model=UserPublic, status_code=201)
def create_user(session: SessionDep, _admin: AdminUser, data: UserCreate) -> UserPublic:
    """Add an account (administrators)."""
    user = people_service.add_user(session, data=data)
    session.commit()
    return _public(user, session.get(Person, user.person_id) if user.person_id else None)
