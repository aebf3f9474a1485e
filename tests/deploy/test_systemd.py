"""docs/systemd/: the units for an install without Docker are valid to systemd and keep the service unprivileged."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

UNITS = Path(__file__).resolve().parents[2] / "docs" / "systemd"
INSTALLED_BIN = "/opt/mine-safety/venv/bin"  # where docs/production.md installs the service


def test_systemd_accepts_every_unit_without_a_warning(tmp_path: Path) -> None:
    """`systemd-analyze verify` (Debian's systemd, `make services`) with the commands pointed at this checkout's."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: `make services` installs Debian's systemd"
    for unit in UNITS.iterdir():
        text = unit.read_text(encoding="utf-8").replace(INSTALLED_BIN, str(Path(sys.executable).parent))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    result = subprocess.run([analyze, "verify", *sorted(str(path) for path in tmp_path.iterdir())], check=False,
                            capture_output=True, text=True)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_verification_reports_a_misspelt_option(tmp_path: Path) -> None:
    text = (UNITS / "safety-service.service").read_text(encoding="utf-8")
    unit = tmp_path / "safety-service.service"
    unit.write_text(text.replace(INSTALLED_BIN, str(Path(sys.executable).parent))
                    .replace("NoNewPrivileges=", "NoNewPrivilege="), encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], check=False, capture_output=True, text=True)
    assert "Unknown key 'NoNewPrivilege'" in result.stderr


def test_the_service_runs_unprivileged_hardened_and_restarts() -> None:
    text = (UNITS / "safety-service.service").read_text(encoding="utf-8")
    options = dict(re.findall(r"^(\w+)=(.*)$", text, re.MULTILINE))
    assert options["User"] == "safety" and options["CapabilityBoundingSet"] == ""
    for option, value in [("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"),
                          ("PrivateTmp", "yes"), ("Restart", "always")]:
        assert options[option] == value, option
    assert re.search(r"^ExecStart=\S+/safety-service serve ", text, re.MULTILINE)
    assert re.search(r"^ExecStartPre=\S+/safety-service db upgrade$", text, re.MULTILINE)
