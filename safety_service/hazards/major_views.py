"""A major hazard's own steps and records, the printable report, and the standard's situations (administrators keep
them). Sources: 煤矿重大事故隐患判定标准 (应急管理部令第4号), 安监总局令第16号 第十四、十五条, 国务院令第446号."""

from fastapi import APIRouter, Response

from safety_service.api.answers import answers
from safety_service.api.deps import AdminUser, CurrentUser, HazardReader, OfficerUser, PathId, SessionDep, SettingsDep
from safety_service.hazards import criteria, major_report, major_service, queries
from safety_service.hazards.criteria import CriterionPublic, CriterionUpdate
from safety_service.hazards.major_schemas import (
    MajorRecord,
    PlanDecision,
    PlanSubmit,
    ProductionResume,
    ProductionStopInput,
    ReportSend,
    SupervisionAccept,
    SupervisionList,
)
from safety_service.hazards.schemas import HazardPublic
from safety_service.hazards.views import TRANSITION, HazardDep, step_answer
from safety_service.i18n import Translator

router = APIRouter(tags=["major hazards"])
STEP = {**TRANSITION, **answers(422)}


@router.get("/major-criteria", response_model=list[CriterionPublic])
def list_criteria(session: SessionDep, _reader: HazardReader, active: bool = False) -> list[CriterionPublic]:
    """The situations of 煤矿重大事故隐患判定标准 by category and item, in the regulation's wording."""
    return criteria.list_criteria(session, active_only=active)


@router.patch("/major-criteria/{criterion_id}", response_model=CriterionPublic, responses=answers(404))
def update_criterion(session: SessionDep, user: AdminUser, criterion_id: PathId,
                     data: CriterionUpdate) -> CriterionPublic:
    """Correct an item's wording or retire it (administrators); hazards graded by it keep it."""
    item = criteria.update_criterion(session, criterion_id=criterion_id, data=data, actor=user)
    session.commit()
    return criteria.public(item)


@router.get("/hazards/{ref}/major", response_model=MajorRecord, responses=answers(404))
def major_record(session: SessionDep, user: HazardReader, ref: str) -> MajorRecord:
    """A hazard's situation of the standard, treatment plans, production stops, reports sent and listing."""
    hazard = queries.get_visible(session, ref=ref, user=user)
    return major_service.record(session, hazard=hazard)


@router.get("/hazards/{ref}/major-report.pdf", response_class=Response, responses={
    200: {"content": {"application/pdf": {}}}, **answers(404, 422)})
def major_report_pdf(session: SessionDep, settings: SettingsDep, _officer: OfficerUser, hazard: HazardDep) -> Response:
    """The filled-in 重大事故隐患报告 (第16号令 第十四条) as a printable PDF, in Chinese."""
    pdf = major_report.report_pdf(session, hazard=hazard, t=Translator("zh-CN"), timezone=settings.timezone,
                                  font=settings.qr_font)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{hazard.ref}-major-report.pdf"'})


@router.post("/hazards/{ref}/submit_plan", response_model=HazardPublic, responses=STEP)
def submit_plan(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: PlanSubmit) -> HazardPublic:
    """Submit a treatment plan (治理方案) with the elements of 第16号令 第十五条 (the officer or the assigned owner)."""
    major_service.submit_plan(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/hazards/{ref}/decide_plan", response_model=HazardPublic, responses=STEP)
def decide_plan(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: PlanDecision) -> HazardPublic:
    """Approve the waiting plan, or send it back with the reason (the mine safety chief)."""
    major_service.decide_plan(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/hazards/{ref}/stop_production", response_model=HazardPublic, responses=STEP)
def stop_production(session: SessionDep, user: CurrentUser, hazard: HazardDep,
                    data: ProductionStopInput) -> HazardPublic:
    """Record 停产撤人: area, time, people withdrawn, who ordered it (officers, the chief, the dispatcher)."""
    major_service.stop_production(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/hazards/{ref}/resume_production", response_model=HazardPublic, responses=STEP)
def resume_production(session: SessionDep, user: CurrentUser, hazard: HazardDep,
                      data: ProductionResume) -> HazardPublic:
    """Record 复产 after acceptance: who accepted, when (the mine safety chief)."""
    major_service.resume_production(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/hazards/{ref}/send_report", response_model=HazardPublic, responses=STEP)
def send_report(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: ReportSend) -> HazardPublic:
    """Record the report sent to the regulator or the workers' congress (第16号令 第十四条)."""
    major_service.send_report(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/hazards/{ref}/list_supervision", response_model=HazardPublic, responses=STEP)
def list_supervision(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: SupervisionList) -> HazardPublic:
    """Record 挂牌督办: the order number, the authority, when."""
    major_service.list_supervision(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/hazards/{ref}/accept_supervision", response_model=HazardPublic, responses=STEP)
def accept_supervision(session: SessionDep, user: CurrentUser, hazard: HazardDep,
                       data: SupervisionAccept) -> HazardPublic:
    """Record the regulator's acceptance and the 销号 date; closing waits for them."""
    major_service.accept_supervision(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)
