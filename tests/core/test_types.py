"""The service's code type-checks under mypy --strict (pyproject.toml): every package and module of
``safety_service`` but the migrations (docs/architecture.md, "Checks").

The migrations are left out: each is frozen once a database has run it (an edit would change nothing there),
and alembic's ``op`` calls they are made of are checked by running every migration up and down (tests/core).
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_strict_finds_nothing_in_the_service() -> None:
    command = [sys.executable, "-m", "mypy", "-p", "safety_service", "--exclude", "safety_service/migrations/"]
    answer = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert "no issues found in" in answer.stdout
