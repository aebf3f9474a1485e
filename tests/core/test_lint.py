"""The code reads as STYLE.md asks: ruff (configured in pyproject.toml) finds nothing."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_finds_nothing() -> None:
    answer = subprocess.run([sys.executable, "-m", "ruff", "check", "safety_service", "tests", "bench", "devices"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert answer.returncode == 0, answer.stdout + answer.stderr
