"""Matching a reporter's words to the standard hazard library: character bigrams, compared in Python.

The library is small (tens to a few hundred items), so scoring every item is faster than any index and works the
same on SQLite and PostgreSQL. Chinese has no spaces, so words are not split: overlapping character pairs carry
the meaning (顶板离层 → 顶板, 板离, 离层). The items' bigrams are cached per process; the cache is keyed by a
fingerprint of the table (count, last id, last change), so a change made by another process is seen on the next
call, and a change made here also drops it at once.
"""

import re
from collections.abc import Callable, Sequence
from threading import Lock
from typing import Any, Protocol

from sqlalchemy import func

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


class Entry(Protocol):
    title: str
    category: str


class _Cache:
    """The process's cached bigrams: the table's fingerprint and the items with their bigrams."""

    def __init__(self) -> None:
        self.lock = Lock()
        self.value: tuple[Any, list[tuple[Any, frozenset[str]]]] | None = None


_cache = _Cache()


def bigrams(text: str) -> frozenset[str]:
    """The overlapping character pairs of the text without spaces and punctuation (single characters when short)."""
    plain = _NOISE.sub("", text.lower())
    if len(plain) < 2:
        return frozenset(plain)
    return frozenset(plain[i:i + 2] for i in range(len(plain) - 1))


def fingerprint_columns(model: Any) -> Any:
    """What changes whenever a row is added, changed or removed."""
    return func.count(model.id), func.max(model.id), func.max(model.updated_at)


def forget() -> None:
    """Drop the cached bigrams (a change was made in this process)."""
    with _cache.lock:
        _cache.value = None


def entries(key: Any, load: Callable[[], Sequence[Entry]]) -> list[tuple[Any, frozenset[str]]]:
    """The items with their bigrams, loaded again when the table's fingerprint changed."""
    with _cache.lock:
        cached = _cache.value
    if cached is not None and cached[0] == tuple(key):
        return cached[1]
    fresh = [(entry, bigrams(entry.title)) for entry in load()]
    with _cache.lock:
        _cache.value = (tuple(key), fresh)
    return fresh


def rank(entries: list[tuple[Any, frozenset[str]]], *, text: str, category: str | None,
         limit: int) -> list[tuple[float, Any]]:
    """The best entries for the text by the Dice coefficient of their bigrams, best first; none score zero."""
    wanted = bigrams(text)
    if not wanted:
        return []
    scored = []
    for entry, grams in entries:
        if category is not None and entry.category != category:
            continue
        shared = len(wanted & grams)
        if shared:
            scored.append((2 * shared / (len(wanted) + len(grams)), entry))
    scored.sort(key=lambda pair: (-pair[0], pair[1].title))
    return scored[:limit]
