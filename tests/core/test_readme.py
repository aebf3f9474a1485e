"""The README stays true: every setting is in it, and every file it links to exists."""

import re
from pathlib import Path

from safety_service.config import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme() -> None:
    assert [name for name in Settings.model_fields if f"SAFETY_{name.upper()}" not in README] == []


def test_every_relative_link_of_the_readme_and_the_docs_names_a_file_that_exists() -> None:
    broken = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+:", target) and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert broken == []
