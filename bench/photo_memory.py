"""Peak memory of the real server under 16 parallel worst-case photo uploads; the limit is 1 GB.

    .venv/bin/python bench/photo_memory.py [--uploads 16] [--kinds png,jpeg,...]

For each kind of photo, a fresh uvicorn process on 127.0.0.1 serves the real app (default
photo settings, rate limits off) on a fresh SQLite file; 16 anonymous reports, each with the
same photo, are posted to the QR page at once. The server's peak resident memory (VmHWM from
/proc, the high-water mark of that process alone) is printed beside the 1 GB limit, with the
answers' status codes. The photos are the worst of their kind that the defaults accept, each
padded with bytes after the image (which decoders ignore) to just under the byte limit, so the
bodies in flight weigh what 16 full-size uploads do: a transparent PNG at the pixel cap, a
progressive JPEG at the cap (libjpeg keeps all its coefficients), a baseline JPEG of 50 MP (a
phone's full-resolution mode, decoded at 1/4), a HEIC at the cap, and a PNG whose header claims
900 MP (refused). The HEIC takes a minute to encode once; the photos are kept in
bench/results/photos/.
"""

import argparse
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report_http import prepare, wait_up

PHOTOS = ROOT / "bench" / "results" / "photos"
LIMIT_MB = 1024
MAX_BYTES = 10 * 1024 * 1024  # SAFETY_PHOTO_MAX_BYTES's default
AT_CAP = (6528, 4896)  # 4:3 and just under SAFETY_PHOTO_MAX_PIXELS's default (32 MP)
KINDS = ("png", "jpeg", "jpeg-progressive", "heic", "bomb")
EXPECTED = {"bomb": 422}


def make_photo(kind: str) -> bytes:
    """The worst photo of its kind, made once and kept."""
    path = PHOTOS / f"{kind}.bin"
    if not path.exists():
        PHOTOS.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_encode(kind))
    return path.read_bytes()


def _encode(kind: str) -> bytes:
    import io

    import pillow_heif
    from PIL import Image

    from tests.photos.images import blank_png, png_header_only

    if kind == "bomb":
        return png_header_only(30_000, 30_000)
    buffer = io.BytesIO(blank_png(*AT_CAP) if kind == "png" else b"")
    if kind == "heic":
        pillow_heif.from_pillow(Image.new("RGB", AT_CAP, (90, 120, 30))).save(buffer, format="HEIF", quality=50)
    elif kind != "png":
        Image.new("RGB", AT_CAP if kind == "jpeg-progressive" else (8160, 6120), (90, 120, 30)).save(
            buffer, "JPEG", quality=90, progressive=kind == "jpeg-progressive")
    buffer.seek(0, io.SEEK_END)  # then bytes after the image, which decoders ignore: a full-size body
    buffer.write(b"\0" * (MAX_BYTES - 64 * 1024 - buffer.tell()))
    return buffer.getvalue()


def memory_kb(pid: int, field: str) -> int:
    return int(re.search(rf"{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text()).group(1))


def upload(url: str, photo: bytes, number: int) -> int:
    import httpx2 as httpx

    data = {"description": "顶板掉渣，附照片", "category": "roof", "lang": "zh-CN",
            "client_report_id": f"bench-photo-{number}"}
    answer = httpx.post(url, data=data, files={"photo": ("photo.bin", photo, "application/octet-stream")},
                        timeout=300)
    return answer.status_code


def _wait(server: subprocess.Popen, base: str) -> None:
    """Up to 90 s for the server to answer (a loaded 2-core machine starts it slowly)."""
    for _ in range(9):
        try:
            return wait_up(base)
        except RuntimeError:
            if server.poll() is not None:
                raise
    raise RuntimeError("server did not start in 90 s")


def run_kind(kind: str, photo: bytes, *, uploads: int, port: int, tmp: Path) -> dict:
    """One fresh server, ``uploads`` parallel reports with this photo; its memory before and at peak."""
    from safety_service.config import Settings
    from safety_service.qr import tokens

    env = prepare(tmp / f"{kind}.db")
    token = tokens.sign(tokens.keyring(Settings(database_url=env["SAFETY_DATABASE_URL"])), "PH-1")
    server = subprocess.Popen([sys.executable, str(ROOT / "bench" / "report_http.py"), "--serve", "--port",
                               str(port)], env=env)
    try:
        _wait(server, f"http://127.0.0.1:{port}")
        before = memory_kb(server.pid, "VmRSS")
        started = time.perf_counter()
        with ThreadPoolExecutor(uploads) as pool:
            statuses = list(pool.map(lambda n: upload(f"http://127.0.0.1:{port}/r/{token}", photo, n),
                                     range(uploads)))
        seconds = time.perf_counter() - started
        peak = memory_kb(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait(30)
    return {"kind": kind, "kb": len(photo) // 1024, "statuses": statuses, "seconds": seconds,
            "before_mb": before // 1024, "peak_mb": peak // 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=16, choices=range(1, 65), metavar="1..64")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    kinds = [kind for kind in args.kinds.split(",") if kind]
    if unknown := set(kinds) - set(KINDS):
        parser.error(f"unknown kinds {sorted(unknown)}; choose from {', '.join(KINDS)}")
    print(f"{'photo':<17} {'file':>8} {'answers':<12} {'time':>6} {'before':>7} {'peak':>7} {'of 1 GB':>8}")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            result = run_kind(kind, make_photo(kind), uploads=args.uploads, port=args.port, tmp=Path(tmp))
            answers = ",".join(f"{s}x{result['statuses'].count(s)}" for s in sorted(set(result["statuses"])))
            print(f"{kind:<17} {result['kb']:>6}KB {answers:<12} {result['seconds']:>5.1f}s "
                  f"{result['before_mb']:>5}MB {result['peak_mb']:>5}MB {result['peak_mb'] / LIMIT_MB:>8.2f}")
            failed |= result["peak_mb"] >= LIMIT_MB or set(result["statuses"]) != {EXPECTED.get(kind, 201)}
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
