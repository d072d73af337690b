"""The hazard ledger: report, move through the lifecycle, attach evidence, query, watch deadlines."""

import uuid
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, NoReturn, assert_never, cast

from sqlalchemy import BindParameter, Insert, Table, bindparam, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.inspections.hazard.models import (
    DeadlineNotice,
    EvidenceFile,
    EvidenceTag,
    Hazard,
    HazardTransition,
)
from services.inspections.hazard.schemas import (
    Close,
    ExplainOverdue,
    FixOnSpot,
    HazardOrder,
    HazardOut,
    HazardReport,
    HazardStep,
    HazardStepBase,
    ListForSupervision,
    MarkRectified,
    OrderRectification,
    RectificationOrder,
    Refuse,
    Regrade,
    RejectReview,
    Suspend,
    Verify,
    Void,
)
from services.inspections.hazard.state_machine import (
    SOURCE_REPORTERS,
    TRANSITIONS,
    HazardActionName,
    allowed_actions,
    label,
    may_verify,
    organisations,
)
from services.inspections.notices import service as notices
from services.inspections.request_keys import service as request_keys
from services.inspections.runtime import runtime
from services.inspections.settings import get_inspections_settings
from services.inspections.units.models import SupervisedUnit
from services.inspections.units.service import ensure_may_act_on_unit, unit_standing
from shared import uploads
from shared.access import Access, access_for
from shared.auth import Principal, Role
from shared.clock import local_date, local_today, utc_now
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
    HazardReviewLateV1,
    HazardSource,
    HazardState,
    HazardUnactedEscalatedV1,
    HazardUnactedRemindedV1,
    HazardVerificationFailedV1,
)
from shared.events.contracts.registry import ProductionStatus
from shared.pagination import Keyset, Page, PageRequest
from shared.settings import get_settings

ORDERS = {
    HazardOrder.newest: Keyset("hazards", Hazard.reported_at, Hazard.id, descending=True),
    HazardOrder.oldest: Keyset("hazards-oldest", Hazard.reported_at, Hazard.id),
    HazardOrder.deadline: Keyset("hazards-by-deadline", Hazard.deadline, Hazard.id),
}
STEPS_IN_ORDER = Keyset("hazard-history", HazardTransition.id)


def _step(
    hazard: Hazard | HazardOut,
    action: str,
    previous: HazardState | None,
    user: Principal,
    event: type[HazardEventV1],
    *,
    reason: str | None = None,
    details: dict | None = None,
    evidence_ids: list[uuid.UUID] | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], HazardEventV1]:
    """A step's history row (the columns of `HazardTransition`) and the event announcing it.

    `extra`: the fields the event's contract adds to the common hazard shape."""
    at = utc_now()
    transition = {
        "hazard_id": hazard.id,
        "action": action,
        "from_state": previous,
        "to_state": hazard.state,
        "actor_id": user.user_id,
        "actor_name": user.name or str(user.user_id),
        "at": at,
        "reason": reason,
        "details": details or {},
        "evidence_ids": evidence_ids or [],
    }
    announced = event(
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
        location=hazard.location,
        description=hazard.description,
        reporter_name=hazard.reporter_name,
        measures=hazard.measures,
        responsible_person=hazard.responsible_person,
        actor_name=transition["actor_name"],
        **(extra or {}),
    )
    return transition, announced


def _record(
    session: Session,
    hazard: Hazard,
    action: str,
    previous: HazardState | None,
    user: Principal,
    event: type[HazardEventV1],
    **step: Any,
) -> HazardTransition:
    """Append the step to the history and announce it through the outbox, in one transaction."""
    transition, announced = _step(hazard, action, previous, user, event, **step)
    row = HazardTransition(**transition)
    session.add(row)
    runtime.publish(session, announced, subject=str(hazard.id))
    return row


# what a hazard just reported has not got yet, and what can be done with it
_NOT_YET = dict.fromkeys(HazardOut.model_fields, None)
_FIRST_ACTIONS = allowed_actions(HazardState.reported)


