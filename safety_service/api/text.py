"""JSON bodies whose text is not Unicode: a ``\\ud800`` escape without its pair parses (Python's json allows it)
but no database can store it, so such a body is a 422 naming the field before any route reads it."""

import json
import re
from collections.abc import Iterator

from fastapi import Request
from fastapi.exceptions import RequestValidationError

READS = frozenset({"GET", "HEAD", "OPTIONS"})
# A surrogate's escape (\ud800-\udfff): a body without one cannot hold a lone surrogate, and is not read twice (a
# client writing its JSON ASCII-only, as many do, escapes every Chinese character, so "\u" alone is in most bodies).
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
MESSAGE = "Input should be Unicode text: a lone surrogate (\\ud800-\\udfff without its pair) is not a character"


async def unicode_body(request: Request) -> None:
    """Refuse a JSON body with a lone surrogate in any string, naming where it is."""
    if request.method in READS or "json" not in request.headers.get("content-type", ""):
        return  # a form's text never holds a surrogate: undecodable bytes become U+FFFD (multipart: Latin-1)
    body = await request.body()  # kept from FastAPI's own reading of the JSON
    if SURROGATE_ESCAPE.search(body) is None:
        return
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return  # FastAPI's own reading refuses it
    where = next(_lone_surrogates(parsed, ("body",)), None)
    if where is not None:
        raise RequestValidationError([{"type": "string_unicode", "loc": where, "msg": MESSAGE, "input": None}])


def _lone_surrogates(value: object, where: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    """Where each string (or key) that cannot be written as UTF-8 is."""
    if isinstance(value, str) and not _encodes(value):
        yield where
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from ((*where, key),) if not _encodes(key) else _lone_surrogates(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _lone_surrogates(item, (*where, index))


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
