"""The kiosk's touch screen: a local web app on the KioskClient and its outbox."""
