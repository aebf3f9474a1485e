"""The pages fixture of tests/pages, for the report page's bulletin."""

from tests.pages.conftest import location, pages  # noqa: F401
