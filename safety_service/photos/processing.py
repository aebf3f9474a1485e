"""Turning an uploaded phone photo into a safe stored image with Pillow.

Accepts JPEG, PNG, WebP and HEIC/HEIF; refuses anything else, anything over the byte limit
and anything whose pixel count could exhaust memory (decompression bombs) before decoding
it. The EXIF orientation is applied, then every piece of metadata (GPS, device, ICC, XMP)
is left behind by re-encoding only the pixels, at a bounded size, with a thumbnail.

Memory is bounded three ways (docs/photos.md has the figures). A JPEG decodes at 1/2, 1/4 or
1/8 of its size when that still fills the stored size (libjpeg's DCT scaling), so a 50 MP
phone JPEG costs what a 3 MP one does; ``max_pixels`` counts the pixels actually decoded.
A photo decoded at full size is flattened and reduced a band of rows at a time, never copied
whole. And at most ``limit_decodes(n)`` photos decode at once in the process.
"""

import ctypes
import io
import logging
import os
import threading
import warnings
from dataclasses import dataclass
from enum import StrEnum

import pillow_heif
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from safety_service.errors import InvalidInput

logger = logging.getLogger(__name__)

pillow_heif.register_heif_opener()
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "HEIF"})
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 82
# A header claiming more pixels is refused before anything is decoded, whatever the format; a
# 200 MP phone sensor's full-resolution JPEG (16320×12240) still opens. Pillow reads this global.
Image.MAX_IMAGE_PIXELS = 256_000_000
# libjpeg's working memory for one decode: a progressive JPEG keeps every coefficient at full size
# (150 MB for a 50 MP phone photo); one needing more fails as unreadable instead of growing.
os.environ.setdefault("JPEGMEM", "160M")
BAND_PIXELS = 1_000_000


class _Decodes:
    """The process's bound on photos decoding at once (``limit_decodes``)."""

    def __init__(self, count: int) -> None:
        self.gate = threading.BoundedSemaphore(count)


_decodes = _Decodes(2)


def _unmap_large_buffers() -> None:
    """glibc: buffers over 1 MB are mapped on their own, so a decode's pixels go back to the system when freed.

    By default glibc raises this threshold after the first such buffer is freed, and from then
    on every worker thread's arena kept what its last decode had used (25 MB a thread at 12 MP).
    """
    try:
        ctypes.CDLL("libc.so.6").mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD, fixed from now on
    except (OSError, AttributeError):  # not glibc: its allocator is its own
        logger.debug("mallopt unavailable; large buffers left to the allocator")


_unmap_large_buffers()


class PhotoProblem(StrEnum):
    too_large = "too_large"
    unsupported = "unsupported"
    unreadable = "unreadable"
    too_many_pixels = "too_many_pixels"


class PhotoRejected(InvalidInput):
    """An upload that is not a photo we accept; ``problem`` says why."""

    def __init__(self, problem: PhotoProblem, message: str) -> None:
        super().__init__(message, field="photo", reason=str(problem))
        self.problem = problem


@dataclass(frozen=True)
class PhotoLimits:
    """The bounds ``process_photo`` applies (``SAFETY_PHOTO_MAX_*``; these defaults are the settings')."""

    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 32_000_000
    max_side: int = 1600


@dataclass(frozen=True)
class ProcessedPhoto:
    """A photo ready to store: JPEG bytes without metadata, its size, and a thumbnail."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int


def limit_decodes(count: int) -> None:
    """At most ``count`` photos decode at once in this process (``SAFETY_PHOTO_MAX_DECODES``)."""
    _decodes.gate = threading.BoundedSemaphore(count)


def _open(data: bytes, *, max_pixels: int, max_side: int) -> ImageFile.ImageFile:
    """The photo's header, read; a JPEG is set to decode at the smallest DCT scale that fills ``max_side``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS))
    except UnidentifiedImageError as exc:
        raise PhotoRejected(PhotoProblem.unsupported, "only JPEG, PNG, WebP and HEIC photos are accepted") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRejected(PhotoProblem.too_many_pixels, "the photo has too many pixels") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoRejected(PhotoProblem.unreadable, "the photo cannot be read") from exc
    width, height = image.size
    if image.format == "JPEG":
        image.draft(None, _fitted(image.size, max_side))
    decoded = (width, height) if image.info.get("progressive") else image.size  # progressive: see JPEGMEM
    if decoded[0] * decoded[1] > max_pixels:
        raise PhotoRejected(PhotoProblem.too_many_pixels,
                            f"the photo has {width}×{height} pixels, more than {max_pixels} to decode")
    return image


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    scale = min(1.0, side / max(size))
    return max(1, int(size[0] * scale)), max(1, int(size[1] * scale))


def _reduced(image: Image.Image, max_side: int) -> Image.Image:
    """The photo flattened to RGB and shrunk by a whole factor to 1–2× ``max_side``, a band of rows at a time."""
    factor = max(1, max(image.size) // max_side)
    rows = factor * max(1, BAND_PIXELS // (image.width * factor))
    reduced = Image.new("RGB", (-(-image.width // factor), -(-image.height // factor)))
    for top in range(0, image.height, rows):
        band = _flatten(image.crop((0, top, image.width, min(top + rows, image.height))))
        reduced.paste(band.reduce(factor) if factor > 1 else band, (0, top // factor))
    return reduced


def _decode(image: ImageFile.ImageFile, *, max_side: int) -> Image.Image:
    """The upright, flattened photo at 1–2× ``max_side``; the full-size pixels are freed before the gate opens."""
    with _decodes.gate:
        try:
            reduced = _reduced(image, max_side)
        except (OSError, ValueError, SyntaxError) as exc:
            raise PhotoRejected(PhotoProblem.unreadable, "the photo cannot be decoded") from exc
        reduced.info["exif"] = image.getexif().tobytes()
        image.close()
    ImageOps.exif_transpose(reduced, in_place=True)
    reduced.info.pop("exif")
    return reduced


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif=, no icc_profile=
    return buffer.getvalue()


def process_photo(data: bytes, *, max_bytes: int, max_pixels: int, max_side: int) -> ProcessedPhoto:
    """A stored-size, upright, metadata-free JPEG and thumbnail of an upload; PhotoRejected otherwise."""
    if len(data) > max_bytes:
        raise PhotoRejected(PhotoProblem.too_large, f"the photo is {len(data)} bytes, more than {max_bytes}")
    image = _open(data, max_pixels=max_pixels, max_side=max_side)
    source = {"format": image.format, "decoded_width": image.width, "decoded_height": image.height}
    upright = _decode(image, max_side=max_side)
    upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    small = upright.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    logger.info("photo processed", extra={**source, "width": upright.width, "height": upright.height})
    return ProcessedPhoto(_jpeg(upright), _jpeg(small), upright.width, upright.height)
