"""The bulletins pages: write and edit a draft, add a picture, publish (the retained message), retire, read rates."""

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from safety_service.bulletins import reads as bulletins_reads
from safety_service.bulletins.models import Bulletin
from safety_service.clock import utc_now
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import Person, Role
from tests.bulletins.builders import make_bulletin
from tests.locations.builders import make_area
from tests.photos.images import photo as jpeg


def _retained(session: Session, site: str) -> list[int]:
    row = session.exec(select(OutboxMessage).where(OutboxMessage.topic == f"safety/{site}/bulletin")
                       .order_by(col(OutboxMessage.id).desc())).first()
    return [b["id"] for b in json.loads(row.payload)["bulletins"]] if row else []


def _form(token: str, **values: object) -> dict:
    return {"csrf_token": token, "title_zh": "冬季防火", "body_zh": "井口房严禁烟火。", **values}


def test_an_officer_writes_edits_publishes_and_retires_a_bulletin(console: TestClient, session: Session,
                                                                  console_settings, signed_in) -> None:
    area = make_area(session)
    _, token = signed_in(Role.officer)
    assert "中文标题" in console.get("/console/bulletins/new").text
    created = console.post("/console/bulletins", data=_form(token, title_en="Winter fire", areas=[area.code],
                                                            valid_from="2030-01-01T08:00"))
    assert created.status_code == 303
    bulletin = session.get(Bulletin, int(created.headers["location"].rsplit("/", 1)[1]))
    assert bulletin.state == "draft" and bulletin.areas == [area.code]
    assert bulletin.valid_from.hour == 0  # 08:00 in Shanghai is midnight UTC
    page = console.get(f"/console/bulletins/{bulletin.id}").text
    assert 'value="2030-01-01T08:00"' in page and "草稿" in page and 'id="form-publish"' in page
    edited = console.post(f"/console/bulletins/{bulletin.id}", data=_form(token, title_zh="夏季防汛", areas=[]))
    assert edited.status_code == 303
    session.refresh(bulletin)
    assert bulletin.title_zh == "夏季防汛" and bulletin.areas == [] and bulletin.valid_from is None
    assert console.post(f"/console/bulletins/{bulletin.id}/publish", data={"csrf_token": token}).status_code == 303
    assert bulletin.id in _retained(session, console_settings.site)
    page = console.get(f"/console/bulletins/{bulletin.id}").text
    assert 'id="form-retire"' in page and 'id="form-bulletin"' not in page and 'id="reads"' in page
    assert console.post(f"/console/bulletins/{bulletin.id}/retire", data={"csrf_token": token}).status_code == 303
    assert bulletin.id not in _retained(session, console_settings.site)
    listed = console.get("/console/bulletins?state=retired").text
    assert f'id="bulletin-{bulletin.id}"' in listed and "已撤下" in listed
    assert f'id="bulletin-{bulletin.id}"' not in console.get("/console/bulletins?state=draft").text


def test_bad_input_shows_the_form_again_with_the_reason_and_saves_nothing(console: TestClient, session: Session,
                                                                          signed_in) -> None:
    _, token = signed_in(Role.chief)
    before = len(session.exec(select(Bulletin.id)).all())
    blank = console.post("/console/bulletins", data=_form(token, title_zh=" ", body_zh="正文留着"))
    assert blank.status_code == 422 and 'id="err-title_zh"' in blank.text and "正文留着" in blank.text
    period = console.post("/console/bulletins", data=_form(token, valid_from="2030-02-01T08:00",
                                                           valid_to="2030-01-01T08:00"))
    assert period.status_code == 422 and 'id="err-valid_to"' in period.text and "必须晚于" in period.text
    unknown = console.post("/console/bulletins", data=_form(token, areas=["NOWHERE"]))
    assert unknown.status_code == 422 and 'id="err-areas"' in unknown.text
    english = console.post("/console/bulletins?lang=en", data=_form(token, title_zh=""))
    assert 'id="err-title_zh">Required.' in english.text and "Title in Chinese" in english.text
    assert len(session.exec(select(Bulletin.id)).all()) == before


