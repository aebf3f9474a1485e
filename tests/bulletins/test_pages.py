"""The QR report page shows the current bulletin for its area, in the page's language."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.qr import tokens
from tests.bulletins.builders import make_bulletin
from tests.locations.builders import make_area, make_location


def test_the_report_page_shows_the_bulletin_for_its_area(pages: TestClient, session: Session,
                                                         settings: Settings) -> None:
    area, elsewhere = make_area(session), make_area(session)
    location = make_location(session, area=area)
    make_bulletin(session, site=settings.site, areas=[elsewhere.code], title="别处的提示")
    make_bulletin(session, site=settings.site, areas=[area.code], title="本区顶板提示")
    path = "/r/" + tokens.sign(tokens.keyring(settings), location.code)
    page = pages.get(path)
    assert 'id="bulletin"' in page.text and "本区顶板提示" in page.text and "别处的提示" not in page.text
    assert "Winter fire safety" in pages.get(path, params={"lang": "en"}).text


def test_no_bulletin_no_box(pages: TestClient, session: Session, settings: Settings) -> None:
    location = make_location(session, area=make_area(session))
    page = pages.get("/r/" + tokens.sign(tokens.keyring(settings), location.code))
    assert page.status_code == 200 and 'id="bulletin"' not in page.text
