"""Checking a password for the API and the console: throttled, and never inside a transaction.

The account is read on a connection that takes no write lock; argon2 runs on a worker thread,
at most ``Concurrency.password_hashes_at_once`` at a time (each takes a core for a while and 64 MiB),
so a flood of wrong passwords can neither hold the database nor the event loop up.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Annotated

import anyio
from anyio import to_thread
from fastapi import Depends, Request
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.people import service as people_service
from safety_service.people.models import User
from safety_service.people.throttle import SignInThrottle
from safety_service.security import hash_password


class SignIn:
    """The app's sign-in checker: one throttle and one bound on argon2 work per process."""

    def __init__(self, settings: Settings) -> None:
        self.throttle = SignInThrottle(per_account=settings.login_max_failures,
                                       per_address=settings.login_max_failures_per_address,
                                       lockout_seconds=settings.login_lockout_seconds)
        self._at_once = settings.concurrency.password_hashes_at_once
        self._limiter: anyio.CapacityLimiter | None = None

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        if self._limiter is None:  # made inside the running loop
            self._limiter = anyio.CapacityLimiter(self._at_once)
        return self._limiter

    async def check(self, sessions: Callable[[], AbstractContextManager[Session]], *, username: str,
                    password: str, address: str) -> User:
        """The active account whose password this is; AuthenticationFailed or SignInThrottled otherwise."""
        keys = self.throttle.keys(username, address)
        wait = self.throttle.attempt(keys)
        if wait:
            await anyio.sleep(wait)

        def lookup() -> User | None:
            with sessions() as session:
                return people_service.get_user(session, username=username)

        user = await to_thread.run_sync(lookup)
        user = await to_thread.run_sync(people_service.check_password, user, password, limiter=self.limiter)
        self.throttle.succeeded(keys)
        return user

    async def replace_password(self, writes: Callable[[], AbstractContextManager[Session]], *, user_id: int,
                               password: str) -> None:
        """Give the account a new password, hashed like a check (off the loop, bounded, outside the
        transaction), then saved in a short one that ends every session of the account."""
        hashed = await to_thread.run_sync(hash_password, password, limiter=self.limiter)

        def save() -> None:
            with writes() as session:
                user = people_service.get_user_by_id(session, user_id=user_id)
                people_service.set_password(session, user=user, hashed=hashed)
                session.commit()

        await to_thread.run_sync(save)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def get_sign_in(request: Request) -> SignIn:
    return request.app.state.sign_in  # type: ignore[no-any-return]


SignInDep = Annotated[SignIn, Depends(get_sign_in)]
