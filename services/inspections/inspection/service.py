"""Inspection records against versioned checklists; a failed item raises a hazard in the ledger."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.inspections.hazard.schemas import HazardReport
from services.inspections.hazard.service import report_hazard
from services.inspections.inspection.models import (
    ChecklistTemplate,
    Inspection,
    InspectionFile,
    InspectionFileTag,
    InspectionItem,
    InspectionKind,
    ItemResult,
)
from services.inspections.inspection.schemas import ChecklistIn, InspectionIn, InspectionOut, ItemOut
from services.inspections.request_keys import service as request_keys
from services.inspections.runtime import runtime
from services.inspections.settings import get_inspections_settings
from services.inspections.units.models import SupervisedUnit
from services.inspections.units.service import ensure_may_act_on_unit, unit_for
from shared import uploads
from shared.access import Access
from shared.clock import local_today
from shared.errors import InvalidInput, NotFound
from shared.events.contracts.inspections import HazardGrade, HazardSource, InspectionCompletedV1
from shared.pagination import Keyset, Page, PageRequest
from shared.uploads import Upload

NEWEST_FIRST = Keyset("inspections", Inspection.recorded_at, Inspection.id, descending=True)
CHECKLISTS = Keyset("checklists", ChecklistTemplate.code, ChecklistTemplate.version, ChecklistTemplate.id)


def checklists(session: Session, page: PageRequest) -> Page[ChecklistTemplate]:
    """Every version of every checklist, by code then version."""
    return CHECKLISTS.fetch(session, select(ChecklistTemplate), page)


def _lock_code(session: Session, code: str) -> None:
    """Publishers of one code take turns (a transaction may take the lock more than once)."""
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"checklist:{code}"))))


def publish_checklist(session: Session, data: ChecklistIn) -> ChecklistTemplate:
    keys = [item.key for item in data.items]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise InvalidInput(f"检查项编号重复 / repeated item keys: {', '.join(repeated)}", field="items")
    _lock_code(session, data.code)
    latest = session.scalar(
        select(func.max(ChecklistTemplate.version)).where(ChecklistTemplate.code == data.code)
    )
    template = ChecklistTemplate(
        id=uuid.uuid4(),
        code=data.code,
        version=(latest or 0) + 1,
        name=data.name,
        items=[item.model_dump() for item in data.items],
    )
    session.add(template)
    session.flush()
    return template


def publish_if_changed(session: Session, data: ChecklistIn) -> ChecklistTemplate | None:
    """Publish `data` as the code's next version unless its latest version reads the same (None)."""
    _lock_code(session, data.code)
    latest = session.scalars(
        select(ChecklistTemplate)
        .where(ChecklistTemplate.code == data.code)
        .order_by(ChecklistTemplate.version.desc())
        .limit(1)
    ).first()
    if latest and latest.name == data.name and latest.items == [item.model_dump() for item in data.items]:
        return None
    return publish_checklist(session, data)


def record_inspection(
    session: Session, data: InspectionIn, user: Access, idempotency_key: str | None = None
) -> tuple[Inspection, bool]:
    """Record an inspection and raise its failed items as hazards. Returns it and whether it is new
    (a resend with the same Idempotency-Key returns the first one and records nothing)."""
    user = user.require(f"inspection.{data.kind}")  # who performs this kind, and where
    body = request_keys.fingerprint(data.model_dump(mode="json"))
    inspection_id = uuid.uuid4()
    previous = request_keys.claim(session, user, idempotency_key, "inspection.record", body, inspection_id)
    if previous is not None:
        return session.get_one(Inspection, previous), False
    unit = unit_for(session, data.unit_id, user)
    if data.inspected_on > local_today():
        raise InvalidInput("检查日期在将来 / the inspection date is in the future", field="inspected_on")
    template = session.get(ChecklistTemplate, data.template_id)
    if template is None:
        raise InvalidInput(f"检查表不存在 / checklist {data.template_id} not found", field="template_id")
    items = {item["key"]: item for item in template.items}
    answered = [a.item_key for a in data.answers]
    missing = [k for k in items if k not in answered]
    unknown = [k for k in answered if k not in items]
    repeated = sorted({k for k in answered if answered.count(k) > 1})
    if missing or unknown or repeated:
        problems = [f"missing {', '.join(missing)}" if missing else "", f"unknown {', '.join(unknown)}" if unknown else "",
                    f"repeated {', '.join(repeated)}" if repeated else ""]  # fmt: skip
        raise InvalidInput(
            f"须逐项回答检查表 v{template.version} / answer every item once: {'; '.join(p for p in problems if p)}",
            field="answers",
        )
    for index, answer in enumerate(data.answers):
        if (answer.result == ItemResult.failed) != (answer.finding is not None):
            raise InvalidInput(
                "不合格项须填写隐患,其他项不填 / a failed item needs its finding, and only a failed item",
                field=f"answers.{index}.finding",
            )
        major = items[answer.item_key].get("major_criterion", False)
        if answer.finding is not None and major and answer.finding.grade == HazardGrade.general:
            raise InvalidInput(
                "此项为重大事故隐患判定项,不合格即按重大隐患上报;如判定有误,由有权人员调整等级"
                " / a finding under a major-hazard criterion is reported as major; it may be regraded after",
                field=f"answers.{index}.finding.grade",
            )
    inspection = Inspection(
        id=inspection_id,
        unit_id=unit.id,
        grid_id=unit.grid_id,
        kind=data.kind,
        template_id=template.id,
        inspector_id=user.user_id,
        inspector_name=user.name or str(user.user_id),
        inspected_on=data.inspected_on,
        performed_at=data.performed_at,
        notes=data.notes,
        **(data.position.model_dump() if data.position else {}),
    )
    session.add(inspection)
    session.flush()
    source = (
        HazardSource.self_report
        if data.kind in (InspectionKind.self_check, InspectionKind.monthly_patrol)
        else HazardSource.grid_patrol
        if data.kind in (InspectionKind.daily_patrol, InspectionKind.weekly_check)
        else HazardSource.superior_inspection
    )
    hazard_ids = []
    for answer in data.answers:
        hazard_id = None
        if answer.finding is not None:
            item = items[answer.item_key]
            grade = answer.finding.grade or (
                HazardGrade.major if item.get("major_criterion") else HazardGrade.general
            )
            hazard, _ = report_hazard(
                session,
                HazardReport(
                    unit_id=unit.id,
                    source=source,
                    category=item["category"],
                    grade=grade,
                    location=answer.finding.location,
                    description=answer.finding.description,
                    basis=item.get("basis"),
                ),
                user,
                None,
            )
            hazard_id = hazard.id
            hazard_ids.append(hazard.id)
        session.add(
            InspectionItem(
                inspection_id=inspection.id,
                item_key=answer.item_key,
                result=answer.result,
                note=answer.note,
                hazard_id=hazard_id,
            )
        )
    session.flush()
    runtime.publish(
        session,
        InspectionCompletedV1(
            inspection_id=inspection.id,
            unit_id=unit.id,
            grid_id=unit.grid_id,
            kind=data.kind,
            inspector_id=user.user_id,
            inspected_on=data.inspected_on,
            items=len(data.answers),
            failed=len(hazard_ids),
            hazard_ids=hazard_ids,
        ),
        subject=str(unit.id),
    )
    return inspection, True


