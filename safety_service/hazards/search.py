"""Full-text search that works for Chinese text on SQLite (FTS5) and PostgreSQL (tsvector).

Chinese is written without spaces, so runs of CJK characters are indexed as overlapping
bigrams plus the run's last character; every character then starts some token, and a
query matches when all its bigrams are present (a one-character query is a prefix query).
"""

import re

from sqlalchemy import ColumnElement, func, literal_column, select, text
from sqlalchemy.engine import Dialect

_CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK_CHARS}]+|[^\W_{_CJK_CHARS}]+")
_CJK = re.compile(rf"[{_CJK_CHARS}]")
MAX_QUERY_TOKENS = 16


def _tokens(value: str) -> list[str]:
    tokens: list[str] = []
    for run in _RUNS.findall(value.lower()):
        if not _CJK.match(run):
            tokens.append(run)
            continue
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        tokens.append(run[-1])
    return tokens


def index_text(*parts: str | None) -> str:
    """The text stored in ``hazard.search_text`` for these parts of a hazard."""
    return " ".join(token for part in parts if part for token in _tokens(part))


def query_terms(query: str) -> list[tuple[str, bool]]:
    """The terms a free-text query must all match, each with whether it is a prefix."""
    terms: list[tuple[str, bool]] = []
    for run in _RUNS.findall(query.lower()):
        if _CJK.match(run) and len(run) == 1:
            terms.append((run, True))
        elif _CJK.match(run):
            terms.extend((run[i : i + 2], False) for i in range(len(run) - 1))
        else:
            terms.append((run, False))
    return list(dict.fromkeys(terms))[:MAX_QUERY_TOKENS]


def match_clause(id_column: ColumnElement[int], search_column: ColumnElement[str], query: str,
                 dialect: Dialect) -> ColumnElement[bool] | None:
    """A WHERE clause matching the query, or None when it holds no searchable term."""
    terms = query_terms(query)
    if not terms:
        return None
    if dialect.name == "postgresql":
        tsquery = " & ".join(f"'{term}'" + (":*" if prefix else "") for term, prefix in terms)
        vector = func.to_tsvector(literal_column("'simple'::regconfig"), search_column)
        return vector.op("@@")(func.to_tsquery(literal_column("'simple'::regconfig"), tsquery))
    fts = " AND ".join(f'"{term}"' + ("*" if prefix else "") for term, prefix in terms)
    matching = select(literal_column("rowid")).select_from(text("hazard_fts")).where(
        text("hazard_fts MATCH :fts").bindparams(fts=fts)
    )
    return id_column.in_(matching)
