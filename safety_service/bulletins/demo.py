"""Demo bulletins: one draft, two published (one for an area), one retired, and a few read confirmations."""

from datetime import datetime, timedelta

from sqlmodel import Session

from safety_service.bulletins import reads as bulletins_reads
from safety_service.bulletins import service as bulletins_service
from safety_service.bulletins.schemas import BulletinCreate
from safety_service.database import saved_id
from safety_service.people.models import User

# (title zh, title en, body zh, body en, areas, how far it goes)
BULLETINS: tuple[tuple[str, str | None, str, str | None, list[str], str], ...] = (
    ("冬季防火安全提示", "Winter fire safety", "井口房、绞车房严禁烟火，灭火器每月检查一次。",
     "No open flames at the pithead or winch house; check extinguishers monthly.", [], "published"),
    ("北翼采区顶板管理要点", "Roof control in the north wing", "敲帮问顶，先支后采；发现离层裂缝立即撤人并报告。",
     "Sound the roof, support before cutting; withdraw and report at any separation crack.", ["north"],
     "published"),
    ("雨季防治水", "Flood season water control", "雨季前疏通水沟，检查排水泵。", None, [], "retired"),
    ("“安全生产月”学习材料", None, "本月学习《煤矿安全规程》第三编，各班组班前会组织学习。", None, [], "draft"),
)


def load(session: Session, *, officer: User, site: str, readers: list[str], now: datetime) -> str:
    """Write the demo bulletins through the service, with reads of the first by some workers."""
    made = []
    for title_zh, title_en, body_zh, body_en, areas, stage in BULLETINS:
        bulletin = bulletins_service.create(session, actor=officer, site=site, data=BulletinCreate(
            title_zh=title_zh, title_en=title_en, body_zh=body_zh, body_en=body_en, areas=areas))
        if stage != "draft":
            bulletins_service.publish(session, bulletin=bulletin, now=now - timedelta(days=10))
        if stage == "retired":
            bulletins_service.retire(session, bulletin=bulletin, now=now - timedelta(days=2))
        made.append(bulletin)
    bulletins_reads.record_reads(session, now=now, reads=[bulletins_reads.ReadInput(
        read_id=f"demo-read-{number}", bulletin_id=saved_id(made[0]), employee_no=number,
        read_at=now - timedelta(days=1))
        for number in readers])
    return f"{len(made)} bulletins, {len(readers)} read confirmations"
