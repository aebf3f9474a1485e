"""Accounts: hashed passwords, people linked by employee number."""

import pytest
from sqlmodel import Session

from safety_service.errors import AlreadyExists, AuthenticationFailed, InvalidInput
from safety_service.people import service as people_service
from safety_service.people.models import Role
from safety_service.people.schemas import UserCreate


def test_a_password_is_stored_only_as_an_argon2_hash(session: Session, settings) -> None:
    user = people_service.add_user(session, data=UserCreate(username="wang", role=Role.owner,
                                                            password="s3cret-password"))
    assert user.hashed_password.startswith("$argon2id$") and "s3cret" not in user.hashed_password
    found, token = people_service.authenticate(session, username="wang", password="s3cret-password",
                                               settings=settings)
    assert found.id == user.id and token
    with pytest.raises(AuthenticationFailed):
        people_service.authenticate(session, username="wang", password="S3cret-password", settings=settings)


def test_an_account_links_to_its_person_by_employee_number(session: Session) -> None:
    first = people_service.add_user(session, data=UserCreate(
        username="li", role=Role.supervisor, password="password-1", employee_no="88001", name="李四", team="通风队"))
    second = people_service.add_user(session, data=UserCreate(
        username="li2", role=Role.miner, password="password-2", employee_no="88001"))
    assert first.person_id == second.person_id is not None


def test_a_new_employee_number_needs_a_name(session: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        people_service.add_user(session, data=UserCreate(username="zhao", role=Role.miner, password="password-1",
                                                         employee_no="99009"))
    assert refused.value.field == "name"


def test_usernames_are_unique(session: Session) -> None:
    data = UserCreate(username="sun", role=Role.chief, password="password-1")
    people_service.add_user(session, data=data)
    with pytest.raises(AlreadyExists):
        people_service.add_user(session, data=data)


def test_accounts_by_id_give_their_usernames_and_the_people_behind_them(session: Session) -> None:
    named = people_service.add_user(session, data=UserCreate(
        username="zhou", role=Role.officer, password="password-1", employee_no="88101", name="周明", team="安监科"))
    bare = people_service.add_user(session, data=UserCreate(username="svc", role=Role.admin, password="password-2"))
    ids = [named.id, bare.id, None, 987654]
    assert people_service.usernames_of(session, ids) == {named.id: "zhou", bare.id: "svc"}
    assert people_service.people_of(session, ids) == {named.id: "周明", bare.id: "svc"}
    assert people_service.people_of(session, [None]) == {}
