"""Channel secrets and webhook URLs sealed at rest (Fernet: AES-128-CBC and HMAC-SHA256) with a key kept
in SAFETY_DATA_DIR as ``notify.key``, generated on first use like the other keys (``keyfiles``).

A database copy alone (a backup, a dump) does not give away the robots' tokens; whoever has the data
directory too can read them, as the service itself must.
"""

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken

from safety_service import keyfiles

KEY_FILE = "notify.key"


class SealBroken(ValueError):
    """A sealed value does not open with this data directory's key."""


@lru_cache(maxsize=8)
def _fernet(data_dir: str) -> Fernet:
    key = keyfiles.load_or_create(Path(data_dir) / KEY_FILE, lambda: Fernet.generate_key().decode("ascii"))
    return Fernet(key.encode("ascii"))


def seal(data_dir: str, value: str) -> str:
    """The value encrypted with the data directory's notification key."""
    return _fernet(data_dir).encrypt(value.encode("utf-8")).decode("ascii")


def unseal(data_dir: str, sealed: str) -> str:
    """The value a ``seal`` call encrypted; raises SealBroken for another key or altered text."""
    try:
        return _fernet(data_dir).decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise SealBroken("the channel's stored target or secret does not open with notify.key") from exc


def mask(target: str) -> str:
    """What may be shown back of a URL or address: scheme, host and the last four characters."""
    parts = urlsplit(target)
    tail = target[-4:] if len(target) > 12 else ""
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}/…{tail}" if parts.scheme else f"…{tail}"
