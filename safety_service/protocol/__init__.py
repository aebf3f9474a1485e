"""The kiosk protocol, below the domains: topic names (``topics``), payload models (what kiosks send in
``kiosk_writes``, what one kiosk reads in ``kiosk_reads``, the retained ones in ``retained``, all by schema file in
``payloads``) and the functions that build the service's messages from plain values (``messages``); ``schemas/``
mirrors it."""
