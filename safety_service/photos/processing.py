"""Turning an uploaded phone photo into a safe stored image with Pillow.

Accepts JPEG, PNG, WebP and HEIC/HEIF; refuses anything else, anything over the byte limit
and anything whose pixel count could exhaust memory (decompression bombs) before decoding
it. The EXIF orientation is applied, then every piece of metadata (GPS, device, ICC, XMP)
is left behind by re-encoding only the pixels, at a bounded size, with a thumbnail.
"""

import io
import logging
import warnings
from dataclasses import dataclass
from enum import StrEnum

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from safety_service.errors import InvalidInput

logger = logging.getLogger(__name__)

pillow_heif.register_heif_opener()
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "HEIF"})
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 82


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
class ProcessedPhoto:
    """A photo ready to store: JPEG bytes without metadata, its size, and a thumbnail."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _open(data: bytes, *, max_pixels: int) -> Image.Image:
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
    if image.width * image.height > max_pixels:
        raise PhotoRejected(PhotoProblem.too_many_pixels,
                            f"the photo has {image.width}×{image.height} pixels, more than {max_pixels}")
    return image


def _flatten(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
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
    image = _open(data, max_pixels=max_pixels)
    try:
        upright = _flatten(image)
    except (OSError, ValueError, SyntaxError) as exc:
        raise PhotoRejected(PhotoProblem.unreadable, "the photo cannot be decoded") from exc
    upright.thumbnail((max_side, max_side), Image.LANCZOS)
    small = upright.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.LANCZOS)
    logger.info("photo processed", extra={"format": image.format, "width": upright.width, "height": upright.height})
    return ProcessedPhoto(_jpeg(upright), _jpeg(small), upright.width, upright.height)
