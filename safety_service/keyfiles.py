"""Keys generated on first start and kept as files in the data directory (``SAFETY_DATA_DIR``).

A key file is written whole to a private temporary file (mode 0600) and then hard-linked to its
name, which fails when the name exists: of two processes starting at once, one key wins and both
read it; no process ever reads a half-written key.
"""

import logging
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

SECRET_FILE = "secret.key"
QR_KEYS_FILE = "qr.keys"


def new_secret() -> str:
    """A random secret key (64 characters)."""
    return secrets.token_urlsafe(48)


def new_qr_keys() -> str:
    """A QR key list in ``SAFETY_QR_KEYS``'s form with one random key, ``k1``."""
    return f"k1:{secrets.token_urlsafe(32)}"


def load_or_create(path: Path, make: Callable[[], str]) -> str:
    """The key kept in ``path``; made with ``make`` and written there (0600) when there is none."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(make() + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
            logger.info("generated a new key", extra={"file": str(path)})
        except FileExistsError:
            pass  # another process was first: its key is the key
    finally:
        temporary.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        logger.warning("key file readable by others; chmod 600 it", extra={"file": str(path)})
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ValueError(f"{path} is empty; remove it to have a new key generated")
    return value
