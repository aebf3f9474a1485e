"""The kiosk protocol, below the domains: topic names (``topics``), payload models (``payloads``) and the
functions that build the service's messages from plain values (``messages``); ``schemas/`` mirrors it."""
