"""Phone photos are stored upright, bounded and without metadata; anything else is refused."""

import io
import struct
import zlib

import pytest
from PIL import Image

from safety_service.photos.processing import PhotoProblem, PhotoRejected, process_photo
from tests.photos.images import photo

LIMITS = {"max_bytes": 2 * 1024 * 1024, "max_pixels": 20_000_000, "max_side": 1600}


def _refused(data: bytes, **limits: int) -> PhotoProblem:
    with pytest.raises(PhotoRejected) as caught:
        process_photo(data, **{**LIMITS, **limits})
    assert caught.value.field == "photo"
    return caught.value.problem


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_every_accepted_format_becomes_a_jpeg_and_thumbnail(fmt: str) -> None:
    stored = process_photo(photo(fmt), **LIMITS)
    image, thumb = Image.open(io.BytesIO(stored.image)), Image.open(io.BytesIO(stored.thumbnail))
    assert image.format == thumb.format == "JPEG" and (stored.width, stored.height) == image.size == (400, 200)
    assert max(thumb.size) <= 320


def test_the_exif_orientation_is_applied_then_all_metadata_is_gone() -> None:
    stored = process_photo(photo("JPEG", orientation=6), **LIMITS)  # 6: the camera was turned 90°
    image = Image.open(io.BytesIO(stored.image))
    assert image.size == (200, 400)
    top_left = image.convert("RGB").getpixel((10, 10))
    assert top_left[0] > 150 and top_left[2] < 100  # red, the original left half, now on top
    assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    assert b"PhoneMaker" not in stored.image and b"Exif" not in stored.image


def test_a_large_photo_is_bounded() -> None:
    stored = process_photo(photo("JPEG", (4000, 3000)), **LIMITS)
    assert (stored.width, stored.height) == (1600, 1200)


def test_other_files_and_oversize_are_refused() -> None:
    assert _refused(b"%PDF-1.7 not a photo") == PhotoProblem.unsupported
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    assert _refused(gif.getvalue()) == PhotoProblem.unsupported
    assert _refused(photo("JPEG"), max_bytes=1000) == PhotoProblem.too_large
    assert _refused(photo("JPEG")[:600]) == PhotoProblem.unreadable


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG claiming a huge size: a decompression bomb's header."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    assert _refused(_png_header_only(30_000, 30_000)) == PhotoProblem.too_many_pixels
    assert _refused(_png_header_only(5000, 5000), max_pixels=1_000_000) == PhotoProblem.too_many_pixels
