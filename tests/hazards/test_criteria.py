"""The standard's situations (煤矿重大事故隐患判定标准) kept by administrators: an import brings the stored text to a
file's (JSON or CSV), all or nothing; an item retired stays on the hazards graded by it."""

import json

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from safety_service.cli import main
from safety_service.errors import InvalidInput, PermissionDenied
from safety_service.hazards import criteria
from safety_service.hazards.criteria import CriterionUpdate, MajorCriterion
from safety_service.hazards.schemas import HazardConfirm
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Role
from tests.core.test_cli import cli  # noqa: F401 - the fresh-database runner
from tests.hazards.builders import a_criterion, make_hazard
from tests.people.builders import make_user


def _seed_rows() -> list[dict]:
    return criteria.rows_from_json(criteria.SEED_FILE.read_text(encoding="utf-8"))


def test_numbers_are_cited_as_the_regulation_does() -> None:
    assert [criteria.reference(a, i) for a, i in ((4, 1), (18, 11), (8, 10), (21, 2))] == [
        "第四条第（一）项", "第十八条第（十一）项", "第八条第（十）项", "第二十一条第（二）项"]


def test_an_import_updates_adds_and_retires_and_a_graded_hazard_keeps_its_item(session: Session) -> None:
    admin = make_user(session, role=Role.admin)
    graded = make_hazard(session, state=HazardState.confirmed, grade=Grade.major)  # graded by 8.1
    rows = [r for r in _seed_rows() if (r["article"], r["item_no"]) != (8, 1)]
    rows[0] = {**rows[0], "text": rows[0]["text"] + "（修订）"}
    rows.append({"category_no": 15, "category_title": "其他重大事故隐患", "article": 18, "item_no": 12,
                 "text": "新增的测试情形"})
    summary = criteria.import_rows(session, rows=rows, actor=admin)
    assert (summary.added, summary.changed, summary.retired) == (1, 1, 1)
    retired = session.get(MajorCriterion, a_criterion(session, "8.1"))
    assert not retired.active and graded.major_criterion_id == retired.id
    with pytest.raises(InvalidInput) as refused:
        criteria.criterion_for(session, criterion_id=retired.id, major=True)
    assert refused.value.field == "major_criterion"
    again = criteria.import_rows(session, rows=_seed_rows(), actor=admin)
    assert (again.added, again.changed, again.retired) == (0, 2, 1)  # 8.1 back, 4.1 restored; 18.12 retired


def test_a_bad_file_changes_nothing_and_names_every_bad_item(session: Session) -> None:
    admin = make_user(session, role=Role.admin)
    rows = _seed_rows()
    rows[2] = {**rows[2], "text": " "}
    rows[5] = {**rows[5], "item_no": rows[4]["item_no"]}
    with pytest.raises(InvalidInput, match=r"item 3.*item 6") as refused:
        criteria.import_rows(session, rows=rows, actor=admin)
    assert refused.value.field == "file"
    with pytest.raises(InvalidInput):
        criteria.rows_from_json('{"categories": [{"no": 1}]}')
    with pytest.raises(InvalidInput):
        criteria.rows_from_csv("a,b\n1,2\n")
    with pytest.raises(PermissionDenied):
        criteria.import_rows(session, rows=_seed_rows(), actor=make_user(session, role=Role.officer))


def test_an_admin_corrects_the_wording_and_an_officer_may_not(session: Session) -> None:
    item = a_criterion(session, "14.1")
    with pytest.raises(PermissionDenied):
        criteria.update_criterion(session, criterion_id=item, data=CriterionUpdate(text="单回路"),
                                  actor=make_user(session, role=Role.officer))
    changed = criteria.update_criterion(session, criterion_id=item, data=CriterionUpdate(active=False),
                                        actor=make_user(session, role=Role.admin))
    assert not changed.active
    with pytest.raises(InvalidInput):
        from safety_service.hazards import service as hazards_service
        hazards_service.confirm(session, hazard=make_hazard(session), actor=make_user(session, role=Role.officer),
                                data=HazardConfirm(grade=Grade.major, category_code="electromechanical",
                                                   major_criterion=item))


def test_the_cli_imports_csv_and_json_and_lists(cli: CliRunner, tmp_path) -> None:  # noqa: F811
    assert cli.invoke(main, ["user", "add", "root", "--role", "admin", "--password", "long-password"]).exit_code == 0
    rows = _seed_rows()
    csv_file = tmp_path / "standard.csv"
    lines = [",".join(criteria.CSV_COLUMNS)] + [
        f'{r["category_no"]},"{r["category_title"]}",{r["article"]},{r["item_no"]},"{r["text"]}"' for r in rows[:-1]]
    csv_file.write_text("\n".join(lines), encoding="utf-8")
    result = cli.invoke(main, ["major-criteria", "import", str(csv_file), "--by", "root"])
    assert result.exit_code == 0 and "added 0, changed 0, retired 1, unchanged 80" in result.output, result.output
    json_file = tmp_path / "standard.json"
    json_file.write_text(criteria.SEED_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli.invoke(main, ["major-criteria", "import", str(json_file), "--by", "root"])
    assert result.exit_code == 0 and "changed 1" in result.output
    listed = cli.invoke(main, ["major-criteria", "list"])
    assert "18.11\t第十八条第（十一）项\tactive" in listed.output and len(listed.output.splitlines()) == 81
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"categories": "none"}), encoding="utf-8")
    refused = cli.invoke(main, ["major-criteria", "import", str(broken), "--by", "root"])
    assert refused.exit_code != 0 and "(file)" in refused.output
