"""The risk register: ratings on the matrix, the point's level, reviews, the hazard link, the sheet."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from safety_service.errors import AlreadyExists, InvalidInput
from safety_service.risks import queries, rating, sheets
from safety_service.risks import service as risks_service
from safety_service.risks.rating import RiskLevel
from safety_service.risks.schemas import HazardLink, ReviewCreate, RiskCreate, RiskPointPublic
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_location
from tests.risks.builders import make_risk_point


@pytest.mark.parametrize(("likelihood", "severity", "score", "level"), [
    (5, 5, 25, RiskLevel.major), (4, 5, 20, RiskLevel.major), (4, 4, 16, RiskLevel.significant),
    (3, 4, 12, RiskLevel.significant), (2, 5, 10, RiskLevel.general), (2, 3, 6, RiskLevel.general),
    (1, 5, 5, RiskLevel.low), (1, 1, 1, RiskLevel.low)])
def test_the_matrix_gives_score_and_level(likelihood: int, severity: int, score: int, level: RiskLevel) -> None:
    assert rating.rate(likelihood, severity) == (score, level)


def test_a_point_takes_its_highest_level_and_keeps_the_matrix_inputs(session: Session) -> None:
    point = make_risk_point(session, likelihood=2, severity=3)
    assert point.level == RiskLevel.general
    risks_service.add_risk(session, point=point, data=RiskCreate(
        hazard_source="瓦斯积聚", accident_type="瓦斯爆炸", likelihood=4, severity=5))
    public = queries.risk_point(session, point=point)
    assert public.level == RiskLevel.major
    assert [(r.method, r.likelihood, r.severity, r.score, r.level) for r in public.risks] == [
        ("LS", 2, 3, 6, RiskLevel.general), ("LS", 4, 5, 20, RiskLevel.major)]


def test_reviews_are_recorded_once_per_kind_and_day(session: Session) -> None:
    point = make_risk_point(session)
    data = ReviewCreate(kind="special", reviewed_on=date(2026, 11, 2), reason="采煤工艺变化",
                        participants="总工程师、安全科、综采一队")
    risks_service.record_review(session, point=point, data=data, actor=None)
    with pytest.raises(AlreadyExists):
        risks_service.record_review(session, point=point, data=data, actor=None)
    assert [r.reason for r in queries.risk_point(session, point=point).reviews] == ["采煤工艺变化"]
    with pytest.raises(ValueError, match="reason"):
        ReviewCreate(kind="special", reviewed_on=date(2026, 11, 2), participants="安全科")


def test_a_hazard_names_a_control_of_its_own_point_only(session: Session) -> None:
    point, other = make_risk_point(session), make_risk_point(session)
    mine = queries.risk_point(session, point=point).risks[0].controls[0].id
    theirs = queries.risk_point(session, point=other).risks[0].controls[0].id
    hazard = make_hazard(session)
    with pytest.raises(InvalidInput) as refused:
        risks_service.link_hazard(session, hazard=hazard, data=HazardLink(risk_point_code=point.code,
                                                                          control_id=theirs))
    assert refused.value.field == "control_id"
    risks_service.link_hazard(session, hazard=hazard, data=HazardLink(risk_point_code=point.code, control_id=mine))
    assert (hazard.risk_point_id, hazard.failed_control_id) == (point.id, mine)
    figures = queries.failed_controls(session)
    assert [(f.control_id, f.hazards, f.open_hazards) for f in figures if f.risk_point_code == point.code] == [
        (mine, 1, 1)]


def test_the_sheet_round_trips(session: Session) -> None:
    location = make_location(session)
    point = make_risk_point(session, location=location, controls=2)
    risks_service.add_risk(session, point=point, data=RiskCreate(
        hazard_source="=SUM(A1)", accident_type="机电事故", likelihood=1, severity=2))
    before = queries.risk_point(session, point=point)
    content = sheets.export_sheet([before])
    read = sheets.read_sheet(content)
    assert len(read) == 1 and read[0].code == point.code and read[0].location_codes == [location.code]
    assert [(r.hazard_source, r.likelihood, r.severity, len(r.controls)) for r in read[0].risks] == [
        ("顶板离层、片帮", 4, 5, 2), ("=SUM(A1)", 1, 2, 0)]
    result = sheets.import_sheet(session, content=content)
    assert result.replaced == [point.code] and result.created == []
    after = queries.risk_point(session, point=point)
    assert _shape(after) == _shape(before)


def _shape(point: RiskPointPublic) -> tuple:
    return (point.name, point.level, point.location_codes,
            [(r.hazard_source, r.accident_type, r.score, r.level,
              [(c.kind, c.measure, c.unit, c.person) for c in r.controls]) for r in point.risks])


def test_a_bad_sheet_names_the_row(session: Session) -> None:
    point = make_risk_point(session)
    content = sheets.export_sheet([queries.risk_point(session, point=point)])
    book = load_workbook(io.BytesIO(content))
    book.active["J2"] = 9
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(InvalidInput, match="row 2: 可能性L"):
        sheets.read_sheet(buffer.getvalue())
    with pytest.raises(InvalidInput, match="XLSX"):
        sheets.read_sheet(b"not a workbook")
