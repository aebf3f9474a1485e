"""Phone photos are stored upright, bounded and without metadata; anything else is refused."""

import io
import subprocess
import sys
import textwrap

import pytest
from PIL import Image

from safety_service.photos.processing import PhotoProblem, PhotoRejected, process_photo
from tests.photos.images import photo, png_header_only

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


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    assert _refused(png_header_only(30_000, 30_000)) == PhotoProblem.too_many_pixels
    assert _refused(png_header_only(5000, 5000), max_pixels=1_000_000) == PhotoProblem.too_many_pixels


def test_a_jpeg_larger_than_the_pixel_cap_is_taken_at_a_reduced_decode() -> None:
    stored = process_photo(photo("JPEG", (4000, 3000)), **{**LIMITS, "max_pixels": 4_000_000})  # decodes 2000×1500
    assert (stored.width, stored.height) == (1600, 1200)
    assert _refused(photo("PNG", (4000, 3000)), max_pixels=4_000_000) == PhotoProblem.too_many_pixels


def test_parallel_worst_case_pngs_cost_about_one_decode_of_memory() -> None:
    """Six 12 MP transparent PNGs of 20 KB each, in six threads with one decode at a time, cost what one does."""
    script = textwrap.dedent("""
        import re, threading
        from safety_service.photos import processing
        from tests.photos.images import blank_png, photo
        limits = dict(max_bytes=10 << 20, max_pixels=20_000_000, max_side=1600)
        processing.process_photo(photo("PNG"), **limits)
        data = blank_png(4000, 3000)
        processing.limit_decodes(1)
        peak = lambda: int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
        peaks = [peak()]
        for count in (1, 6):
            threads = [threading.Thread(target=processing.process_photo, args=(data,), kwargs=limits)
                       for _ in range(count)]
            [thread.start() for thread in threads]
            [thread.join() for thread in threads]
            peaks.append(peak())
        print(peaks[1] - peaks[0], peaks[2] - peaks[0])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    one, six = map(int, done.stdout.split()[-2:])
    assert one < 2 * 4 * 12 * 1024  # kB: one decode is about 4 bytes a pixel (it was 13 before the bands)
    assert six < 1.5 * one