def report_hazard(
    session: Session, data: HazardReport, user: Access, idempotency_key: str | None
) -> tuple[HazardOut, bool]:
    """Register a hazard (隐患登记). Returns it as answered and whether it is new (a retried
    submission is not).

    The hazard, its history and its events are written in one statement."""
    hazard_id = uuid.uuid4()
    if idempotency_key is not None:  # the body is hashed only to be kept with a key
        # fields left at their defaults stay out, so a body hashes as it did before they were added
        body = request_keys.fingerprint(data.model_dump(mode="json", exclude_defaults=True))
        previous = request_keys.claim(session, user, idempotency_key, "hazard.report", body, hazard_id)
        if previous is not None:
            return HazardOut.of(session.get_one(Hazard, previous)), False
    unit = unit_standing(session, data.unit_id, user)
    if unit.production_status == ProductionStatus.closed:
        raise InvalidInput("单位已关闭 / the unit is closed", field="unit_id")
    reporters = SOURCE_REPORTERS[data.source]
    if not user.has(*reporters):
        raise InvalidInput(
            f"隐患来源与上报人不符 / source {data.source} is reported by {', '.join(sorted(reporters))}",
            field="source",
        )
    now = utc_now()  # set here rather than by the database, so answering needs no second read
    values = {
        "id": hazard_id,
        "unit_id": unit.id,
        "grid_id": unit.grid_id,
        "state": HazardState.reported,
        "reporter_id": user.user_id,
        "reporter_name": user.name or str(user.user_id),
        "reported_at": now,
        "updated_at": now,
        "rectified_by_organisations": [],
        "stop_ordered": False,
        "review_late": False,
        **data.model_dump(exclude={"unit_id"}),
    }
    # the answer, from the values written below (outside the session's unit of work): no ORM object
    hazard = HazardOut.model_validate({**_NOT_YET, **values, "allowed_actions": _FIRST_ACTIONS})
    steps = [_step(hazard, "report", None, user, HazardReportedV1, reason=data.description)]
    if data.grade == HazardGrade.major:  # reported to the supervising authority at once
        steps.append(
            _step(
                hazard, "escalate", HazardState.reported, user, HazardEscalatedV1, reason="重大隐患即时上报"
            )
        )
    outbox_rows, _ = runtime.outbox_rows(session, [(event, str(hazard_id)) for _, event in steps])
    transitions = [transition for transition, _ in steps]
    statement = _report_statement(tuple(values), tuple(transitions[0]), tuple(outbox_rows[0]), len(steps))
    parameters = {f"h_{name}": value for name, value in values.items()}
    for i, (transition, outbox_row) in enumerate(zip(transitions, outbox_rows, strict=True)):
        parameters |= {f"t{i}_{name}": value for name, value in transition.items()}
        parameters |= {f"o{i}_{name}": value for name, value in outbox_row.items()}
    session.execute(statement, parameters)
    return hazard, True


@lru_cache(maxsize=16)
def _report_statement(
    hazard_columns: tuple[str, ...],
    step_columns: tuple[str, ...],
    outbox_columns: tuple[str, ...],
    steps: int,
) -> Insert:
    """A new hazard, its history rows and their outbox rows in one INSERT (one round trip): the
    hazard and its history as CTEs of the outbox insert; their foreign keys are checked at the end
    of the statement, when all are written. Built once per shape with named parameters, so
    SQLAlchemy compiles it once (values written into a statement would compile it every time)."""

    def row(table: Table, columns: tuple[str, ...], prefix: str) -> dict[str, BindParameter[Any]]:
        return {name: bindparam(f"{prefix}{name}", type_=table.c[name].type) for name in columns}

    def rows(table: Table, columns: tuple[str, ...], prefix: str) -> Any:
        # a single row as such: SQLAlchemy caches no multi-row VALUES (a major hazard's two steps)
        each = [row(table, columns, f"{prefix}{i}_") for i in range(steps)]
        return each[0] if steps == 1 else each

    hazards, history, outbox = (
        cast(Table, Hazard.__table__),
        cast(Table, HazardTransition.__table__),
        runtime.tables.outbox,
    )
    return (
        outbox.insert()
        .values(rows(outbox, outbox_columns, "o"))
        .add_cte(insert(hazards).values(row(hazards, hazard_columns, "h_")).cte("new_hazard"))
        .add_cte(insert(history).values(rows(history, step_columns, "t")).cte("new_steps"))
    )


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


