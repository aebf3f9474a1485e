"""The standard hazard library (隐患标准库) on the kiosk: the service's last published copy (hazard-library/1, kept
on disk) matched against what the worker types, offline.

The same measure as the service's own matching (``safety_service/hazards/matching.py``): overlapping character pairs
(Chinese has no spaces: 顶板离层 → 顶板, 板离, 离层) compared by the Dice coefficient. Written again here because the
tablet runs the kiosk package alone, without the service's.
"""

import re
from collections.abc import Iterable
from typing import Any

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
LIMIT = 4  # matches offered at once: each is a big button
MAX_TEXT = 200  # only the start of a long description is matched


def bigrams(text: str) -> frozenset[str]:
    """The overlapping character pairs of the text without spaces and punctuation (single characters when short)."""
    plain = _NOISE.sub("", text.lower())
    if len(plain) < 2:
        return frozenset(plain)
    return frozenset(plain[i:i + 2] for i in range(len(plain) - 1))


def matches(items: Iterable[dict[str, Any]], *, text: str, category: str | None = None,
            limit: int = LIMIT) -> list[dict[str, Any]]:
    """The items nearest the text (of the category when given), best first, each with its ``score`` (0 to 1)."""
    wanted = bigrams(text[:MAX_TEXT])
    if len(_NOISE.sub("", text)) < 2:  # one character matches everything and helps nobody
        return []
    scored = []
    for item in items:
        if category and item["category"] != category:
            continue
        grams = bigrams(item["title"])
        shared = len(wanted & grams)
        if shared:
            scored.append((2 * shared / (len(wanted) + len(grams)), item))
    scored.sort(key=lambda pair: (-pair[0], pair[1]["title"]))
    return [item | {"score": round(score, 3)} for score, item in scored[:limit]]
