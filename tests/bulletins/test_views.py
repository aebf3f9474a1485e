"""The bulletins API: officers only; clear 4xx with the field; read rates."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.people.models import Role
from tests.people.builders import auth, make_user
from tests.photos.images import photo as jpeg


def _officer(session: Session, settings: Settings) -> dict[str, str]:
    return auth(make_user(session, role=Role.officer), settings)


def test_an_officer_writes_publishes_and_retires_a_bulletin(client: TestClient, session: Session,
                                                            settings: Settings) -> None:
    headers = _officer(session, settings)
    created = client.post("/api/v1/bulletins", headers=headers, json={"title_zh": "冬季防火", "body_zh": "严禁烟火"})
    assert created.status_code == 201 and created.json()["state"] == "draft"
    bulletin_id = created.json()["id"]
    assert client.post(f"/api/v1/bulletins/{bulletin_id}/publish", headers=headers).json()["state"] == "published"
    again = client.post(f"/api/v1/bulletins/{bulletin_id}/publish", headers=headers)
    assert again.status_code == 409
    assert client.post(f"/api/v1/bulletins/{bulletin_id}/retire", headers=headers).json()["state"] == "retired"
    listed = client.get("/api/v1/bulletins", headers=headers, params={"state": "retired"}).json()
    assert bulletin_id in [b["id"] for b in listed["data"]]


def test_miners_and_supervisors_may_not_manage_bulletins(client: TestClient, session: Session,
                                                         settings: Settings) -> None:
    for role in (Role.miner, Role.supervisor, Role.owner):
        headers = auth(make_user(session, role=role), settings)
        response = client.post("/api/v1/bulletins", headers=headers, json={"title_zh": "标题", "body_zh": "正文"})
        assert response.status_code == 403


def test_bad_input_names_the_field(client: TestClient, session: Session, settings: Settings) -> None:
    headers = _officer(session, settings)
    blank = client.post("/api/v1/bulletins", headers=headers, json={"title_zh": " ", "body_zh": "正文"})
    assert blank.status_code == 422 and blank.json()["detail"][0]["loc"][-1] == "title_zh"
    area = client.post("/api/v1/bulletins", headers=headers, json={"title_zh": "标", "body_zh": "正", "areas": ["X9"]})
    assert area.status_code == 422 and area.json()["detail"][0]["loc"] == ["body", "areas"]
    period = client.post("/api/v1/bulletins", headers=headers, json={
        "title_zh": "标", "body_zh": "正", "valid_from": "2026-12-01T00:00:00Z", "valid_to": "2026-11-01T00:00:00Z"})
    assert period.status_code == 422
    assert client.get("/api/v1/bulletins/999999", headers=headers).status_code == 404


def test_a_picture_is_stored_as_jpeg_and_shown_once_published(client: TestClient, session: Session,
                                                              settings: Settings) -> None:
    headers = _officer(session, settings)
    bulletin_id = client.post("/api/v1/bulletins", headers=headers, json={"title_zh": "标", "body_zh": "正"}).json()["id"]
    uploaded = client.put(f"/api/v1/bulletins/{bulletin_id}/picture", headers=headers,
                          files={"picture": ("p.jpg", jpeg(), "image/jpeg")})
    assert uploaded.status_code == 200 and uploaded.json()["has_picture"]
    assert client.get(f"/api/v1/bulletins/{bulletin_id}/picture").status_code == 404
    client.post(f"/api/v1/bulletins/{bulletin_id}/publish", headers=headers)
    picture = client.get(f"/api/v1/bulletins/{bulletin_id}/picture")
    assert picture.status_code == 200 and picture.content[:2] == b"\xff\xd8"
    bad = client.put(f"/api/v1/bulletins/{bulletin_id}/picture", headers=headers,
                     files={"picture": ("p.txt", b"not an image", "text/plain")})
    assert bad.status_code == 422


def test_read_rates_through_the_api(client: TestClient, session: Session, settings: Settings) -> None:
    headers = _officer(session, settings)
    bulletin_id = client.post("/api/v1/bulletins", headers=headers, json={"title_zh": "标", "body_zh": "正"}).json()["id"]
    rates = client.get(f"/api/v1/bulletins/{bulletin_id}/reads", headers=headers).json()
    assert rates["confirmations"] == 0 and rates["overall"]["readers"] == 0


def test_a_draft_is_rewritten_but_a_published_bulletin_is_not(client: TestClient, session: Session,
                                                              settings: Settings) -> None:
    headers = _officer(session, settings)
    created = client.post("/api/v1/bulletins", headers=headers, json={"title_zh": "草稿", "body_zh": "正文"}).json()
    rewritten = client.put(f"/api/v1/bulletins/{created['id']}", headers=headers,
                           json={"title_zh": "冬季防火", "body_zh": "严禁烟火", "title_en": "Fire"})
    assert rewritten.status_code == 200 and rewritten.json()["title_zh"] == "冬季防火"
    unknown = client.put(f"/api/v1/bulletins/{created['id']}", headers=headers,
                         json={"title_zh": "冬季防火", "body_zh": "严禁烟火", "areas": ["NOWHERE"]})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "areas"]
    client.post(f"/api/v1/bulletins/{created['id']}/publish", headers=headers)
    late = client.put(f"/api/v1/bulletins/{created['id']}", headers=headers, json={"title_zh": "改", "body_zh": "改"})
    assert late.status_code == 409
    assert client.get(f"/api/v1/bulletins/{created['id']}", headers=headers).json()["title_zh"] == "冬季防火"
