"""Reading QR codes back with a real decoder (zxing-cpp), from PNG bytes or a PDF's pages."""

import io
import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image


def decode(image: Image.Image) -> list[str]:
    """Every QR code's text in the image, top to bottom, left to right."""
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [r.text for r in sorted(found, key=lambda r: (r.position.top_left.y // 100, r.position.top_left.x))]


def decode_png(data: bytes) -> list[str]:
    return decode(Image.open(io.BytesIO(data)))


def decode_pdf(data: bytes, workdir: Path) -> list[list[str]]:
    """The codes of each page, rendered by poppler's pdftoppm as a printer would."""
    (workdir / "sheet.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(workdir / "sheet.pdf"), str(workdir / "page")], check=True)
    return [decode(Image.open(page)) for page in sorted(workdir.glob("page-*.png"))]
