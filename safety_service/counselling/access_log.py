"""The case access log for admins: who read which case when, filtered; the log itself is only ever added to."""

from datetime import datetime

from sqlmodel import Session, col, func, select

from safety_service.counselling.models import CaseAccess
from safety_service.counselling.schemas import CaseAccessesPublic, CaseAccessPublic
from safety_service.database import saved_id
from safety_service.errors import PermissionDenied
from safety_service.people.models import Role, User


def read_log(session: Session, *, user: User, case_id: int | None = None, username: str | None = None,
             since: datetime | None = None, until: datetime | None = None, limit: int = 100,
             offset: int = 0) -> CaseAccessesPublic:
    """Rows of the access log, newest first; admins only."""
    if user.role != Role.admin:
        raise PermissionDenied(f"role '{user.role}' may not read the case access log")
    query = select(CaseAccess, User.username, User.role).join(User, col(User.id) == CaseAccess.user_id)
    if case_id is not None:
        query = query.where(CaseAccess.case_id == case_id)
    if username:
        query = query.where(User.username == username)
    if since is not None:
        query = query.where(col(CaseAccess.at) >= since)
    if until is not None:
        query = query.where(col(CaseAccess.at) < until)
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(CaseAccess.id).desc()).limit(limit).offset(offset)).all()
    return CaseAccessesPublic(count=count, data=[
        CaseAccessPublic(id=saved_id(a), case_id=a.case_id, username=name, role=role, at=a.at, what=a.what)
        for a, name, role in rows])
