"""The four-colour map printed server-side: one A3 landscape PDF page, each point in its level's colour, a major
point with an open hazard outlined, Chinese words drawn; staff and inspectors fetch it, miners do not."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.i18n import Translator
from safety_service.people.models import Role
from safety_service.qr.images import cjk_font_path
from safety_service.risks import mapsheet, queries, riskmap
from safety_service.risks.rating import COLOURS, RiskLevel
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_location
from tests.people.builders import auth, make_user
from tests.risks.builders import make_risk_point


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _cells(session: Session) -> list[riskmap.Cell]:
    face = make_location(session)
    major = make_risk_point(session, location=face, likelihood=5, severity=5, name="3102综采工作面")
    low = make_risk_point(session, likelihood=1, severity=2, name="地面变电所")
    make_hazard(session, location=face)
    points = [queries.risk_point(session, point=p) for p in (major, low)]
    return riskmap.layout(points, riskmap.open_hazards(session, point_ids=[major.id, low.id]))


def test_the_sheet_colours_each_point_and_outlines_a_flagged_major_one(session: Session) -> None:
    cells = _cells(session)
    words = mapsheet.words_of(Translator("zh-CN"), "2026-12-03")
    image = mapsheet.page(cells, words=words, font_path=cjk_font_path())
    assert image.size == mapsheet.A3_LANDSCAPE
    columns = riskmap.COLUMNS
    width = (mapsheet.A3_LANDSCAPE[0] - 2 * mapsheet.MARGIN - (columns - 1) * mapsheet.GAP) // columns
    height = width * 3 // 5
    for cell in cells:
        left = mapsheet.MARGIN + cell.x * (width + mapsheet.GAP)
        top = mapsheet.TITLE_H + 40 + cell.y * (height + mapsheet.GAP)
        assert image.getpixel((left + width - 30, top + height // 2)) == _rgb(COLOURS[cell.point.level])
        edge = image.getpixel((left + 4, top + height // 2))
        assert (edge == (0, 0, 0)) is cell.flagged, cell.point.name
    assert [c.point.level for c in cells if c.flagged] == [RiskLevel.major]


def test_the_api_gives_an_a3_landscape_pdf_to_readers_only(client: TestClient, session: Session,
                                                           settings: Settings) -> None:
    _cells(session)
    answer = client.get("/api/v1/risk-points/map.pdf", headers=auth(make_user(session, role=Role.owner), settings))
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", answer.content)
    assert box and round(float(box.group(1))) == 1191 and round(float(box.group(2))) == 842  # 420 x 297 mm
    miner = auth(make_user(session, role=Role.miner), settings)
    assert client.get("/api/v1/risk-points/map.pdf", headers=miner).status_code == 403
    bad = client.get("/api/v1/risk-points/map.pdf", params={"lang": "fr"},
                     headers=auth(make_user(session, role=Role.officer), settings))
    assert bad.status_code == 422 and "lang" in bad.text



def test_names_of_any_characters_still_print(session: Session) -> None:
    odd = ["第一行\n第二行", "\u0300\u0301" * 40, "\U0001F600" * 60, "a\u202eb\u0600\u200d" * 20, "\u0e01\u0e31" * 60, "ـ" * 128]
    points = [queries.risk_point(session, point=make_risk_point(session, name=name, likelihood=5, severity=5))
              for name in odd]
    cells = riskmap.layout(points, {p.id: 1 for p in points})
    sheet = mapsheet.pdf(cells, words=mapsheet.words_of(Translator("en"), "2026-12-03"), font_path=cjk_font_path())
    assert sheet.startswith(b"%PDF")
