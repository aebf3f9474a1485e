"""docker/requirements.lock, which the image installs from, pins every dependency pyproject.toml declares.

A dependency added to pyproject.toml without `make lock` fails here, before an image is built without it."""

import re
import tomllib
from importlib.metadata import distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "docker" / "requirements.lock"
IMAGE_PYTHON = {"python_version": "3.11", "python_full_version": "3.11.14", "sys_platform": "linux",
                "platform_system": "Linux", "implementation_name": "cpython",
                "platform_python_implementation": "CPython", "os_name": "posix"}


def locked() -> dict[str, tuple[Requirement, list[str]]]:
    """Each locked package: its pinned requirement and its hashes."""
    entries: dict[str, tuple[Requirement, list[str]]] = {}
    for block in re.split(r"\n(?=\S)", LOCK.read_text(encoding="utf-8")):
        if block.startswith("#") or not block.strip():
            continue
        first, *rest = block.splitlines()
        requirement = Requirement(first.rstrip(" \\"))
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", "\n".join(rest))
        entries[canonicalize_name(requirement.name)] = (requirement, hashes)
    return entries


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def needed_in_the_image() -> list[Requirement]:
    """The runtime dependencies, the packages their extras add (``uvicorn[standard]``), and the build's."""
    project = pyproject()
    direct = [Requirement(text) for text in project["project"]["dependencies"]]
    needed = list(direct) + [Requirement(text) for text in project["build-system"]["requires"]]
    for requirement in direct:
        for extra in requirement.extras:
            for text in distribution(requirement.name).requires or []:
                added = Requirement(text)
                if added.marker and added.marker.evaluate({**IMAGE_PYTHON, "extra": extra}):
                    needed.append(added)
    return needed


def test_every_dependency_is_pinned_to_a_version_it_allows() -> None:
    entries = locked()
    for requirement in needed_in_the_image():
        name = canonicalize_name(requirement.name)
        assert name in entries, f"{requirement} is not in docker/requirements.lock: run `make lock`"
        (pin,) = entries[name][0].specifier
        assert requirement.specifier.contains(pin.version, prereleases=True), \
            f"docker/requirements.lock pins {name}=={pin.version}, outside {requirement}: run `make lock`"


def test_every_locked_package_is_one_exact_version_with_its_hashes() -> None:
    entries = locked()
    assert len(entries) > 30  # the lock was read, not skipped
    for name, (requirement, hashes) in entries.items():
        assert [spec.operator for spec in requirement.specifier] == ["=="], f"{name} is not pinned exactly"
        assert hashes, f"{name} has no hash (the image installs with --require-hashes)"


def test_the_tools_of_the_tests_stay_out_of_the_image() -> None:
    entries = locked()
    runtime = {canonicalize_name(requirement.name) for requirement in needed_in_the_image()} | {"mine-safety"}
    for text in pyproject()["project"]["optional-dependencies"]["test"]:
        name = canonicalize_name(Requirement(text).name)
        if name not in runtime:
            assert name not in entries, f"{name} (a test tool) is in the image's lock"
