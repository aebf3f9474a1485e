"""Message catalogues for every page people see: Chinese (zh-CN) first, English second.

Pages pick a language with ``negotiate`` (an explicit choice, then the cookie, then the
browser's Accept-Language, else Chinese) and look strings up with a ``Translator``.
"""

import logging
from dataclasses import dataclass

from safety_service.i18n import en, zh_cn

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "zh-CN"
CATALOGUES: dict[str, dict[str, str]] = {"zh-CN": zh_cn.MESSAGES, "en": en.MESSAGES}
LANGUAGES = tuple(CATALOGUES)


def supported(tag: str | None) -> str | None:
    """The catalogue a language tag maps to (``zh-Hans-CN`` → zh-CN, ``en-GB`` → en), or None."""
    primary = (tag or "").strip().lower().split("-")[0].split("_")[0]
    return {"zh": "zh-CN", "en": "en"}.get(primary)


def from_accept_language(header: str | None) -> str | None:
    """The best supported language of an Accept-Language header, by its q-values."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if (language := supported(tag)) and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def negotiate(*, chosen: str | None = None, cookie: str | None = None, accept_language: str | None = None) -> str:
    """The page language: an explicit choice, then the cookie, then Accept-Language, else Chinese."""
    return supported(chosen) or supported(cookie) or from_accept_language(accept_language) or DEFAULT_LANGUAGE


def translate(language: str, key: str, **params: object) -> str:
    """The message ``key`` in the language (Chinese when the language lacks it), with params filled in."""
    text = CATALOGUES.get(language, {}).get(key) or CATALOGUES[DEFAULT_LANGUAGE].get(key)
    if text is None:
        logger.warning("message missing from the catalogues", extra={"key": key, "language": language})
        return key
    return text.format(**params) if params else text


@dataclass(frozen=True)
class Translator:
    """``t("key")`` for one language, handed to templates."""

    language: str

    def __call__(self, key: str, **params: object) -> str:
        return translate(self.language, key, **params)

    @property
    def html_lang(self) -> str:
        return "zh-CN" if self.language == "zh-CN" else "en"

    @property
    def other(self) -> str:
        """The language the switch offers."""
        return "en" if self.language == "zh-CN" else "zh-CN"