def apply_action(
    session: Session, hazard_id: uuid.UUID, step: HazardStep, user: Access, idempotency_key: str | None = None
) -> Hazard:
    """Take one step of the lifecycle: who may, from which state, then the step's own rules. A resend
    with the same Idempotency-Key takes no step again and returns the hazard as it stands."""
    body = request_keys.fingerprint(hazard_id, step.model_dump(mode="json"))
    if request_keys.claim(session, user, idempotency_key, "hazard.step", body, hazard_id) is not None:
        return get_hazard(session, hazard_id, user)
    action = step.action
    transition = TRANSITIONS[action]
    hazard = get_hazard(session, hazard_id, user, for_update=True)
    _check_roles(hazard, action, user)
    if hazard.state not in transition.sources:
        raise Conflict(
            f"当前状态 {hazard.state.value} 不能执行 {action}; 可执行 / allowed now: "
            f"{', '.join(allowed_actions(hazard.state)) or 'none (closed)'}"
        )
    _check_evidence(session, hazard, step.evidence_ids)
    previous = hazard.state
    hazard.updated_at = utc_now()
    details = _take_step(session, hazard, step, user)
    if transition.target is not None and hazard.state == previous:
        hazard.state = transition.target
    failed = isinstance(step, Verify) and not step.passed
    session.flush()
    taken = _record(
        session,
        hazard,
        action,
        previous,
        user,
        HazardVerificationFailedV1 if failed else transition.event,
        reason=step.reason,
        details=details,
        evidence_ids=step.evidence_ids,
        extra=_event_fields(step, details),
    )
    session.flush()
    notices.issue_for_step(session, hazard, taken)  # the notice the step calls for, in its transaction
    if isinstance(step, Close) and hazard.review_late:  # flagged and told, never blocking
        assert hazard.restart_applied_on is not None and hazard.authority_review_on is not None
        _record(
            session,
            hazard,
            "review_late",
            hazard.state,
            user,
            HazardReviewLateV1,
            reason=details["review_late"],
            extra={
                "restart_applied_on": hazard.restart_applied_on,
                "authority_review_on": hazard.authority_review_on,
            },
        )
    return hazard


def _check_roles(hazard: Hazard, action: HazardActionName, user: Access) -> None:
    """403 naming the rule: the action's roles, narrowed from some states and for major hazards."""
    transition = TRANSITIONS[action]
    roles = transition.roles_for(hazard.state, hazard.grade)
    if user.has(*roles):
        return
    if hazard.state in transition.roles_from:
        rule = f"{hazard.state}_moved_by_{'_or_'.join(sorted(roles))}"
    elif roles != transition.roles:
        rule = f"major_{action}_by_{'_or_'.join(sorted(roles))}"
    else:
        rule = f"{action}_by_{'_or_'.join(sorted(roles))}"
    raise Forbidden(
        f"无权执行“{label(action)}” / rule {rule}: {action} needs one of the roles {', '.join(sorted(roles))}"
    )


def _event_fields(step: HazardStep, details: dict[str, Any]) -> dict[str, Any]:
    """What the step's event adds to the common shape of hazard events."""
    match step:
        case ListForSupervision():
            return {"listing_authority": step.listing_authority}
        case Regrade():
            return {"previous_grade": details["previous_grade"]}
    return {}


