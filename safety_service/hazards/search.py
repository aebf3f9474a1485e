"""Full-text search that works for Chinese text on SQLite (FTS5) and PostgreSQL (tsvector).

Chinese is written without spaces, so runs of CJK characters are indexed as overlapping
bigrams plus the run's last character; every character then starts some token, and a
query matches when all its bigrams are present (a one-character query is a prefix query).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnClause, ColumnElement, FromClause, Table, column, func, literal_column, table, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.expression import TableClause, TextClause

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


@dataclass(frozen=True)
class Match:
    """How a select of hazards is narrowed to the rows matching a free-text query.

    On SQLite the FTS5 table is joined on its rowid (the hazard id): ordered by that rowid, FTS5
    hands over the newest matches first and a page stops after fifty, however common the term.
    On PostgreSQL the match is a condition on hazard's stored ``search_tsv`` column (PostgreSQL
    only, made by the migrations), served by its GIN index.
    """

    condition: ColumnElement[bool] | TextClause
    index: TableClause | None = None

    def joined_to(self, hazard: Table) -> FromClause:
        """The hazard table, joined to the full-text table when there is one."""
        return hazard if self.index is None else hazard.join(self.index, self.index.c.rowid == hazard.c.id)

    def id_column(self, hazard: Table) -> ColumnElement[int]:
        """The hazard id to sort by: the full-text rowid when joined, so the index gives the order."""
        return hazard.c.id if self.index is None else self.index.c.rowid


_FTS = table("hazard_fts", column("rowid"))
_FTS_INSERT = "INSERT INTO hazard_fts(rowid, search_text) VALUES (?, ?)"


_VECTOR: ColumnClause[Any] = literal_column("hazard.search_tsv")  # a tsvector


def match(query: str, dialect: Dialect) -> Match | None:
    """The match for a free-text query, or None when it holds no searchable term."""
    terms = query_terms(query)
    if not terms:
        return None
    if dialect.name == "postgresql":
        tsquery = " & ".join(f"'{term}'" + (":*" if prefix else "") for term, prefix in terms)
        return Match(_VECTOR.op("@@")(func.to_tsquery(literal_column("'simple'::regconfig"), tsquery)))
    fts = " AND ".join(f'"{term}"' + ("*" if prefix else "") for term, prefix in terms)
    return Match(text("hazard_fts MATCH :fts").bindparams(fts=fts), index=_FTS)


def index_new(connection: Connection, rows: Sequence[tuple[int, str]]) -> None:
    """Put newly inserted hazards (``(id, search_text)`` each) into the full-text index.

    On SQLite in one executemany on the driver for the batch: FTS5 fed by a per-row insert trigger
    cost ten times as much (migration 0007). PostgreSQL's stored ``search_tsv`` column needs nothing.
    """
    if rows and connection.dialect.name == "sqlite":
        connection.exec_driver_sql(_FTS_INSERT, list(rows))
