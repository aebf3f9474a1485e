"""Codes printed on labels and used in topics keep to a safe alphabet."""

import pytest
from pydantic import ValidationError

from safety_service.hazards.schemas import HazardReport
from safety_service.kiosks.schemas import KioskCreate
from safety_service.locations.schemas import AreaCreate, CategoryCreate, LocationCreate


@pytest.mark.parametrize("code", ["a b", "x/y", "#1", "-start", "码"])
def test_codes_with_unsafe_characters_are_refused(code: str) -> None:
    for model in (LocationCreate, AreaCreate, CategoryCreate):
        with pytest.raises(ValidationError):
            model(code=code, name_zh="名称")
    with pytest.raises(ValidationError):
        KioskCreate(kiosk_id=code, location_code="L1")


def test_a_client_report_id_keeps_to_its_alphabet() -> None:
    with pytest.raises(ValidationError):
        HazardReport(location_code="L1", description="x", source="qr", client_report_id="has spaces in it")
    assert HazardReport(location_code="L1", description="x", source="qr",
                        client_report_id="kiosk-1:5b1f0c6e-8a43").client_report_id


@pytest.mark.parametrize("name", ["主井\r井口", "主井\n井口", "Main\tshaft", "bell\x07"])
def test_names_are_one_line(name: str) -> None:
    for model in (LocationCreate, AreaCreate, CategoryCreate):
        with pytest.raises(ValidationError, match="one line"):
            model(code="L1", name_zh=name)
        with pytest.raises(ValidationError, match="one line"):
            model(code="L1", name_zh="主井井口", name_en=name)
