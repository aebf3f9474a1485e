"""Builders for bulletins."""

from sqlmodel import Session

from safety_service.bulletins import service as bulletins_service
from safety_service.bulletins.models import Bulletin
from safety_service.bulletins.schemas import BulletinCreate
from safety_service.clock import utc_now
from safety_service.people.models import Role
from tests.people.builders import make_user


def make_bulletin(session: Session, *, site: str = "tianchen", publish: bool = True, areas: list[str] | None = None,
                  title: str = "冬季防火") -> Bulletin:
    """A bulletin, published unless asked otherwise."""
    officer = make_user(session, role=Role.officer)
    data = BulletinCreate(title_zh=title, title_en="Winter fire safety", body_zh="井口房严禁烟火。",
                          body_en="No open flames at the pithead.", areas=areas or [])
    bulletin = bulletins_service.create(session, data=data, actor=officer, site=site)
    if publish:
        bulletins_service.publish(session, bulletin=bulletin, now=utc_now())
    return bulletin
