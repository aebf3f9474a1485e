"""Report photos are served to signed-in staff and the assigned owner only."""

import io

from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.hazards.states import HazardState
from safety_service.people.models import Role
from safety_service.photos import service as photos_service
from safety_service.photos.processing import process_photo
from tests.hazards.builders import make_hazard
from tests.people.builders import auth, make_user
from tests.photos.images import photo


def test_staff_and_the_owner_see_photos_others_do_not(client: TestClient, session: Session,
                                                      settings: Settings) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=HazardState.rectifying, owner=owner)
    stored = photos_service.add_photo(session, hazard_id=hazard.id, photo=process_photo(
        photo("PNG"), max_bytes=10**6, max_pixels=10**7, max_side=1600))
    base = f"/api/v1/hazards/{hazard.ref}/photos"
    for role in (Role.officer, Role.chief, Role.admin):
        listed = client.get(base, headers=auth(make_user(session, role=role), settings))
        assert listed.status_code == 200 and listed.json()["count"] == 1
    as_owner = auth(owner, settings)
    image = client.get(f"{base}/{stored.id}", headers=as_owner)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(client.get(f"{base}/{stored.id}/thumbnail", headers=as_owner).content)).width <= 320
    for role in (Role.miner, Role.supervisor, Role.owner, Role.counsellor):
        assert client.get(f"{base}/{stored.id}", headers=auth(make_user(session, role=role), settings)).status_code == 403
    assert client.get(f"{base}/{stored.id}").status_code == 401
    other = make_hazard(session)
    staff = auth(make_user(session, role=Role.officer), settings)
    assert client.get(f"/api/v1/hazards/{other.ref}/photos/{stored.id}", headers=staff).status_code == 404
