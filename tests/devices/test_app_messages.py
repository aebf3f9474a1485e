"""The kiosk screen's texts: every key it uses exists in Chinese and English."""

import json
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "devices" / "kiosk" / "app" / "static"


def _messages() -> dict:
    return json.loads((STATIC / "messages.json").read_text(encoding="utf-8"))


def test_chinese_and_english_have_the_same_keys() -> None:
    messages = _messages()
    assert set(messages["zh"]) == set(messages["en"])
    assert all(value.strip() for language in ("zh", "en") for value in messages[language].values())


def test_every_key_the_screen_uses_is_in_the_catalogue() -> None:
    used = set(re.findall(r'data-t="([a-z_]+)"', (STATIC / "index.html").read_text(encoding="utf-8")))
    script = "\n".join(path.read_text(encoding="utf-8") for path in sorted(STATIC.glob("*.js")))
    used |= set(re.findall(r'\bt\("([a-z_]+)"', script))
    used |= set(re.findall(r'"(state_[a-z]+|accepted|duplicate)"', script))
    assert used and used <= set(_messages()["zh"])


def test_every_category_has_phrases_in_both_languages() -> None:
    from devices.kiosk.app.service import CATEGORIES

    phrases = _messages()["phrases"]
    for code, _, _ in CATEGORIES:
        assert phrases[code] and all(len(pair) == 2 and all(pair) for pair in phrases[code])
