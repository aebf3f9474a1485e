"""煤矿重大事故隐患判定标准 as published: 15 categories (第三条), 81 situations (第四条 to 第十八条), and migration
u18criteria bringing the items once written from memory to the published wording, unless an administrator has
reworded them since."""

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from safety_service import migrate
from safety_service.config import Settings
from safety_service.database import make_engine
from safety_service.hazards import criteria
from tests.conftest import create_pg_database, drop_pg_database, make_settings


def _seed() -> dict:
    return json.loads(criteria.SEED_FILE.read_text(encoding="utf-8"))


def test_the_standard_has_its_15_categories_and_81_situations_in_article_order() -> None:
    categories = _seed()["categories"]
    assert [c["no"] for c in categories] == list(range(1, 16))
    assert [c["article"] for c in categories] == list(range(4, 19))
    assert [len(c["items"]) for c in categories] == [6, 3, 7, 2, 10, 9, 3, 5, 4, 6, 3, 4, 5, 3, 11]
    assert categories[10]["items"][1] == "有两回路电源线路但取自一个区域变电所同一母线段的"


@pytest.fixture
def before(settings: Settings, tmp_path) -> Iterator[Engine]:
    """A fresh database of the current backend at the revision before the corrections."""
    url = f"sqlite:///{tmp_path / 'before.db'}" if settings.is_sqlite else create_pg_database()
    engine = make_engine(make_settings(url))
    migrate.upgrade(engine, "u18selfcheck")
    yield engine
    engine.dispose()
    if not settings.is_sqlite:
        drop_pg_database(url)


def _texts(engine: Engine) -> dict[tuple[int, int], str]:
    with engine.connect() as c:
        return {(a, i): t for a, i, t in c.execute(text("SELECT article, item_no, text FROM major_hazard_criterion"))}


def test_the_migration_rewords_what_was_seeded_and_keeps_an_administrators_wording(before: Engine) -> None:
    with before.begin() as c:  # as a database seeded before the corrections holds them
        for article, item, old in ((4, 3, "未主动采取限产或者停采措施的旧表述"), (14, 2, "有两个回路但取自一个区域变电所同一母线段的")):
            c.execute(text("UPDATE major_hazard_criterion SET text = :t WHERE article = :a AND item_no = :i"),
                      {"t": old, "a": article, "i": item})
        c.execute(text("UPDATE major_hazard_criterion SET text = '管理员改写的表述' WHERE article = 9 AND item_no = 1"))
    migrate.upgrade(before)
    after = _texts(before)
    assert after[(14, 2)] == "有两回路电源线路但取自一个区域变电所同一母线段的"
    assert after[(9, 1)] == "管理员改写的表述"  # an administrator's wording stays
    assert after[(4, 3)] == "未主动采取限产或者停采措施的旧表述"  # not the seeded wording: left alone
    assert len(after) == 81
    migrate.downgrade(before, "u18selfcheck")
    assert _texts(before)[(14, 2)] == "有两个回路但取自一个区域变电所同一母线段的"
