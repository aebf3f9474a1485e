"""A kiosk in its own process, for tests that kill it: ``python -m tests.devices.kiosk_process SITE KIOSK OUTBOX``."""

import sys
import time

from devices.kiosk import KioskClient, KioskConfig
from tests.devices.service import BROKER_URL


def main() -> None:
    site, kiosk_id, outbox = sys.argv[1:4]
    kiosk = KioskClient(KioskConfig(broker_url=BROKER_URL, site=site, kiosk_id=kiosk_id, outbox_path=outbox)).start()
    if not kiosk.wait_connected(10):
        sys.exit(1)
    kiosk.report("子进程里的举报")
    print("connected", flush=True)
    time.sleep(30)


if __name__ == "__main__":
    main()
