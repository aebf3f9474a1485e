"""The pages fixture of tests/pages, for the tracking page."""

from tests.pages.conftest import pages  # noqa: F401