def described(session: Session, inspections: Sequence[Inspection]) -> list[InspectionOut]:
    """The inspections with their units' names and their answers, read in two queries."""
    answers: dict[uuid.UUID, list[ItemOut]] = {i.id: [] for i in inspections}
    for item in session.scalars(
        select(InspectionItem)
        .where(InspectionItem.inspection_id.in_(list(answers)))
        .order_by(InspectionItem.item_key)
    ):
        answers[item.inspection_id].append(ItemOut.model_validate(item))
    unit_ids = list({i.unit_id for i in inspections})
    names = {
        row.id: row.name
        for row in session.execute(
            select(SupervisedUnit.id, SupervisedUnit.name).where(SupervisedUnit.id.in_(unit_ids))
        )
    }
    return [
        InspectionOut.model_validate(i).model_copy(
            update={"items": answers[i.id], "unit_name": names[i.unit_id]}
        )
        for i in inspections
    ]


def get_inspection(session: Session, inspection_id: uuid.UUID, user: Access) -> Inspection:
    inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFound(f"检查记录不存在 / inspection {inspection_id} not found")
    ensure_may_act_on_unit(user, session.get_one(SupervisedUnit, inspection.unit_id))
    return inspection


def list_inspections(
    session: Session, user: Access, page: PageRequest, *, mine: bool, unit_id: uuid.UUID | None
) -> Page[Inspection]:
    """Newest recorded first: the caller's own (mine) and/or one unit's, within the caller's scope."""
    query = user.narrow(select(Inspection), unit=Inspection.unit_id, grid=Inspection.grid_id)
    if mine:
        query = query.where(Inspection.inspector_id == user.user_id)
    if unit_id is not None:
        query = query.where(Inspection.unit_id == unit_id)
    return NEWEST_FIRST.fetch(session, query, page)


def add_file(
    session: Session,
    inspection_id: uuid.UUID,
    upload: Upload,
    tag: InspectionFileTag,
    signer: str | None,
    user: Access,
    idempotency_key: str | None,
) -> tuple[InspectionFile, bool]:
    """Keep a signature or photo with an inspection: its inspector's, or anyone's who may inspect the
    unit. A resend with the same Idempotency-Key returns the first file."""
    body = request_keys.fingerprint(inspection_id, upload.content, tag, signer, upload.told)
    file_id = uuid.uuid4()
    previous = request_keys.claim(session, user, idempotency_key, "inspection.file", body, file_id)
    if previous is not None:
        return session.get_one(InspectionFile, previous), False
    inspection = get_inspection(session, inspection_id, user)
    if tag == InspectionFileTag.unit_signature and not signer:
        raise InvalidInput("请填写签字人姓名 / the signer's name is required", field="signer")
    record = uploads.attach(
        session, InspectionFile, InspectionFile.inspection_id, inspection.id, upload.filename, upload.content,
        get_inspections_settings().evidence_max_bytes, user.user_id, user.name, upload.told,
        id=file_id, tag=tag, signer=signer,
    )  # fmt: skip
    return record, True


def files_of(
    session: Session, inspection_id: uuid.UUID, user: Access, page: PageRequest
) -> Page[InspectionFile]:
    inspection = get_inspection(session, inspection_id, user)
    return uploads.files_of(session, InspectionFile, InspectionFile.inspection_id, inspection.id, page)


def file_of(session: Session, inspection_id: uuid.UUID, file_id: uuid.UUID, user: Access) -> InspectionFile:
    inspection = get_inspection(session, inspection_id, user)
    return uploads.file_of(session, InspectionFile, InspectionFile.inspection_id, inspection.id, file_id)
