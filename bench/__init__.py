"""Benchmarks of the hazard register on a million hazards (SQLite and PostgreSQL)."""