def test_a_state_that_no_longer_allows_the_action_is_a_409_page(console: TestClient, session: Session,
                                                                signed_in) -> None:
    published = make_bulletin(session)
    _, token = signed_in(Role.officer)
    again = console.post(f"/console/bulletins/{published.id}/publish", data={"csrf_token": token})
    assert again.status_code == 409 and 'id="problem"' in again.text and "状态已变化" in again.text
    edit = console.post(f"/console/bulletins/{published.id}", data=_form(token, title_zh="偷偷改"))
    assert edit.status_code == 409
    session.refresh(published)
    assert published.title_zh == "冬季防火" and published.state == "published"
    expired = make_bulletin(session, publish=False)
    expired.valid_to = utc_now() - timedelta(days=1)
    session.add(expired)
    session.commit()
    late = console.post(f"/console/bulletins/{expired.id}/publish", data={"csrf_token": token})
    assert late.status_code == 422 and 'id="err-valid_to"' in late.text
    assert console.post(f"/console/bulletins/{published.id}/hide", data={"csrf_token": token}).status_code == 404
    assert console.get("/console/bulletins/999999").status_code == 404


def test_a_picture_is_checked_and_shown(console: TestClient, session: Session, signed_in) -> None:
    bulletin = make_bulletin(session, publish=False)
    _, token = signed_in(Role.officer)
    assert console.get(f"/console/bulletins/{bulletin.id}/picture").status_code == 404
    bad = console.post(f"/console/bulletins/{bulletin.id}/picture", data={"csrf_token": token},
                       files={"photos": ("p.txt", b"not an image", "text/plain")})
    assert bad.status_code == 422 and 'id="err-photos"' in bad.text
    none = console.post(f"/console/bulletins/{bulletin.id}/picture", data={"csrf_token": token})
    assert none.status_code == 422 and 'id="err-photos"' in none.text
    good = console.post(f"/console/bulletins/{bulletin.id}/picture", data={"csrf_token": token},
                        files={"photos": ("p.jpg", jpeg(), "image/jpeg")})
    assert good.status_code == 303
    picture = console.get(f"/console/bulletins/{bulletin.id}/picture")
    assert picture.status_code == 200 and picture.content[:2] == b"\xff\xd8"
    assert 'id="picture"' in console.get(f"/console/bulletins/{bulletin.id}").text


def test_read_rates_per_bulletin_area_and_team(console: TestClient, session: Session, signed_in) -> None:
    area = make_area(session)
    workers = [Person(employee_no=f"R-{area.code}-{n}", name=f"工人{n}", team=team, area_id=area.id)
               for n, team in enumerate(("掘进一队", "掘进一队", "机电队"))]
    session.add_all(workers)
    bulletin = make_bulletin(session, areas=[area.code])
    bulletins_reads.record_reads(session, reads=[bulletins_reads.ReadInput(
        read_id=f"read-{area.code}", bulletin_id=bulletin.id, employee_no=workers[0].employee_no,
        read_at=utc_now())], now=utc_now())
    session.commit()
    signed_in(Role.officer)
    page = console.get(f"/console/bulletins/{bulletin.id}").text
    overall = page.split('id="overall">')[1].split("</p>")[0]
    assert "33%" in overall and "1 / 3" in overall and "共 1 次阅读确认" in overall
    by_team = page.split('id="by-team">')[1].split("</table>")[0]
    assert "掘进一队" in by_team and "50%" in by_team and "机电队" in by_team and "0%" in by_team
    assert area.code in page.split('id="by-area">')[1].split("</table>")[0]
    listed = console.get("/console/bulletins").text.split(f'id="bulletin-{bulletin.id}"')[1].split("</tr>")[0]
    assert "33%" in listed
