"""Keeps the broker in step with the kiosk table after a kiosk is added, disabled, enabled, rotated or removed.

The embedded broker reads the kiosk table on every connection, so it needs nothing. Mosquitto reads
its password file and ACL: they are rewritten (when ``SAFETY_MQTT_PASSWORD_FILE`` and
``SAFETY_MQTT_ACL_FILE`` are set) and Mosquitto is sent SIGHUP (when ``SAFETY_MQTT_BROKER_PID_FILE``
names its pid file). On SIGHUP Mosquitto reloads both files and disconnects every connected client
whose password no longer matches: a disabled, removed or rotated kiosk is out at once.
"""

import logging
import os
import signal
from pathlib import Path

from sqlmodel import Session

from safety_service.config import Settings
from safety_service.kiosks import service as kiosks_service
from safety_service.kiosks.schemas import BrokerReload
from safety_service.mqtt.client import broker_url, parse_broker_url

logger = logging.getLogger(__name__)


def sync_broker(session: Session, settings: Settings) -> BrokerReload:
    """After a committed kiosk change: rewrite the broker's files and have it reload them, where the service can."""
    if not (settings.mqtt_password_file and settings.mqtt_acl_file):
        if settings.mqtt_url == "embedded":
            return BrokerReload(files_written=False, reloaded=True,
                                detail="the embedded broker reads the kiosks from the database: in effect now")
        return BrokerReload(files_written=False, reloaded=False,
                            detail="SAFETY_MQTT_PASSWORD_FILE / SAFETY_MQTT_ACL_FILE not set: broker files not written")
    url = parse_broker_url(broker_url(settings))
    if not (url.username and url.password):
        return BrokerReload(files_written=False, reloaded=False,
                            detail="SAFETY_MQTT_URL must carry the service's username and password "
                                   "to write the broker files")
    try:
        kiosks_service.write_broker_files(
            session, site=settings.site, service_username=url.username, service_password=url.password,
            password_file=Path(settings.mqtt_password_file), acl_file=Path(settings.mqtt_acl_file))
    except OSError as exc:  # the change is committed; say the broker is behind rather than fail
        logger.error("mqtt broker files not written", extra={"error": str(exc)})
        return BrokerReload(files_written=False, reloaded=False, detail=f"broker files not written: {exc}")
    reloaded, detail = signal_reload(settings.mqtt_broker_pid_file)
    return BrokerReload(files_written=True, reloaded=reloaded,
                        detail=f"wrote {settings.mqtt_password_file} and {settings.mqtt_acl_file}; {detail}")


def signal_reload(pid_file: str) -> tuple[bool, str]:
    """Send SIGHUP to the broker whose pid the file holds; whether that worked, and what happened."""
    if not pid_file:
        return False, "SAFETY_MQTT_BROKER_PID_FILE not set: reload the broker yourself (SIGHUP)"
    try:
        pid = int(Path(pid_file).read_text(encoding="ascii").strip())
        if pid <= 1:  # 0 and negatives would signal process groups
            raise ValueError(f"not a broker's pid: {pid}")
        os.kill(pid, signal.SIGHUP)
    except (OSError, ValueError) as exc:
        logger.warning("mqtt broker not reloaded", extra={"pid_file": pid_file, "error": str(exc)})
        return False, f"could not signal the broker ({pid_file}: {exc}); reload it yourself (SIGHUP)"
    logger.info("mqtt broker told to reload", extra={"pid": pid})
    return True, f"the broker (pid {pid}) reloads them"