def _take_step(session: Session, hazard: Hazard, step: HazardStep, user: Access) -> dict[str, Any]:
    """Apply the step's rules that depend on the hazard; returns what the history keeps."""
    match step:
        case FixOnSpot():
            return _fix_on_spot(hazard, user)
        case OrderRectification() | RejectReview():
            return _order_rectification(hazard, step)
        case Suspend():
            return _suspend(hazard, step)
        case MarkRectified():
            _rectified_by(hazard, user)
            return {}
        case Verify():
            return _verify(hazard, step, user)
        case Close():
            return _close(hazard, step)
        case Refuse():
            hazard.enforcement_owner = step.enforcement_owner
            return {"enforcement_owner": step.enforcement_owner}
        case ExplainOverdue():
            return _explain_overdue(session, hazard, step)
        case ListForSupervision():
            return _list_for_supervision(hazard, step)
        case Regrade():
            return _regrade(hazard, step)
        case Void():
            return {}
    assert_never(step)


def _rectified_by(hazard: Hazard, user: Access) -> None:
    hazard.rectified_by = user.user_id
    hazard.rectified_by_organisations = sorted(organisations(user))


def _fix_on_spot(hazard: Hazard, user: Access) -> dict[str, Any]:
    if hazard.grade == HazardGrade.major:
        raise Conflict(
            "重大隐患不能立改立销 / a major hazard cannot be fixed on the spot; order rectification"
        )
    _rectified_by(hazard, user)
    return {}


def _ensure_plan(hazard: Hazard, step: RectificationOrder | Suspend | Regrade) -> None:
    """Work on a major hazard starts only with its six-part plan (重大事故隐患治理方案), from any state."""
    grade = step.grade if isinstance(step, Regrade) else hazard.grade
    if grade == HazardGrade.major and hazard.plan is None and step.plan is None:
        _missing(step, "plan")
    if step.plan is not None:
        hazard.plan = step.plan.model_dump()


def _order_rectification(hazard: Hazard, step: RectificationOrder) -> dict[str, Any]:
    _ensure_plan(hazard, step)
    _check_deadline(step.deadline)
    _set_deadline(hazard, step.deadline)
    hazard.responsible_person, hazard.measures = step.responsible_person, step.measures
    return {"deadline": step.deadline.isoformat(), "responsible_person": step.responsible_person}


def _suspend(hazard: Hazard, step: Suspend) -> dict[str, Any]:
    """Stopped work is still work under a deadline, and a major hazard's under its plan."""
    if hazard.deadline is None and step.deadline is None:
        _missing(step, "deadline")
    _ensure_plan(hazard, step)
    if step.deadline is not None:
        _check_deadline(step.deadline)
        _set_deadline(hazard, step.deadline)
    hazard.stop_ordered = True
    return {"deadline": step.deadline.isoformat()} if step.deadline else {}


def _verify(hazard: Hazard, step: Verify, user: Access) -> dict[str, Any]:
    settings = get_inspections_settings()
    refused = may_verify(
        user,
        unit_id=hazard.unit_id,
        grade=hazard.grade,
        source=hazard.source,
        fixer_id=hazard.rectified_by,
        fixer_organisations=frozenset(hazard.rectified_by_organisations),
        unit_may_verify_own=settings.unit_may_verify_own_self_report,
    )
    if refused is not None:
        raise Forbidden(f"rule {refused}")
    if not step.passed:
        if not step.reason or step.deadline is None:
            _missing(step, "reason", "deadline")
        _check_deadline(step.deadline)
        _set_deadline(hazard, step.deadline)
        hazard.state = HazardState.rectifying
        return {"passed": False, "deadline": step.deadline.isoformat()}
    if needs_restart_application(hazard):
        if not step.evaluation or step.restart_applied_on is None:
            _missing(step, "evaluation", "restart_applied_on")
        if step.restart_applied_on > local_today():
            raise InvalidInput(
                f"复产申请日期不能晚于今天 / {step.restart_applied_on} is in the future",
                field="restart_applied_on",
            )
        hazard.restart_applied_on = step.restart_applied_on
    hazard.verified_by = user.user_id
    return {"passed": True, "evaluation": step.evaluation}


