"""Notices issued for a hazard (隐患整改通知书, 复查意见书, 挂牌督办通知书, 移交执法函).

Each is issued in the transaction of the lifecycle step that calls for it, numbered per kind, zone
and year (隐改〔2026〕第0001号) from a counter row that the issuing transaction holds locked until it
commits, so numbers have no gaps and no duplicates, and kept with everything it shows frozen at
that moment. A notice for a hazard stepped before notices existed is issued on request, from the
step it belongs to.
"""

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.inspections.hazard.models import Hazard, HazardTransition
from services.inspections.hazard.state_machine import HazardActionName
from services.inspections.inspection.models import ChecklistTemplate, Inspection, InspectionItem
from services.inspections.notices.models import HazardNotice, NoticeKind, NoticeSequence
from services.inspections.units.models import SupervisedGrid, SupervisedUnit
from shared.clock import local_date
from shared.documents import render_pdf, web_link
from shared.errors import Conflict, NotFound
from shared.events.contracts.inspections import HazardState
from shared.labels import zh
from shared.pagination import Keyset, Page, PageRequest
from shared.settings import get_settings

TEMPLATES = Path(__file__).parent.parent / "templates"
IN_ORDER = Keyset("hazard-notices", HazardNotice.issued_at, HazardNotice.id)

# The word of each kind's number (文号), and the lifecycle steps that issue it.
NUMBER_WORD = {
    NoticeKind.rectification_order: "隐改",
    NoticeKind.review_opinion: "复查",
    NoticeKind.supervision_listing: "督办",
    NoticeKind.enforcement_handoff: "移执",
}
ISSUED_BY_STEP = {
    HazardActionName.order_rectification: NoticeKind.rectification_order,
    HazardActionName.reject_review: NoticeKind.rectification_order,
    HazardActionName.verify: NoticeKind.review_opinion,
    HazardActionName.list_for_supervision: NoticeKind.supervision_listing,
    HazardActionName.refuse: NoticeKind.enforcement_handoff,
}
# The states in which a hazard's notice of a kind stands (and may be asked for).
STANDING_IN = {
    NoticeKind.rectification_order: {HazardState.rectifying, HazardState.suspended},
    NoticeKind.review_opinion: {HazardState.verified, HazardState.closed, HazardState.rectifying},
    NoticeKind.supervision_listing: {
        HazardState.reported,
        HazardState.rectifying,
        HazardState.suspended,
        HazardState.rectified,
        HazardState.verified,
        HazardState.with_enforcement,
    },
    NoticeKind.enforcement_handoff: {HazardState.with_enforcement},
}
LAW = "《中华人民共和国安全生产法》《安全生产事故隐患排查治理暂行规定》(国家安全生产监督管理总局令第16号)"


def _next_serial(session: Session, kind: NoticeKind, zone_key: str, year: int) -> int:
    """The next number of the kind in the zone and year; the row stays locked until commit."""
    statement = (
        insert(NoticeSequence)
        .values(kind=kind.value, zone_key=zone_key, year=year, last=1)
        .on_conflict_do_update(
            index_elements=["kind", "zone_key", "year"], set_={"last": NoticeSequence.last + 1}
        )
        .returning(NoticeSequence.last)
    )
    serial: int = session.execute(statement).scalar_one()
    return serial


def _basis(session: Session, hazard: Hazard) -> str:
    """The checklist item the hazard was found against, else the standard it falls under."""
    found = session.execute(
        select(
            ChecklistTemplate.name,
            ChecklistTemplate.version,
            ChecklistTemplate.items,
            InspectionItem.item_key,
        )
        .join(Inspection, Inspection.id == InspectionItem.inspection_id)
        .join(ChecklistTemplate, ChecklistTemplate.id == Inspection.template_id)
        .where(InspectionItem.hazard_id == hazard.id)
        .limit(1)
    ).first()
    if found is None:
        return f"{LAW}及{hazard.category}类相关标准规范"
    text = next((item["text"] for item in found.items if item["key"] == found.item_key), found.item_key)
    return f"《{found.name}》(第{found.version}版)第{found.item_key}项:{text};{LAW}"


