"""Made-up phone photos for the tests: JPEG with EXIF orientation and GPS, PNG, WebP, HEIC."""

import io
import struct
import zlib

import pillow_heif
from PIL import Image

ORIENTATION, GPS_IFD, MAKE = 0x0112, 0x8825, 0x010F


def photo(fmt: str = "JPEG", size: tuple[int, int] = (400, 200), *, orientation: int | None = None) -> bytes:
    """A photo with a red left half (so its rotation can be seen), GPS and device data in its EXIF."""
    image = Image.new("RGB", size, (20, 90, 200))
    image.paste((220, 30, 30), (0, 0, size[0] // 2, size[1]))
    buffer = io.BytesIO()
    if fmt == "HEIF":
        pillow_heif.from_pillow(image).save(buffer, format="HEIF", quality=80)
        return buffer.getvalue()
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker X1"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (34.0, 51.0, 10.0), 3: "E", 4: (117.0, 33.0, 5.0)})
    if orientation:
        exif[ORIENTATION] = orientation
    image.save(buffer, format=fmt, exif=exif.tobytes()) if fmt in ("JPEG", "WEBP", "PNG") else image.save(buffer, fmt)
    return buffer.getvalue()



def _png(width: int, height: int, pixels: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG claiming a huge size: a decompression bomb's header."""
    return _png(width, height, zlib.compress(b"\0" * 64))


def blank_png(width: int, height: int) -> bytes:
    """A transparent RGBA PNG of any size in a few kilobytes: the worst photo per byte to decode."""
    row, packer = b"\0" * (1 + 4 * width), zlib.compressobj(9)
    return _png(width, height, b"".join(packer.compress(row) for _ in range(height)) + packer.flush())
