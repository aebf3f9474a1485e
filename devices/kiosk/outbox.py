"""The kiosk's durable outbox: every report is committed here before it is published, and stays until acked.

One SQLite file (WAL, ``synchronous=FULL``), so a report survives a power cut, a reboot and hours
offline. Outgoing messages are reports and ratings of closed reports (done when the service's ack
arrives) and bulletin-read confirmations (done when the broker's PUBACK arrives; the contract has no
ack for them). Notices and bulletins received are kept too, so the kiosk can show them after a restart.
"""

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from devices.kiosk.payloads import iso

REPORT, BULLETIN_READ, RATING = "report", "bulletin_read", "rating"
PENDING, ACKED, REJECTED = "pending", "acked", "rejected"
DELIVERED = "delivered"

OUTGOING_SQL = """
CREATE TABLE IF NOT EXISTS outgoing (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('report', 'bulletin_read', 'rating')),
    key TEXT NOT NULL UNIQUE,
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_count INTEGER NOT NULL DEFAULT 0,
    last_sent_at TEXT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acked', 'rejected')),
    outcome TEXT,
    hazard_ref TEXT,
    tracking_code TEXT,
    error TEXT,
    done_at TEXT,
    ack_count INTEGER NOT NULL DEFAULT 0
)"""
SCHEMA_SQL = OUTGOING_SQL + """;
CREATE INDEX IF NOT EXISTS outgoing_state ON outgoing (state, id);
CREATE TABLE IF NOT EXISTS received (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('notice', 'bulletin')),
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (kind, key)
);
CREATE TABLE IF NOT EXISTS latest (
    kind TEXT PRIMARY KEY,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL
);
"""

OUTGOING_COLUMNS = ("id, kind, key, topic, payload, created_at, sent_count, last_sent_at, state, outcome, "
                    "hazard_ref, tracking_code, error, done_at, ack_count")


@dataclass(frozen=True)
class OutgoingMessage:
    """One report or bulletin-read confirmation and what became of it."""

    id: int
    kind: str
    key: str
    topic: str
    payload: dict[str, Any]
    created_at: datetime
    sent_count: int
    last_sent_at: datetime | None
    state: str
    outcome: str | None
    hazard_ref: str | None
    tracking_code: str | None
    error: dict[str, Any] | None
    done_at: datetime | None
    ack_count: int

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "OutgoingMessage":
        """Build from an ``outgoing`` row."""
        values = dict(row)
        values["payload"] = json.loads(values["payload"])
        values["error"] = json.loads(values["error"]) if values["error"] else None
        for name in ("created_at", "last_sent_at", "done_at"):
            values[name] = datetime.fromisoformat(values[name]) if values[name] else None
        return cls(**values)


@dataclass(frozen=True)
class Received:
    """A notice or bulletin message the kiosk received."""

    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    received_at: datetime


@dataclass(frozen=True)
class NewMessage:
    """An outgoing message to be added: its kind, idempotency key, topic and payload."""

    kind: str
    key: str
    topic: str
    payload: dict[str, Any]


