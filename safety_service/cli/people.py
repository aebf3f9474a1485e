"""``user …``: accounts, their roles, passwords, email addresses and whether they may sign in."""

from typing import Any

import click

from safety_service.cli.root import main, reports_errors
from safety_service.database import session_scope
from safety_service.errors import NotFound
from safety_service.people.models import Role


@main.group()
def user() -> None:
    """Accounts."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", default=None, help="Asked for when not given.")
@click.option("--employee-no", default=None, help="Link to this person (created with --name when new).")
@click.option("--name", default=None)
@click.option("--team", default=None)
@reports_errors
def user_add(username: str, role: str, password: str | None, employee_no: str | None, name: str | None,
             team: str | None) -> None:
    """Add an account with a role."""
    from safety_service.people import service as people_service
    from safety_service.people.schemas import UserCreate

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    data = UserCreate(username=username, role=Role(role), password=password, employee_no=employee_no,
                      name=name, team=team)
    with session_scope() as session:
        account = people_service.add_user(session, data=data)
        click.echo(f"added {account.username} ({account.role})")


def _account(session: Any, username: str) -> Any:
    from safety_service.people import service as people_service

    account = people_service.get_user(session, username=username)
    if account is None:
        raise NotFound(f"no account {username!r}", field="username")
    return account


def _set_active(username: str, *, active: bool) -> None:
    from safety_service.people import service as people_service

    with session_scope() as session:
        people_service.set_active(session, user=_account(session, username), active=active)


@user.command("disable")
@click.argument("username")
@reports_errors
def user_disable(username: str) -> None:
    """Disable an account: it cannot sign in, and its console sessions and API tokens end at once."""
    _set_active(username, active=False)
    click.echo(f"disabled {username}; its sessions and tokens have ended")


@user.command("enable")
@click.argument("username")
@reports_errors
def user_enable(username: str) -> None:
    """Enable a disabled account again."""
    _set_active(username, active=True)
    click.echo(f"enabled {username}")


@user.command("passwd")
@click.argument("username")
@click.option("--password", default=None, help="Asked for when not given.")
@reports_errors
def user_passwd(username: str, password: str | None) -> None:
    """Set a new password for an account; its console sessions and API tokens end at once."""
    from safety_service.people import service as people_service
    from safety_service.people.schemas import PasswordReset
    from safety_service.security import hash_password

    with session_scope() as session:
        account = _account(session, username)
        if password is None:
            password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        hashed = hash_password(PasswordReset(password=password).password)
        people_service.set_password(session, user=account, hashed=hashed)
    click.echo(f"new password set for {username}; its sessions and tokens have ended")


@user.command("email")
@click.argument("username")
@click.argument("address")
@reports_errors
def user_email(username: str, address: str) -> None:
    """Set the address the email channel uses for this account ("-" removes it)."""
    from safety_service.people import service as people_service

    with session_scope() as session:
        people_service.set_email(session, username=username, email=None if address == "-" else address)
    click.echo(f"user {username}: email {'removed' if address == '-' else 'set'}")
