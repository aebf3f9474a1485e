"""What a row of the queue says at a glance (category, source, a photo, the grade during triage), and photos
labelled before and after the fix."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.hazards.states import Channel, HazardState
from safety_service.people.models import Role
from safety_service.photos import service as photos_service
from safety_service.photos.processing import process_photo
from tests.console.conftest import sign_in
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user
from tests.photos.images import photo


def _row(page: str, ref: str) -> str:
    start = page.index(f'data-ref="{ref}"')
    return page[start:page.index("</tr>", start)]


def _photo(session: Session, hazard_id: int) -> None:
    photos_service.add_photo(session, hazard_id=hazard_id, photo=process_photo(photo(), max_bytes=10_000_000, max_pixels=40_000_000, max_side=1600))


def test_a_queue_row_shows_category_source_a_photo_mark_and_an_undecided_grade(console: TestClient,
                                                                               session: Session, signed_in) -> None:
    pictured = make_hazard(session, source=Channel.kiosk, category_code="gas")
    _photo(session, pictured.id)
    plain = make_hazard(session, category_code=None)
    signed_in(Role.officer)
    page = console.get("/console/?queue=triage").text
    assert re.search(r'<th>类别</th><th>来源</th>', page)
    row = _row(page, pictured.ref)
    assert 'class="chip grade">待定<' in row and ">瓦斯<" in row and ">井口终端<" in row and 'class="photo-mark"' in row
    assert 'class="photo-mark"' not in _row(page, plain.ref) and ">扫码<" in _row(page, plain.ref)


def test_report_and_fix_photos_are_labelled_before_and_after(console: TestClient, session: Session) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=HazardState.rectifying, owner=owner)
    _photo(session, hazard.id)  # came with the report
    session.commit()
    token = sign_in(console, owner)
    console.post(f"/console/hazards/{hazard.ref}/rectified", data={"csrf_token": token, "note": "已补打锚杆"},
                 files=[("photos", ("after.jpg", photo("JPEG", (640, 480)), "image/jpeg"))])
    page = console.get(f"/console/hazards/{hazard.ref}").text
    before = page[page.index('id="photos-before"'):page.index("</figure>", page.index('id="photos-before"'))]
    after = page[page.index('id="photos-after"'):page.index("</figure>", page.index('id="photos-after"'))]
    assert "整改前" in before and before.count("<img") == 1 and "整改后" in after and after.count("<img") == 1
