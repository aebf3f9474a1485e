"""Reading the report form into the one report model, with a catalogue message per bad field."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData, UploadFile

from safety_service.clock import utc_now
from safety_service.hazards.intake import BEHAVIOUR_CLOCK_SKEW
from safety_service.hazards.schemas import HazardReport
from safety_service.hazards.states import Channel
from safety_service.i18n import Translator
from safety_service.validation import FIRST_DAY, LAST_DAY, outside_calendar

DESCRIPTION_MAX, NAME_MAX, EMPLOYEE_NO_MAX, CATEGORY_MAX = 2000, 64, 32, 32
# Categories whose reports suggest the urgent choice on the report page (the reporter decides).
URGENT_CATEGORIES = frozenset({"gas", "fire", "water", "roof"})
REPORT_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
LIBRARY_ITEM = re.compile(r"^[1-9][0-9]{0,8}$")  # an id, as the library's matches give it


@dataclass
class ReportForm:
    """The form as typed (to show it again) and the problems found, by field."""

    client_report_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    category: str = ""
    description: str = ""
    reporter_name: str = ""
    employee_no: str = ""
    urgent: bool = False
    risk_point: str = ""
    # The standard wording (隐患标准库) picked from the suggestions: its id, set by the page's script.
    library_item: str = ""
    # 人的不安全行为 (incl. 违章指挥): the report is about a person's behaviour, when it happened, who (optional).
    behaviour: bool = False
    behaviour_at: str = ""
    behaviour_person: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def behaviour_moment(self) -> datetime | None:
        """When the behaviour happened, as an aware time (set by ``read_form``)."""
        return self._moment if self.behaviour else None

    _moment: datetime | None = None


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def read_form(form: FormData, t: Translator, *, timezone: str = "Asia/Shanghai") -> ReportForm:
    """The typed values and a translated message for each field that is wrong."""
    behaviour = _text(form, "kind") == "behaviour"
    typed = ReportForm(client_report_id=_text(form, "client_report_id") or str(uuid.uuid4()),
                       category="" if behaviour else _text(form, "category"), description=_text(form, "description"),
                       reporter_name=_text(form, "reporter_name"), employee_no=_text(form, "employee_no"),
                       urgent=not behaviour and _text(form, "urgent") in ("1", "on", "true"), behaviour=behaviour,
                       risk_point=_text(form, "risk_point"), library_item=_text(form, "library_item"),
                       behaviour_at=_text(form, "behaviour_at") if behaviour else "",
                       behaviour_person=_text(form, "behaviour_person") if behaviour else "")
    if behaviour:
        _read_moment(typed, t, timezone)
    checks = (
        ("description", not typed.description, t("error.description.missing")),
        ("description", len(typed.description) > DESCRIPTION_MAX, t("error.description.too_long", max=DESCRIPTION_MAX)),
        ("category", len(typed.category) > CATEGORY_MAX, t("error.category.unknown")),
        ("reporter_name", len(typed.reporter_name) > NAME_MAX, t("error.reporter_name.too_long", max=NAME_MAX)),
        ("employee_no", len(typed.employee_no) > EMPLOYEE_NO_MAX,
         t("error.reporter_employee_no.too_long", max=EMPLOYEE_NO_MAX)),
        ("risk_point", len(typed.risk_point) > CATEGORY_MAX, t("error.risk_point.unknown")),
        ("library_item", bool(typed.library_item) and not LIBRARY_ITEM.match(typed.library_item),
         t("error.library_item.unknown")),
        ("client_report_id", not REPORT_ID.match(typed.client_report_id), t("error.client_report_id.invalid")),
    )
    for name, wrong, message in checks:
        if wrong:
            typed.errors.setdefault(name, message)
    return typed


def _read_moment(typed: ReportForm, t: Translator, timezone: str) -> None:
    """When the behaviour happened: a local date and time, not ahead of now; the name at most NAME_MAX."""
    if len(typed.behaviour_person) > NAME_MAX:
        typed.errors["behaviour_person"] = t("error.reporter_name.too_long", max=NAME_MAX)
    try:
        written = datetime.fromisoformat(typed.behaviour_at)
    except ValueError:
        typed.errors["behaviour_at"] = t("error.behaviour_at.missing")
        return
    if outside_calendar(written.date()):  # the report model refuses such a day: said beside the field instead
        typed.errors["behaviour_at"] = t("error.behaviour_at.calendar", first=FIRST_DAY, last=LAST_DAY)
        return
    zone = ZoneInfo(timezone)  # the form's datetime-local is the mine's time; a moment with its offset keeps it
    moment = written.astimezone(zone) if written.tzinfo else written.replace(tzinfo=zone)
    if moment > utc_now() + BEHAVIOUR_CLOCK_SKEW:
        typed.errors["behaviour_at"] = t("error.behaviour_at.future")
    typed._moment = moment


def photo_upload(form: FormData) -> UploadFile | None:
    """The uploaded photo, or None when the field was left empty."""
    value = form.get("photo")
    return value if isinstance(value, UploadFile) and value.filename and (value.size or 0) > 0 else None


def to_report(typed: ReportForm, *, location_code: str) -> HazardReport:
    """The report every channel gives the intake path (anonymous when name and number are empty)."""
    return HazardReport(
        location_code=location_code, category_code=typed.category or None, description=typed.description,
        source=Channel.qr, reporter_name=typed.reporter_name or None,
        reporter_employee_no=typed.employee_no or None, client_report_id=typed.client_report_id,
        urgent=typed.urgent, risk_point_code=typed.risk_point or None, behaviour_at=typed.behaviour_moment,
        library_item=int(typed.library_item) if typed.library_item and "library_item" not in typed.errors else None,
        behaviour_person=typed.behaviour_person or None,
    )
