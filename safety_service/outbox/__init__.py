"""The outbox, below the domains: a domain queues a kiosk message with ``enqueue`` in its own
transaction; the MQTT client (``mqtt/client.py``) publishes the rows after commit."""
