"""The hazard ledger: report, move through the lifecycle, attach evidence, query, watch deadlines."""

import hashlib
import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any, NoReturn, assert_never

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.inspections.hazard.models import (
    DeadlineNotice,
    EvidenceFile,
    Hazard,
    HazardSubmission,
    HazardTransition,
)
from services.inspections.hazard.schemas import (
    Close,
    ExplainOverdue,
    FixOnSpot,
    HazardReport,
    HazardStep,
    HazardStepBase,
    MarkRectified,
    OrderRectification,
    RectificationOrder,
    Refuse,
    RejectReview,
    Suspend,
    Verify,
)
from services.inspections.hazard.state_machine import TRANSITIONS, allowed_actions
from services.inspections.runtime import runtime
from services.inspections.settings import get_inspections_settings
from services.inspections.units.models import SupervisedUnit
from services.inspections.units.service import ensure_may_act_on_unit, unit_for
from shared import uploads
from shared.access import Access, Scope, access_for
from shared.auth import Principal, Role
from shared.clock import local_today, utc_now
from shared.db import where_given
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.events.contracts.inspections import (
    UNDER_DEADLINE,
    HazardDueSoonV1,
    HazardEscalatedV1,
    HazardEventV1,
    HazardGrade,
    HazardOverdueV1,
    HazardReportedV1,
    HazardSource,
    HazardState,
    HazardVerificationFailedV1,
)
from shared.events.contracts.registry import ProductionStatus
from shared.pagination import Keyset, Page, PageRequest
from shared.uploads import StoredFile

NEWEST_FIRST = Keyset("hazards", Hazard.reported_at, Hazard.id, descending=True)
STEPS_IN_ORDER = Keyset("hazard-history", HazardTransition.id)


def _record(
    session: Session,
    hazard: Hazard,
    action: str,
    previous: HazardState | None,
    user: Principal,
    event: type[HazardEventV1],
    *,
    reason: str | None = None,
    details: dict | None = None,
    evidence_ids: list[uuid.UUID] | None = None,
) -> None:
    """Append the step to the history and announce it through the outbox, in one transaction."""
    at = utc_now()
    session.add(
        HazardTransition(
            hazard_id=hazard.id,
            action=action,
            from_state=previous,
            to_state=hazard.state,
            actor_id=user.user_id,
            actor_name=user.name or str(user.user_id),
            at=at,
            reason=reason,
            details=details or {},
            evidence_ids=evidence_ids or [],
        )
    )
    runtime.publish(
        session,
        event(
            hazard_id=hazard.id,
            unit_id=hazard.unit_id,
            grid_id=hazard.grid_id,
            grade=hazard.grade,
            source=hazard.source,
            category=hazard.category,
            state=hazard.state,
            previous_state=previous,
            action=action,
            deadline=hazard.deadline,
            overdue=hazard.overdue_since is not None,
            actor_id=user.user_id,
            reason=reason,
            at=at,
        ),
        subject=str(hazard.id),
    )


