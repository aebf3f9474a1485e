"""The intake's in-process benchmark still runs, in both its modes: ``apply_batch`` in this process, and the
reports through the writer process (pipe, child, answers back). Only that it runs and stores every report once
is checked here; its speed is for the bench itself (bench/README.md)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("mode", [[], ["--writer-process"]], ids=["in-process", "writer-process"])
def test_the_intake_bench_stores_every_report_once(mode: list[str]) -> None:
    done = subprocess.run([sys.executable, "bench/intake_batch.py", "--backend", "sqlite", "--reports", "300",
                           "--batch", "100", *mode], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "stored: 300 hazards, 300 distinct report ids" in done.stdout, done.stdout
    assert ("through the writer process" in done.stdout) == bool(mode), done.stdout
