"""Mine safety supervision service: hazard reporting and closed-loop tracking."""

__version__ = "0.1.0"