def _body_hash(data: HazardReport) -> str:
    return hashlib.sha256(json.dumps(data.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


def report_hazard(
    session: Session, data: HazardReport, user: Access, idempotency_key: str | None
) -> tuple[Hazard, bool]:
    """Register a hazard (隐患登记). Returns it and whether it is new (a retried submission is not)."""
    if idempotency_key is not None:
        body_hash = _body_hash(data)
        # a concurrent retry with the same key waits here, then finds this one's hazard
        session.execute(
            select(func.pg_advisory_xact_lock(func.hashtext(f"hazard-key:{user.user_id}:{idempotency_key}")))
        )
        previous = session.get(HazardSubmission, (idempotency_key, user.user_id))
        if previous is not None:
            if previous.body_sha256 != body_hash:
                raise Conflict(
                    "幂等键已用于另一份不同的上报 / this Idempotency-Key was used for a different report",
                    field="Idempotency-Key",
                )
            return session.get_one(Hazard, previous.hazard_id), False
    unit = unit_for(session, data.unit_id, user)
    if unit.production_status == ProductionStatus.closed:
        raise InvalidInput("单位已关闭 / the unit is closed", field="unit_id")
    if user.scope == Scope.enterprise and data.source != HazardSource.self_report:
        raise InvalidInput(
            "企业上报的隐患来源应为自查自报 / an enterprise reports self_report hazards", field="source"
        )
    now = utc_now()  # set here rather than by the database, so answering needs no second read
    hazard = Hazard(
        id=uuid.uuid4(),
        unit_id=unit.id,
        grid_id=unit.grid_id,
        state=HazardState.reported,
        reporter_id=user.user_id,
        reporter_name=user.name or str(user.user_id),
        reported_at=now,
        updated_at=now,
        **data.model_dump(exclude={"unit_id"}),
    )
    session.add(hazard)
    if idempotency_key is not None:
        session.add(
            HazardSubmission(
                key=idempotency_key, user_id=user.user_id, body_sha256=body_hash, hazard_id=hazard.id
            )
        )
    _record(session, hazard, "report", None, user, HazardReportedV1, reason=data.description)
    if data.grade == HazardGrade.major:  # reported to the supervising authority at once
        _record(
            session,
            hazard,
            "escalate",
            HazardState.reported,
            user,
            HazardEscalatedV1,
            reason="重大隐患即时上报",
        )
    return hazard, True


def get_hazard(session: Session, hazard_id: uuid.UUID, user: Access, *, for_update: bool = False) -> Hazard:
    hazard = session.get(Hazard, hazard_id, with_for_update=for_update)
    if hazard is None:
        raise NotFound(f"隐患不存在 / hazard {hazard_id} not found")
    ensure_may_act_on_unit(user, session.get_one(SupervisedUnit, hazard.unit_id))
    return hazard


def _missing(step: HazardStepBase, *fields: str) -> NoReturn:
    """422 naming the fields, among these, that this hazard needs for the step and did not get (or blank)."""
    missing = [name for name in fields if getattr(step, name) in (None, "")]
    raise InvalidInput(f"缺少必填项 / required for this step: {', '.join(missing)}", field=missing[0])


def _check_deadline(deadline: date) -> None:
    today = local_today()
    longest = get_inspections_settings().hazard_max_deadline_days
    if deadline < today:
        raise InvalidInput(f"整改期限已过 / the deadline {deadline} is in the past", field="deadline")
    if deadline > today + timedelta(days=longest):
        raise InvalidInput(
            f"整改期限超过{longest}天 / the deadline is more than {longest} days away", field="deadline"
        )


def _check_evidence(session: Session, hazard: Hazard, ids: list[uuid.UUID]) -> None:
    found = set(
        session.scalars(
            select(EvidenceFile.id).where(EvidenceFile.id.in_(ids), EvidenceFile.hazard_id == hazard.id)
        )
    )
    unknown = [str(i) for i in ids if i not in found]
    if unknown:
        raise InvalidInput(
            f"佐证文件不属于该隐患 / evidence not attached to this hazard: {', '.join(unknown)}",
            field="evidence_ids",
        )


def apply_action(session: Session, hazard_id: uuid.UUID, step: HazardStep, user: Access) -> Hazard:
    """Take one step of the lifecycle: who may, from which state, then the step's own rules."""
    action = step.action
    transition = TRANSITIONS[action]
    hazard = get_hazard(session, hazard_id, user, for_update=True)
    if not user.has(*transition.roles):
        raise Forbidden(
            f"无权执行“{transition.label}” / {action} needs one of the roles {', '.join(sorted(transition.roles))}"
        )
    if hazard.state not in transition.sources:
        raise Conflict(
            f"当前状态 {hazard.state.value} 不能执行 {action}; 可执行 / allowed now: "
            f"{', '.join(allowed_actions(hazard.state)) or 'none (closed)'}"
        )
    _check_evidence(session, hazard, step.evidence_ids)
    previous = hazard.state
    hazard.updated_at = utc_now()
    details = _take_step(hazard, step, user)
    if transition.target is not None and hazard.state == previous:
        hazard.state = transition.target
    failed = isinstance(step, Verify) and not step.passed
    session.flush()
    _record(
        session,
        hazard,
        action,
        previous,
        user,
        HazardVerificationFailedV1 if failed else transition.event,
        reason=step.reason,
        details=details,
        evidence_ids=step.evidence_ids,
    )
    return hazard


def _take_step(hazard: Hazard, step: HazardStep, user: Principal) -> dict[str, Any]:
    """Apply the step's rules that depend on the hazard; returns what the history keeps."""
    match step:
        case FixOnSpot():
            return _fix_on_spot(hazard, user)
        case OrderRectification() | RejectReview():
            return _order_rectification(hazard, step)
        case Suspend():
            return {}
        case MarkRectified():
            hazard.rectified_by = user.user_id
            return {}
        case Verify():
            return _verify(hazard, step, user)
        case Close():
            return _close(hazard, step)
        case Refuse():
            hazard.enforcement_owner = step.enforcement_owner
            return {"enforcement_owner": step.enforcement_owner}
        case ExplainOverdue():
            return _explain_overdue(hazard, step)
    assert_never(step)


def _fix_on_spot(hazard: Hazard, user: Principal) -> dict[str, Any]:
    if hazard.grade == HazardGrade.major:
        raise Conflict(
            "重大隐患不能立改立销 / a major hazard cannot be fixed on the spot; order rectification"
        )
    hazard.rectified_by = user.user_id
    return {}


def _order_rectification(hazard: Hazard, step: RectificationOrder) -> dict[str, Any]:
    if hazard.grade == HazardGrade.major and hazard.plan is None and step.plan is None:
        _missing(step, "plan")
    _check_deadline(step.deadline)
    _set_deadline(hazard, step.deadline)
    hazard.responsible_person, hazard.measures = step.responsible_person, step.measures
    if step.plan is not None:
        hazard.plan = step.plan.model_dump()
    return {"deadline": step.deadline.isoformat(), "responsible_person": step.responsible_person}


def _verify(hazard: Hazard, step: Verify, user: Principal) -> dict[str, Any]:
    if hazard.rectified_by == user.user_id:
        raise Conflict(
            "复查须由整改人以外的人员进行 / verification must be done by someone other than the fixer"
        )
    if not step.passed:
        if not step.reason or step.deadline is None:
            _missing(step, "reason", "deadline")
        _check_deadline(step.deadline)
        _set_deadline(hazard, step.deadline)
        hazard.state = HazardState.rectifying
        return {"passed": False, "deadline": step.deadline.isoformat()}
    if hazard.grade == HazardGrade.major:
        if not step.evaluation or step.restart_applied_on is None:
            _missing(step, "evaluation", "restart_applied_on")
        hazard.restart_applied_on = step.restart_applied_on
    hazard.verified_by = user.user_id
    return {"passed": True, "evaluation": step.evaluation}


def _close(hazard: Hazard, step: Close) -> dict[str, Any]:
    """A major hazard closes only after the authority's review, within its days of the restart application."""
    details: dict[str, Any] = {}
    if hazard.grade == HazardGrade.major:
        if step.authority_review_on is None:
            _missing(step, "authority_review_on")
        applied = hazard.restart_applied_on
        assert applied is not None, "a verified major hazard has its restart application date"
        review_days = get_inspections_settings().major_review_days
        limit = applied + timedelta(days=review_days)
        if not applied <= step.authority_review_on <= limit:
            raise InvalidInput(
                f"审查须在复产申请后{review_days}日内 / the review must fall between {applied} and {limit}",
                field="authority_review_on",
            )
        details["authority_review_on"] = step.authority_review_on.isoformat()
    hazard.closed_at = utc_now()
    return details


def _explain_overdue(hazard: Hazard, step: ExplainOverdue) -> dict[str, Any]:
    if hazard.overdue_since is None:
        raise Conflict("隐患未逾期 / the hazard is not overdue")
    hazard.overdue_explanation = step.reason
    return {}


def _set_deadline(hazard: Hazard, deadline: date) -> None:
    if hazard.overdue_since is not None and hazard.deadline is not None and deadline > hazard.deadline:
        hazard.overdue_since = None  # a later deadline lifts the flag; the lateness stays in the history
    hazard.deadline = deadline


def add_evidence(
    session: Session, hazard_id: uuid.UUID, filename: str, content: bytes, user: Access
) -> StoredFile:
    hazard = get_hazard(session, hazard_id, user)
    if hazard.state == HazardState.closed:
        raise Conflict("隐患已销号 / the hazard is closed")
    max_bytes = get_inspections_settings().evidence_max_bytes
    return uploads.attach(
        session, EvidenceFile, EvidenceFile.hazard_id, hazard.id, filename, content, max_bytes, user.user_id
    )


def history(
    session: Session, hazard_id: uuid.UUID, user: Access, page: PageRequest
) -> Page[HazardTransition]:
    get_hazard(session, hazard_id, user)
    return STEPS_IN_ORDER.fetch(
        session, select(HazardTransition).where(HazardTransition.hazard_id == hazard_id), page
    )


def list_hazards(
    session: Session,
    user: Access,
    page: PageRequest,
    *,
    unit_id: uuid.UUID | None = None,
    grid_id: uuid.UUID | None = None,
    grade: HazardGrade | None = None,
    state: HazardState | None = None,
    source: HazardSource | None = None,
    category: str | None = None,
    reported_from: datetime | None = None,
    reported_to: datetime | None = None,
    overdue: bool | None = None,
) -> Page[Hazard]:
    """Newest first; hazards reported in the same instant follow their ids."""
    query = user.narrow(select(Hazard), unit=Hazard.unit_id, grid=Hazard.grid_id)
    query = where_given(
        query,
        {
            Hazard.unit_id: unit_id,
            Hazard.grid_id: grid_id,
            Hazard.grade: grade,
            Hazard.state: state,
            Hazard.source: source,
            Hazard.category: category,
        },
    )
    if reported_from is not None:
        query = query.where(Hazard.reported_at >= reported_from)
    if reported_to is not None:
        query = query.where(Hazard.reported_at < reported_to)
    if overdue is not None:
        query = query.where(Hazard.overdue_since.is_not(None) if overdue else Hazard.overdue_since.is_(None))
    return NEWEST_FIRST.fetch(session, query, page)


SCHEDULER = access_for(
    Principal(user_id=uuid.UUID(int=0), name="定时检查 scheduler", roles=frozenset({Role.zone_admin})),
    "hazard.step",
)


def check_deadlines(session: Session, today: date) -> dict[str, int]:
    """Emit hazard.due_soon and hazard.overdue once per hazard and deadline, however often it runs."""
    due_soon_days = get_inspections_settings().hazard_due_soon_days
    emitted = {"due_soon": 0, "overdue": 0}
    candidates = session.scalars(
        select(Hazard)
        .where(
            Hazard.state.in_(UNDER_DEADLINE),
            Hazard.deadline.is_not(None),
            Hazard.deadline <= today + timedelta(days=due_soon_days),
        )
        .with_for_update(skip_locked=True)
    )
    for hazard in candidates:
        assert hazard.deadline is not None  # the query takes only hazards with a deadline
        kind = "overdue" if hazard.deadline < today else "due_soon"
        claimed = session.execute(
            insert(DeadlineNotice)
            .values(hazard_id=hazard.id, kind=kind, deadline=hazard.deadline)
            .on_conflict_do_nothing()
            .returning(DeadlineNotice.id)
        ).first()
        if claimed is None:
            continue
        if kind == "overdue":
            hazard.overdue_since = hazard.deadline + timedelta(days=1)
        event = HazardOverdueV1 if kind == "overdue" else HazardDueSoonV1
        reason = f"整改期限 {hazard.deadline}"
        _record(
            session,
            hazard,
            kind,
            hazard.state,
            SCHEDULER,
            event,
            reason=reason,
            details={"deadline": hazard.deadline.isoformat()},
        )
        emitted[kind] += 1
    return emitted
