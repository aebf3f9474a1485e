"""The domain packages, the kiosk intake and the API's shared layer type-check under mypy --strict (pyproject.toml).

The packages below are checked as a whole; a package joins the list once it is clean (docs/architecture.md,
"Checks"). What they import is read for its types, and its errors are left to its own package's turn.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRICT = ("api", "backup", "board", "bulletins", "counselling", "feedback", "hazards", "i18n", "inspections",
          "kiosks", "locations", "mqtt", "notifications", "outbox", "people", "photos", "protocol", "qr", "rewards",
          "risks", "scorecard", "supervisors", "units")


def test_mypy_strict_finds_nothing_in_the_packages_on_the_list() -> None:
    packages = [argument for name in STRICT for argument in ("-p", f"safety_service.{name}")]
    packages += ["-m", "safety_service.reading"]
    answer = subprocess.run([sys.executable, "-m", "mypy", *packages], cwd=ROOT, capture_output=True, text=True,
                            timeout=600, check=False)
    assert answer.returncode == 0, answer.stdout + answer.stderr
