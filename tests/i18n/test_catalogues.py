"""Both catalogues say the same things, and every message a page asks for exists."""

import re
from pathlib import Path

import pytest

from safety_service import i18n
from safety_service.hazards.states import HazardState
from safety_service.i18n import en, zh_cn
from safety_service.i18n.parts import joined
from safety_service.photos.processing import PhotoProblem
from safety_service.qr.tokens import RejectReason

PAGES = Path(i18n.__file__).parent.parent / "pages"


def test_the_catalogues_have_the_same_keys_and_placeholders() -> None:
    zh, en = i18n.CATALOGUES["zh-CN"], i18n.CATALOGUES["en"]
    assert zh.keys() == en.keys()
    for key in zh:
        assert set(re.findall(r"{(\w+)}", zh[key])) == set(re.findall(r"{(\w+)}", en[key])), key


@pytest.mark.parametrize("language", [zh_cn, en], ids=["zh-CN", "en"])
def test_each_key_is_in_one_part_of_a_catalogue(language) -> None:
    """A key in two parts meant the later part's message silently replaced the earlier's everywhere."""
    parts = [language.PAGES] + [getattr(i18n, name).MESSAGES for name in dir(i18n)
                                if name.endswith("_" + language.__name__.rsplit(".", 1)[1])]
    assert len(parts) > 10
    assert sum(len(part) for part in parts) == len(language.MESSAGES)


def test_a_key_in_two_parts_is_refused_by_name() -> None:
    assert joined({"a": "甲"}, {"b": "乙"}) == {"a": "甲", "b": "乙"}
    with pytest.raises(ValueError, match=r"console\.field\.area"):
        joined({"console.field.area": "区域", "a": "甲"}, {"console.field.area": "停产撤人区域"})


def test_every_literal_key_used_by_the_pages_exists() -> None:
    used = set()
    for source in [*PAGES.glob("*.py"), *PAGES.glob("templates/*.html")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']\s*[,)]""", source.read_text()))
    assert used and used <= set(i18n.CATALOGUES["zh-CN"])


def test_every_state_refusal_and_photo_problem_has_a_message() -> None:
    keys = {f"state.{s}" for s in HazardState} | {f"error.token.{r}" for r in RejectReason}
    keys |= {f"error.photo.{p}" for p in PhotoProblem}
    keys |= {f"track.{d}" for d in ("reported_at", "confirmed_at", "deadline", "rectified_at", "closed_at")}
    assert keys <= set(i18n.CATALOGUES["zh-CN"])


@pytest.mark.parametrize(("header", "expected"), [
    (None, "zh-CN"), ("en-US,en;q=0.9", "en"), ("zh-Hans-CN", "zh-CN"), ("fr-FR, en;q=0.5, zh;q=0.8", "zh-CN"),
    ("fr", "zh-CN"), ("en;q=0", "zh-CN"), ("en;q=bad, zh", "zh-CN"),
])
def test_accept_language_is_negotiated_with_chinese_by_default(header: str | None, expected: str) -> None:
    assert i18n.negotiate(accept_language=header) == expected


def test_an_explicit_choice_beats_the_cookie_which_beats_the_browser() -> None:
    assert i18n.negotiate(chosen="en", cookie="zh-CN", accept_language="zh") == "en"
    assert i18n.negotiate(chosen="xx", cookie="en", accept_language="zh") == "en"
    assert i18n.translate("en", "error.rate_limited", seconds=5).endswith("5 seconds.")