def needs_restart_application(hazard: Hazard) -> bool:
    """Only a major hazard listed for supervision (挂牌督办) or ordered stopped needs the evaluation,
    the restart application and the authority's review at close-out."""
    return hazard.grade == HazardGrade.major and (hazard.listing_authority is not None or hazard.stop_ordered)


def _close(hazard: Hazard, step: Close) -> dict[str, Any]:
    """The authority's review: not in the future, not before the application; later than its days
    after the application is flagged (and told), never blocking."""
    details: dict[str, Any] = {}
    applied = hazard.restart_applied_on
    if applied is not None:
        reviewed = step.authority_review_on
        if reviewed is None:
            _missing(step, "authority_review_on")
        if reviewed > local_today():
            raise InvalidInput(
                f"审查日期不能晚于今天 / {reviewed} is in the future", field="authority_review_on"
            )
        if reviewed < applied:
            raise InvalidInput(
                f"审查日期早于复产申请 / {reviewed} is before the restart application of {applied}",
                field="authority_review_on",
            )
        hazard.authority_review_on = reviewed
        details["authority_review_on"] = reviewed.isoformat()
        review_days = get_inspections_settings().major_review_days
        if reviewed > applied + timedelta(days=review_days):
            hazard.review_late = True
            details["review_late"] = (
                f"审查超过复产申请后{review_days}日 / reviewed {(reviewed - applied).days} days after the application"
            )
    hazard.closed_at = utc_now()
    return details


def _explain_overdue(session: Session, hazard: Hazard, step: ExplainOverdue) -> dict[str, Any]:
    """Any open state, once the hazard has been overdue (a later deadline does not erase the lateness)."""
    has_been_overdue = session.scalar(
        select(HazardTransition.id)
        .where(HazardTransition.hazard_id == hazard.id, HazardTransition.action == "overdue")
        .limit(1)
    )
    if hazard.overdue_since is None and has_been_overdue is None:
        raise Conflict("隐患未逾期 / the hazard has never been overdue")
    hazard.overdue_explanation = step.reason
    return {}


def _list_for_supervision(hazard: Hazard, step: ListForSupervision) -> dict[str, Any]:
    if hazard.grade != HazardGrade.major:
        raise Conflict(
            "只有重大隐患挂牌督办 / only a major hazard is listed for supervision; regrade it first"
        )
    if hazard.listing_authority is not None:
        raise Conflict(
            f"已由{hazard.listing_authority}挂牌督办 / already listed by {hazard.listing_authority}"
        )
    hazard.listing_authority, hazard.listed_at = step.listing_authority, utc_now()
    return {"listing_authority": step.listing_authority}


def _regrade(hazard: Hazard, step: Regrade) -> dict[str, Any]:
    """General ↔ major; a major hazard under work must have its plan, a listed one stays major."""
    previous = hazard.grade
    if step.grade == previous:
        raise InvalidInput(f"等级未变 / the hazard is already {previous}", field="grade")
    if hazard.listing_authority is not None:
        raise Conflict("挂牌督办的隐患不能降级 / a hazard listed for supervision stays major")
    if hazard.state in UNDER_DEADLINE:
        _ensure_plan(hazard, step)
    hazard.grade = step.grade
    return {"previous_grade": previous.value, "grade": step.grade.value}


def _set_deadline(hazard: Hazard, deadline: date) -> None:
    if hazard.overdue_since is not None and hazard.deadline is not None and deadline > hazard.deadline:
        hazard.overdue_since = None  # a later deadline lifts the flag; the lateness stays in the history
    hazard.deadline = deadline


