"""The administrators' QR downloads: one location's code, and label sheets (PDF or PNG pages)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from safety_service.api.answers import answers
from safety_service.api.deps import AdminUser, SessionDep, SettingsDep
from safety_service.qr import service as qr_service
from safety_service.qr.service import SheetFormat

router = APIRouter(prefix="/qr", tags=["qr"])
Codes = Annotated[list[str] | None, Query(description="location codes, in print order; all active when left out")]


@router.get("/locations/{code}.png", response_class=Response,
            responses={200: {"content": {"image/png": {}}}})
def location_code_png(session: SessionDep, settings: SettingsDep, _admin: AdminUser, code: str) -> Response:
    """The QR code of one location as a PNG."""
    png = qr_service.location_png(session, settings=settings, code=code)
    return Response(png, media_type="image/png",
                    headers={"Content-Disposition": f'attachment; filename="qr-{code}.png"'})


@router.get("/sheet.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}, **answers(404)})
def sheet_pdf(session: SessionDep, settings: SettingsDep, _admin: AdminUser, codes: Codes = None) -> Response:
    """A printable A4 sheet of labels (code, Chinese name, location code) as a PDF."""
    pdf = qr_service.sheet(session, settings=settings, codes=codes, fmt=SheetFormat.pdf)[0]
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="qr-labels.pdf"'})


@router.get("/sheet.png", response_class=Response,
            responses={200: {"content": {"image/png": {}}}, **answers(404)})
def sheet_png(session: SessionDep, settings: SettingsDep, _admin: AdminUser, codes: Codes = None,
              page: Annotated[int, Query(ge=1, le=1000)] = 1) -> Response:
    """One A4 page of the label sheet as a PNG (twelve labels a page)."""
    png = qr_service.sheet_page(session, settings=settings, codes=codes, page=page)
    return Response(png, media_type="image/png",
                    headers={"Content-Disposition": f'attachment; filename="qr-labels-{page}.png"'})
