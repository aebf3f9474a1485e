"""Backup and restore of everything the service keeps: the database and the files it generated."""
