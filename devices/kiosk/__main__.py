"""``python -m devices.kiosk``: the same as the ``safety-kiosk`` command."""

from devices.kiosk.cli import main

main()