class Outbox:
    """The SQLite outbox; safe to share between the caller's thread and the MQTT network thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
        self._db.row_factory = sqlite3.Row
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=10000", "foreign_keys=ON"):
            self._db.execute(f"PRAGMA {pragma}")
        with self._write() as db:
            _take_ratings(db)
            for statement in filter(str.strip, SCHEMA_SQL.split(";")):
                db.execute(statement)

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction; ``durable=False`` skips the fsync (for bookkeeping a crash may lose harmlessly)."""
        with self._lock:
            if not durable:
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                if not durable:
                    self._db.execute("PRAGMA synchronous=FULL")

    def _select(self, where: str, params: Sequence[Any] = ()) -> list[OutgoingMessage]:
        with self._lock:
            rows = self._db.execute(f"SELECT {OUTGOING_COLUMNS} FROM outgoing WHERE {where}", params).fetchall()
        return [OutgoingMessage.from_row(row) for row in rows]

    def add_many(self, messages: Sequence[NewMessage], *, at: datetime) -> None:
        """Commit new outgoing messages in one transaction (durable when this returns)."""
        rows = [(m.kind, m.key, m.topic, json.dumps(m.payload, ensure_ascii=False), iso(at)) for m in messages]
        with self._write() as db:
            db.executemany("INSERT INTO outgoing (kind, key, topic, payload, created_at) VALUES (?, ?, ?, ?, ?)", rows)

    def get(self, key: str) -> OutgoingMessage | None:
        """The outgoing message with this report_id / read_id, if any."""
        found = self._select("key = ?", (key,))
        return found[0] if found else None

    def by_keys(self, keys: Sequence[str]) -> list[OutgoingMessage]:
        """The outgoing messages with these keys, in id order."""
        found: list[OutgoingMessage] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            found += self._select(f"key IN ({', '.join('?' * len(chunk))}) ORDER BY id", chunk)
        return found

    def pending(self, *, kind: str | None = None, limit: int = 100_000) -> list[OutgoingMessage]:
        """Messages not yet done, oldest first."""
        if kind is None:
            return self._select("state = 'pending' ORDER BY id LIMIT ?", (limit,))
        return self._select("state = 'pending' AND kind = ? ORDER BY id LIMIT ?", (kind, limit))

    def due(self, *, sent_before: datetime, after_id: int = 0, limit: int) -> list[OutgoingMessage]:
        """Pending messages after ``after_id`` never sent, or last sent before ``sent_before``, oldest first."""
        where = ("state = 'pending' AND id > ? AND (last_sent_at IS NULL OR last_sent_at < ?) "
                 "ORDER BY id LIMIT ?")
        return self._select(where, (after_id, iso(sent_before), limit))

    def recent(self, kind: str, *, limit: int = 500) -> list[OutgoingMessage]:
        """The latest messages of one kind, whatever their state, oldest first."""
        return self._select("id IN (SELECT id FROM outgoing WHERE kind = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
                            (kind, limit))

    def receipts(self, *, limit: int = 100_000) -> list[OutgoingMessage]:
        """Reports the service answered (accepted, duplicate or rejected), oldest first."""
        return self._select("kind = 'report' AND state != 'pending' ORDER BY id LIMIT ?", (limit,))

    def mark_sent(self, ids: Sequence[int], *, at: datetime) -> None:
        """Count one more publish for each message (not fsynced: a lost count only understates the sends)."""
        with self._write(durable=False) as db:
            db.executemany("UPDATE outgoing SET sent_count = sent_count + 1, last_sent_at = ? WHERE id = ?",
                           [(iso(at), message_id) for message_id in ids])

    def record_ack(self, key: str, ack: dict[str, Any], *, at: datetime) -> tuple[OutgoingMessage | None, bool]:
        """Store the service's ack for a report or a rating; returns the message and whether this ack changed its
        answer.

        The first ack is the answer, except that a report the service refused and later stored after
        all (an operator applied its dead letter again) takes the new answer; a refusal never
        replaces a stored report's answer.
        """
        state = REJECTED if ack["outcome"] == "rejected" else ACKED
        error = json.dumps(ack["error"], ensure_ascii=False) if ack.get("error") else None
        answerable = "state = 'pending'" if state == REJECTED else "state IN ('pending', 'rejected')"
        with self._write() as db:
            db.execute("UPDATE outgoing SET ack_count = ack_count + 1 WHERE key = ? AND kind IN ('report', 'rating')",
                       (key,))
            changed = db.execute(
                "UPDATE outgoing SET state = ?, outcome = ?, hazard_ref = ?, tracking_code = ?, error = ?, done_at = ? "
                f"WHERE key = ? AND kind IN ('report', 'rating') AND {answerable}",
                (state, ack["outcome"], ack.get("hazard_ref"), ack.get("tracking_code"), error, iso(at), key),
            ).rowcount
        return self.get(key), changed == 1

    def mark_delivered(self, message_id: int, *, at: datetime) -> bool:
        """A bulletin-read confirmation reached the broker (PUBACK); returns whether it was still pending."""
        with self._write() as db:
            changed = db.execute(
                "UPDATE outgoing SET state = 'acked', outcome = 'delivered', done_at = ?, ack_count = ack_count + 1 "
                "WHERE id = ? AND kind = 'bulletin_read' AND state = 'pending'", (iso(at), message_id)).rowcount
        return changed == 1

    def store_received(self, kind: str, key: str, payload: dict[str, Any], *, at: datetime) -> bool:
        """Keep a notice or bulletin message; returns False when it was already kept (a redelivery)."""
        with self._write() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO received (kind, key, payload, received_at) VALUES (?, ?, ?, ?)",
                (kind, key, json.dumps(payload, ensure_ascii=False), iso(at))).rowcount
        return inserted == 1

    def received(self, kind: str, *, limit: int = 1000) -> list[Received]:
        """The newest ``limit`` kept notices or bulletin messages of one kind, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM (SELECT id, kind, key, payload, received_at FROM received "
                                    "WHERE kind = ? ORDER BY id DESC LIMIT ?) ORDER BY id", (kind, limit)).fetchall()
        return [Received(r["id"], r["kind"], r["key"], json.loads(r["payload"]),
                         datetime.fromisoformat(r["received_at"])) for r in rows]

    def keep_latest(self, kind: str, payload: dict[str, Any], *, at: datetime) -> None:
        """Keep the current message of a retained topic (such as the category list), replacing the one before."""
        with self._write() as db:
            db.execute("INSERT INTO latest (kind, payload, received_at) VALUES (?, ?, ?) ON CONFLICT (kind) "
                       "DO UPDATE SET payload = excluded.payload, received_at = excluded.received_at",
                       (kind, json.dumps(payload, ensure_ascii=False), iso(at)))

    def latest(self, kind: str) -> dict[str, Any] | None:
        """The kept current message of a retained topic, or None before the first one."""
        with self._lock:
            row = self._db.execute("SELECT payload FROM latest WHERE kind = ?", (kind,)).fetchone()
        return None if row is None else json.loads(row["payload"])

    def counts(self) -> dict[str, int]:
        """How many outgoing messages are in each state."""
        with self._lock:
            rows = self._db.execute("SELECT state, count(*) FROM outgoing GROUP BY state").fetchall()
        return {state: 0 for state in (PENDING, ACKED, REJECTED)} | {row[0]: row[1] for row in rows}



def _take_ratings(db: sqlite3.Connection) -> None:
    """An outbox file made before ratings could be sent (its ``outgoing`` allows two kinds) gets the table made
    again with the third, every row kept, in the opening transaction (SQLite cannot change a CHECK in place)."""
    found = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'outgoing'").fetchone()
    if found is None or "'rating'" in found[0]:
        return
    db.execute("DROP INDEX IF EXISTS outgoing_state")
    db.execute("ALTER TABLE outgoing RENAME TO outgoing_before_ratings")
    db.execute(OUTGOING_SQL)
    db.execute(f"INSERT INTO outgoing ({OUTGOING_COLUMNS}) SELECT {OUTGOING_COLUMNS} FROM outgoing_before_ratings")
    db.execute("DROP TABLE outgoing_before_ratings")
