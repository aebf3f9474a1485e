"""The pages on the rolled-back test session: reports are applied inline, as the batch writer would."""

from collections.abc import Iterator
from concurrent.futures import Future

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.pages import views as pages_views
from safety_service.pages.intake import apply_submissions
from tests.locations.builders import make_location


class InlineWriter:
    """Applies each submission at once on the test session, through the same apply function."""

    def __init__(self, session: Session, timezone: str) -> None:
        self.session, self.timezone, self.batches = session, timezone, 0

    def submit(self, item) -> Future:
        future: Future = Future()
        self.batches += 1
        future.set_result(apply_submissions(self.session, [item], timezone=self.timezone)[0])
        return future


@pytest.fixture
def pages(client: TestClient, session: Session, settings: Settings) -> Iterator[TestClient]:
    client.app.dependency_overrides[pages_views.get_report_writer] = lambda: InlineWriter(session, settings.timezone)
    yield client


@pytest.fixture
def location(session: Session):
    return make_location(session, name_zh="主井井口", code=None)
