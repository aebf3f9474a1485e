"""English messages of the console's kiosk page; merged into ``en.MESSAGES``."""

MESSAGES: dict[str, str] = {
    "console.admin.kiosks": "Kiosks",
    "console.kiosks.hint": "Each kiosk has its own broker account (the username is the kiosk id). A disabled kiosk "
                           "is disconnected at once and cannot connect until enabled again with its password; after "
                           "a new password the old one stops working; a removed kiosk never connects again, its id "
                           "is never reused, and every hazard reported through it keeps its record.",
    "console.kiosks.id": "Kiosk id",
    "console.kiosks.account": "Account",
    "console.kiosks.presence": "Presence",
    "console.kiosks.state.active": "active",
    "console.kiosks.state.disabled": "disabled",
    "console.kiosks.state.removed": "removed",
    "console.kiosks.status.online": "online",
    "console.kiosks.status.offline": "offline",
    "console.kiosks.status.unknown": "unknown",
    "console.kiosks.last_report": "Last report",
    "console.kiosks.dead_letters": "Dead letters waiting",
    "console.kiosks.since": "since {at} ({span})",
    "console.kiosks.no_report": "no report yet",
    "console.kiosks.waiting": "{count} waiting",
    "console.kiosks.disable": "Disable",
    "console.kiosks.enable": "Enable",
    "console.kiosks.rotate": "New password",
    "console.kiosks.remove": "Remove (final)",
    "console.kiosks.none": "No kiosk registered yet.",
    "console.kiosks.add": "Register a kiosk",
    "console.kiosks.done.added": "Kiosk {kiosk} registered.",
    "console.kiosks.done.disabled": "Kiosk {kiosk} disabled.",
    "console.kiosks.done.enabled": "Kiosk {kiosk} enabled.",
    "console.kiosks.done.rotated": "Kiosk {kiosk} has a new password; the old one no longer works.",
    "console.kiosks.done.removed": "Kiosk {kiosk} removed.",
    "console.kiosks.credentials": "Connection details: the password is shown only this once; enter it on the kiosk now.",
    "console.kiosks.username": "Username",
    "console.kiosks.password": "Password",
    "console.kiosks.report_topic": "Report topic",
    "console.kiosks.refused_removed": "Kiosk {kiosk} was removed and allows no action; nothing changed.",
    "console.kiosks.error.kiosk_id": "This id is taken (a removed kiosk's id is never reused), or uses characters "
                                     "other than letters, digits, - and _.",
    "console.kiosks.broker.applied": "The broker is up to date; in effect now.",
    "console.kiosks.broker.reload_needed": "The broker's password file and ACL were rewritten but the broker could "
                                           "not be told to reload: reload Mosquitto (SIGHUP).",
    "console.kiosks.broker.not_written": "SAFETY_MQTT_PASSWORD_FILE / SAFETY_MQTT_ACL_FILE are not set, so the "
                                         "broker's files were not rewritten: run safety-service mqtt write-config "
                                         "and reload the broker.",
}