def add_evidence(
    session: Session,
    hazard_id: uuid.UUID,
    upload: uploads.Upload,
    tag: EvidenceTag,
    user: Access,
    idempotency_key: str | None = None,
) -> tuple[EvidenceFile, bool]:
    """Attach a photo or PDF; a resend with the same Idempotency-Key returns the first file."""
    body = request_keys.fingerprint(hazard_id, upload.content, tag, upload.told)
    file_id = uuid.uuid4()
    previous = request_keys.claim(session, user, idempotency_key, "hazard.evidence", body, file_id)
    if previous is not None:
        return session.get_one(EvidenceFile, previous), False
    hazard = get_hazard(session, hazard_id, user)
    if hazard.state == HazardState.closed:
        raise Conflict("隐患已销号 / the hazard is closed")
    max_bytes = get_inspections_settings().evidence_max_bytes
    record = uploads.attach(
        session, EvidenceFile, EvidenceFile.hazard_id, hazard.id, upload.filename, upload.content, max_bytes,
        user.user_id, user.name, upload.told, id=file_id, tag=tag,
    )  # fmt: skip
    return record, True


# Whoever may see the hazard may list and download its evidence.
def evidence_of(
    session: Session, hazard_id: uuid.UUID, user: Access, page: PageRequest
) -> Page[EvidenceFile]:
    hazard = get_hazard(session, hazard_id, user)
    return uploads.files_of(session, EvidenceFile, EvidenceFile.hazard_id, hazard.id, page)


def evidence_file(session: Session, hazard_id: uuid.UUID, file_id: uuid.UUID, user: Access) -> EvidenceFile:
    hazard = get_hazard(session, hazard_id, user)
    return uploads.file_of(session, EvidenceFile, EvidenceFile.hazard_id, hazard.id, file_id)


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
    due_by: date | None = None,
    order: HazardOrder = HazardOrder.newest,
) -> Page[Hazard]:
    """In `order`; hazards reported in the same instant (or due the same day) follow their ids.
    `due_by`: under a deadline that ends on or before that day (限期将至)."""
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
    if due_by is not None:
        query = query.where(Hazard.state.in_(UNDER_DEADLINE), Hazard.deadline <= due_by)
    if order == HazardOrder.deadline:
        query = query.where(Hazard.deadline.is_not(None))
    return ORDERS[order].fetch(session, query, page)


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


def check_unacted(session: Session, today: date) -> dict[str, int]:
    """Remind, then escalate, a hazard still `reported` (nobody acted on it) after the configured
    days; each step once per hazard, however often it runs."""
    settings = get_inspections_settings()
    steps = (
        ("unacted_reminded", settings.hazard_unacted_remind_days, HazardUnactedRemindedV1),
        ("unacted_escalated", settings.hazard_unacted_escalate_days, HazardUnactedEscalatedV1),
    )
    emitted = {kind: 0 for kind, _, _ in steps}
    # reported on a zone date at least the first step's days ago: before the start of the day after it
    last_day = today - timedelta(days=min(days for _, days, _ in steps))
    before = datetime.combine(last_day + timedelta(days=1), time(), tzinfo=get_settings().zone)
    candidates = session.scalars(
        select(Hazard)
        .where(Hazard.state == HazardState.reported, Hazard.reported_at < before)
        .with_for_update(skip_locked=True)
    )
    for hazard in candidates:
        reported_on = local_date(hazard.reported_at)
        for kind, days, event in steps:
            if (today - reported_on).days < days:
                continue
            claimed = session.execute(
                insert(DeadlineNotice)
                .values(hazard_id=hazard.id, kind=kind, deadline=reported_on)
                .on_conflict_do_nothing()
                .returning(DeadlineNotice.id)
            ).first()
            if claimed is None:
                continue
            reason = f"登记后{(today - reported_on).days}日未处置 / not acted on since {reported_on}"
            _record(session, hazard, kind, hazard.state, SCHEDULER, event, reason=reason)
            emitted[kind] += 1
    return emitted