def _context(
    session: Session, hazard: Hazard, kind: NoticeKind, transition: HazardTransition, number: str
) -> dict[str, Any]:
    """Everything the notice shows, as plain JSON, frozen when it is issued."""
    unit = session.get(SupervisedUnit, hazard.unit_id)
    grid = session.get(SupervisedGrid, hazard.grid_id) if hazard.grid_id else None
    details = transition.details or {}
    return {
        "kind": kind.value,
        "title": zh("notice_kind", kind),
        "number": number,
        "issuer": get_settings().document_issuer,
        "issued_on": local_date(transition.at).isoformat(),
        "issued_by": transition.actor_name,
        "unit": unit.name if unit else str(hazard.unit_id),
        "grid": f"{grid.name}({grid.code})" if grid else "",
        "hazard": {
            "id": str(hazard.id),
            "category": hazard.category,
            "grade": zh("hazard_grade", hazard.grade),
            "major": hazard.grade == "major",
            "source": zh("hazard_source", hazard.source),
            "location": hazard.location,
            "description": hazard.description,
            "reported_on": local_date(hazard.reported_at).isoformat(),
            "reporter": hazard.reporter_name,
        },
        "basis": _basis(session, hazard),
        "measures": hazard.measures or "",
        "deadline": hazard.deadline.isoformat() if hazard.deadline else None,
        "responsible_person": hazard.responsible_person or "",
        "plan": hazard.plan,
        "step": zh("hazard_action", transition.action),
        "reason": transition.reason or "",
        "passed": details.get("passed"),
        "evaluation": details.get("evaluation") or "",
        "listing_authority": hazard.listing_authority or "",
        "enforcement_owner": hazard.enforcement_owner or "",
        "link": web_link(f"/office/hazards/{hazard.id}"),
    }


def issue(session: Session, hazard: Hazard, kind: NoticeKind, transition: HazardTransition) -> HazardNotice:
    """Issue the notice of `kind` for the step `transition`, in the caller's transaction."""
    grid = session.get(SupervisedGrid, hazard.grid_id) if hazard.grid_id else None
    zone_key = str(grid.zone_id) if grid else "none"
    year = local_date(transition.at).year
    serial = _next_serial(session, kind, zone_key, year)
    number = f"{NUMBER_WORD[kind]}〔{year}〕第{serial:04d}号"
    notice = HazardNotice(
        id=uuid.uuid4(),
        hazard_id=hazard.id,
        kind=kind,
        transition_id=transition.id,
        zone_key=zone_key,
        year=year,
        serial=serial,
        number=number,
        issued_at=transition.at,
        issued_by_name=transition.actor_name,
        context=_context(session, hazard, kind, transition, number),
    )
    session.add(notice)
    session.flush()
    return notice


def issue_for_step(session: Session, hazard: Hazard, transition: HazardTransition) -> HazardNotice | None:
    """The notice the step calls for, if any (called by the lifecycle in the step's transaction)."""
    kind = ISSUED_BY_STEP.get(transition.action)  # type: ignore[call-overload]  # a StrEnum key is its text
    return issue(session, hazard, kind, transition) if kind else None


def issue_on_request(session: Session, hazard: Hazard, kind: NoticeKind) -> tuple[HazardNotice, bool]:
    """The notice of `kind` for the hazard's latest step that issues it: the one issued then, or
    issued now for a step taken before notices existed. 409 naming the state when none stands."""
    if hazard.state not in STANDING_IN[kind]:
        raise Conflict(
            f"隐患当前状态为“{zh('hazard_state', hazard.state)}”({hazard.state.value}),不出具{zh('notice_kind', kind)} "
            f"/ a hazard in state {hazard.state.value} has no {kind.value}",
            field="state",
        )
    steps = [step for step, issued in ISSUED_BY_STEP.items() if issued == kind]
    transition = session.scalar(
        select(HazardTransition)
        .where(HazardTransition.hazard_id == hazard.id, HazardTransition.action.in_(steps))
        .order_by(HazardTransition.id.desc())
        .limit(1)
    )
    if transition is None:
        raise Conflict(
            f"隐患当前状态为“{zh('hazard_state', hazard.state)}”({hazard.state.value}),尚无出具{zh('notice_kind', kind)}的步骤 "
            f"/ no step of this hazard issues a {kind.value}",
            field="state",
        )
    existing = session.scalar(
        select(HazardNotice).where(HazardNotice.transition_id == transition.id, HazardNotice.kind == kind)
    )
    if existing is not None:
        return existing, False
    return issue(session, hazard, kind, transition), True


def notices_of(session: Session, hazard_id: uuid.UUID, page: PageRequest) -> Page[HazardNotice]:
    return IN_ORDER.fetch(session, select(HazardNotice).where(HazardNotice.hazard_id == hazard_id), page)


def notice_pdf(session: Session, hazard_id: uuid.UUID, notice_id: uuid.UUID) -> tuple[HazardNotice, bytes]:
    """The notice as issued: rendered from the context frozen at issue."""
    notice = session.get(HazardNotice, notice_id)
    if notice is None or notice.hazard_id != hazard_id:
        raise NotFound(f"通知书不存在 / notice {notice_id} of hazard {hazard_id} not found")
    return notice, render_pdf(TEMPLATES, f"notice_{notice.kind}.html.j2", {"n": notice.context})
