"""The bulletins API: officers write, publish and retire bulletins and see their read rates."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response, UploadFile
from fastapi.concurrency import run_in_threadpool

from safety_service.api.answers import answers
from safety_service.api.deps import OfficerUser, PathId, SessionDep, SettingsDep
from safety_service.bulletins import reads as bulletins_reads
from safety_service.bulletins import service as bulletins_service
from safety_service.bulletins.models import Bulletin, BulletinState
from safety_service.bulletins.schemas import BulletinCreate, BulletinPublic, BulletinReadsPublic, BulletinsPublic
from safety_service.clock import utc_now
from safety_service.errors import NotFound
from safety_service.photos.processing import process_photo

router = APIRouter(prefix="/bulletins", tags=["bulletins"])


def load_bulletin(session: SessionDep, bulletin_id: PathId) -> Bulletin:
    """The bulletin named in the path, or 404."""
    return bulletins_service.get_bulletin(session, bulletin_id=bulletin_id)


BulletinDep = Annotated[Bulletin, Depends(load_bulletin)]


@router.get("", response_model=BulletinsPublic)
def list_bulletins(session: SessionDep, settings: SettingsDep, user: OfficerUser,
                   state: BulletinState | None = None) -> BulletinsPublic:
    """The site's bulletins, newest first, optionally of one state."""
    data = [bulletins_service.public(b) for b in
            bulletins_service.list_bulletins(session, site=settings.site, state=state)]
    return BulletinsPublic(data=data, count=len(data))


@router.post("", response_model=BulletinPublic, status_code=201)
def create_bulletin(session: SessionDep, settings: SettingsDep, user: OfficerUser,
                    data: BulletinCreate) -> BulletinPublic:
    """Write a bulletin (a draft until published)."""
    bulletin = bulletins_service.create(session, data=data, actor=user, site=settings.site)
    session.commit()
    return bulletins_service.public(bulletin)


@router.get("/{bulletin_id}", response_model=BulletinPublic)
def read_bulletin(user: OfficerUser, bulletin: BulletinDep) -> BulletinPublic:
    """One bulletin."""
    return bulletins_service.public(bulletin)


@router.put("/{bulletin_id}", response_model=BulletinPublic, responses=answers(409))
def update_bulletin(session: SessionDep, user: OfficerUser, bulletin: BulletinDep,
                    data: BulletinCreate) -> BulletinPublic:
    """Rewrite a draft (409 once it is published or retired)."""
    bulletins_service.update(session, bulletin=bulletin, data=data)
    session.commit()
    return bulletins_service.public(bulletin)


@router.put("/{bulletin_id}/picture", response_model=BulletinPublic, responses=answers(409))
async def upload_picture(session: SessionDep, settings: SettingsDep, user: OfficerUser, bulletin: BulletinDep,
                         picture: UploadFile) -> BulletinPublic:
    """Attach a picture (JPEG, PNG, WebP, HEIC; stored as a bounded JPEG without metadata)."""
    data = await picture.read(settings.photo_max_bytes + 1)
    photo = await run_in_threadpool(process_photo, data, max_bytes=settings.photo_max_bytes,
                                    max_pixels=settings.photo_max_pixels, max_side=settings.photo_max_side)
    bulletins_service.set_picture(session, bulletin=bulletin, photo=photo, now=utc_now())
    session.commit()
    return bulletins_service.public(bulletin)


@router.get("/{bulletin_id}/picture", response_class=Response, responses={200: {"content": {"image/jpeg": {}}}})
def picture(bulletin: BulletinDep) -> Response:
    """A published bulletin's picture (public: the report pages show it)."""
    if bulletin.picture is None or bulletin.state != BulletinState.published:
        raise NotFound("this bulletin has no picture to show", field="bulletin_id")
    return Response(bulletin.picture, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=3600"})


@router.post("/{bulletin_id}/publish", response_model=BulletinPublic, responses=answers(409))
def publish(session: SessionDep, user: OfficerUser, bulletin: BulletinDep) -> BulletinPublic:
    """Publish: the bulletin joins the retained message every kiosk gets."""
    bulletins_service.publish(session, bulletin=bulletin, now=utc_now())
    session.commit()
    return bulletins_service.public(bulletin)


@router.post("/{bulletin_id}/retire", response_model=BulletinPublic, responses=answers(409))
def retire(session: SessionDep, user: OfficerUser, bulletin: BulletinDep) -> BulletinPublic:
    """Retire: the bulletin leaves the retained message."""
    bulletins_service.retire(session, bulletin=bulletin, now=utc_now())
    session.commit()
    return bulletins_service.public(bulletin)


@router.get("/{bulletin_id}/reads", response_model=BulletinReadsPublic)
def read_rates(session: SessionDep, user: OfficerUser, bulletin: BulletinDep) -> BulletinReadsPublic:
    """Read rates among the people the bulletin is meant for: overall, per area and per team."""
    return bulletins_reads.read_rates(session, bulletin=bulletin)
