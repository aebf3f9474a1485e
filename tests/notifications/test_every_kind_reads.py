"""Every kind of notification the service sends reads in both languages: its title (the inbox, the channels'
messages) and its name (the digest, the preferences). A kind without them showed its message key in the inbox
("notify.title.round_missed")."""

import re
from pathlib import Path

import safety_service
from safety_service.i18n import CATALOGUES
from safety_service.notifications.configure import EVENTS

SOURCE = Path(safety_service.__file__).parent
# notify(..., kind="x") and the counselling cases' notify(session, case, "x", ...).
SENT = re.compile(r"""\bnotify\(.{0,300}?\bkind=["'](\w+)["']|\bnotify\(session, case, ["'](\w+)["']""", re.DOTALL)


def _sent_kinds() -> set[str]:
    found = set(EVENTS)  # the hazard events, sent under a name held in a variable
    for source in SOURCE.rglob("*.py"):
        found |= {name for pair in SENT.findall(source.read_text()) for name in pair if name}
    return found


def test_the_kinds_sent_are_found() -> None:
    assert {"step_overdue", "round_missed", "major_point_hazard", "case_opened", "case_session_due"} <= _sent_kinds()


def test_every_kind_sent_has_a_title_and_a_name_in_both_languages() -> None:
    missing = [f"{language}: notify.{part}.{kind}" for kind in sorted(_sent_kinds()) for part in ("title", "kind")
               for language, messages in CATALOGUES.items() if f"notify.{part}.{kind}" not in messages]
    assert missing == []
