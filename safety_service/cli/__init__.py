"""The ``safety-service`` command: serve, migrate, and administer people, places, kiosks and data.

``root`` holds the group, its settings check and its errors; each other module adds its commands to the
group when imported, as this package does here.
"""

from safety_service.cli import data, kiosks, library, major, notify, people, places, records, running, units  # noqa: F401
from safety_service.cli.root import main

__all__ = ["main"]
