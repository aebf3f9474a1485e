"""The kiosk side of the mine-safety service: the reference kiosk client and a kiosk simulator.

Nothing here imports ``safety_service``: a kiosk tablet installs only this package and ``schemas/``.
"""
