"""Events published by the inspections service (hazards and their lifecycle, inspections)."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from shared.events.contracts.base import EventContract
from shared.events.contracts.registry import RiskColour


class HazardGrade(StrEnum):
    general = "general"  # 一般隐患
    major = "major"  # 重大隐患


class HazardSource(StrEnum):
    self_report = "self_report"  # 自查自报
    superior_inspection = "superior_inspection"  # 上级检查
    grid_patrol = "grid_patrol"  # 网格巡查


class HazardState(StrEnum):
    reported = "reported"  # 已登记
    rectifying = "rectifying"  # 整改中(限期整改)
    suspended = "suspended"  # 停产停用整改(撤人、警戒)
    rectified = "rectified"  # 已整改,待复查
    verified = "verified"  # 复查验收通过,待销号
    closed = "closed"  # 已销号
    with_enforcement = "with_enforcement"  # 已移交执法部门
    voided = "voided"  # 误报作废


class InspectionKind(StrEnum):
    daily_patrol = "daily_patrol"  # 日巡查
    weekly_check = "weekly_check"  # 周检查
    leader_inspection = "leader_inspection"  # 分管领导检查
    self_check = "self_check"  # 企业自查
    monthly_patrol = "monthly_patrol"  # 企业月度全面巡查
    special_campaign = "special_campaign"  # 专项治理
    look_back = "look_back"  # 回头看


class TrainingKind(StrEnum):
    pre_shift = "pre_shift"  # 班前培训 (daily, per team)
    publicity = "publicity"  # 全员安全宣传活动 (half-yearly)
    three_post_reexam = "three_post_reexam"  # 三岗人员年度复审培训


# What the hazard ledger's states mean, defined once for every service.
#
# Awaiting rectification (待整改): the unit still owes the fix. `reported`: registered, nothing
# done yet; `rectifying`: ordered to fix by a deadline; `suspended`: stopped and fixing by a
# deadline. Not `with_enforcement`: after a refusal the case belongs to enforcement, not to the
# unit's reminders; not `rectified` and later: the fix is done. Notifications reminds and
# escalates these; reporting counts them as the dashboard's open hazards.
AWAITING_RECTIFICATION = frozenset({HazardState.reported, HazardState.rectifying, HazardState.suspended})
# Under a deadline (限期整改中): a rectification deadline runs and can pass. `rectifying` and
# `suspended` only: a `reported` hazard has no deadline yet. Inspections checks these for
# due-soon and overdue, and only these can explain a delay.
UNDER_DEADLINE = frozenset({HazardState.rectifying, HazardState.suspended})
# Rectification done (已整改): the fix was reported done: `rectified` (awaiting verification),
# `verified` (awaiting close-out) and `closed`. Reporting's rectification rate counts these.
RECTIFICATION_DONE = frozenset({HazardState.rectified, HazardState.verified, HazardState.closed})


class HazardEventV1(EventContract):
    """A hazard's state after one step of its lifecycle (事故隐患台帐), and the step itself.

    The base of every hazard.* contract: they share this shape and differ by type.
    """

    hazard_id: uuid.UUID
    unit_id: uuid.UUID
    grid_id: uuid.UUID | None
    grade: HazardGrade
    source: HazardSource
    category: str
    state: HazardState
    previous_state: HazardState | None
    action: str
    deadline: date | None
    overdue: bool
    actor_id: uuid.UUID | None
    reason: str | None
    at: datetime
    # The ledger's words (事故隐患台帐), added within v1: absent from events published before.
    location: str | None = Field(None, description="部位 / where")
    description: str | None = Field(None, description="描述 / what is wrong")
    reporter_name: str | None = Field(None, description="发现人 / who reported it")
    measures: str | None = Field(None, description="整改措施 / the measures ordered")
    responsible_person: str | None = Field(None, description="整改责任人 / who answers for the fix")
    actor_name: str | None = Field(None, description="who took this step")


class HazardReportedV1(HazardEventV1):
    """A hazard was registered (隐患登记)."""

    event_type = "hazard.reported"
    event_version = 1


class HazardFixedOnSpotV1(HazardEventV1):
    """A general hazard was fixed on the spot (立改立销)."""

    event_type = "hazard.fixed_on_spot"
    event_version = 1


class HazardRectificationOrderedV1(HazardEventV1):
    """Deadline rectification was ordered (限期整改)."""

    event_type = "hazard.rectification_ordered"
    event_version = 1


class HazardSuspendedV1(HazardEventV1):
    """Production or use stopped, people withdrawn (停产停用)."""

    event_type = "hazard.suspended"
    event_version = 1


class HazardRectifiedV1(HazardEventV1):
    """The rectification was reported done (整改完成)."""

    event_type = "hazard.rectified"
    event_version = 1


class HazardVerificationFailedV1(HazardEventV1):
    """Verification or the authority's review failed: a new correction order (复查未通过)."""

    event_type = "hazard.verification_failed"
    event_version = 1


class HazardVerifiedV1(HazardEventV1):
    """Verified by someone other than the fixer (复查验收)."""

    event_type = "hazard.verified"
    event_version = 1


class HazardClosedV1(HazardEventV1):
    """Closed out (销号)."""

    event_type = "hazard.closed"
    event_version = 1


class HazardRefusedV1(HazardEventV1):
    """Refusal to rectify or stop work: handed to enforcement (移交执法)."""

    event_type = "hazard.refused"
    event_version = 1


class HazardEscalatedV1(HazardEventV1):
    """Reported to the supervising authority at once (重大隐患上报)."""

    event_type = "hazard.escalated"
    event_version = 1


class HazardDueSoonV1(HazardEventV1):
    """The rectification deadline is near (即将到期)."""

    event_type = "hazard.due_soon"
    event_version = 1


class HazardOverdueV1(HazardEventV1):
    """The rectification deadline passed (逾期)."""

    event_type = "hazard.overdue"
    event_version = 1


class HazardOverdueExplainedV1(HazardEventV1):
    """A written explanation of the delay (逾期说明)."""

    event_type = "hazard.overdue_explained"
    event_version = 1


class HazardListedV1(HazardEventV1):
    """A major hazard was listed for supervision by an authority (挂牌督办)."""

    event_type = "hazard.listed"
    event_version = 1

    listing_authority: str


class HazardRegradedV1(HazardEventV1):
    """The grade was corrected (general ↔ major, 隐患等级调整); `grade` is the new one."""

    event_type = "hazard.regraded"
    event_version = 1

    previous_grade: HazardGrade


class HazardVoidedV1(HazardEventV1):
    """The report was voided as mistaken (误报作废), with the reason."""

    event_type = "hazard.voided"
    event_version = 1


class HazardReviewLateV1(HazardEventV1):
    """The authority's on-site review came later than its days after the restart application (审查超期)."""

    event_type = "hazard.review_late"
    event_version = 1

    restart_applied_on: date
    authority_review_on: date


class HazardUnactedRemindedV1(HazardEventV1):
    """A reported hazard nobody has acted on for some days: a reminder (登记后未处置提醒)."""

    event_type = "hazard.unacted_reminded"
    event_version = 1


class HazardUnactedEscalatedV1(HazardEventV1):
    """A reported hazard still not acted on after more days: escalated (登记后未处置升级)."""

    event_type = "hazard.unacted_escalated"
    event_version = 1


class RiskAssessedV1(EventContract):
    """A unit's risk was assessed (风险评估); `unit_colour` is its colour now, the highest of its targets'."""

    event_type = "risk.assessed"
    event_version = 1

    assessment_id: uuid.UUID
    unit_id: uuid.UUID
    target: str
    method: str
    score: float
    colour: RiskColour
    table_version: str
    unit_colour: RiskColour


class RepeatOffenderV1(EventContract):
    """A unit was penalised for major hazards 3 times in 180 days or 4 times in a year (安全生产法第113条)."""

    event_type = "hazard.repeat_offender"
    event_version = 1

    unit_id: uuid.UUID
    rule: str
    penalties_180_days: int
    penalties_365_days: int
    latest_penalty_id: uuid.UUID
    decided_on: date


class InspectionCompletedV1(EventContract):
    """An inspection was recorded (检查完成), with how many items failed and the hazards they raised."""

    event_type = "inspection.completed"
    event_version = 1

    inspection_id: uuid.UUID
    unit_id: uuid.UUID
    grid_id: uuid.UUID | None
    kind: InspectionKind
    inspector_id: uuid.UUID
    inspected_on: date
    items: int
    failed: int
    hazard_ids: list[uuid.UUID]


class DutyHolder(StrEnum):
    """Who owes a recurring duty (谁的职责): the grid's members, its leader, or the unit itself."""

    grid_member = "grid_member"  # 网格员
    grid_leader = "grid_leader"  # 网格长/分管领导
    enterprise = "enterprise"  # 企业自身


RESPONSIBLE_DESCRIPTION = (
    "the grid staff who held the duty on the period's last day (else the last who held it in the "
    "period); empty for an enterprise's own duty"
)


class InspectionMissedV1(EventContract):
    """A required inspection was not done in its period (漏检), once per rule, subject and period."""

    event_type = "inspection.missed"
    event_version = 1

    rule_code: str
    inspection_kind: str
    subject_id: uuid.UUID  # a unit, or a grid for per-grid rules
    grid_id: uuid.UUID | None
    period: str
    period_start: date
    period_end: date
    done: int
    required: int
    owed_by: DutyHolder = DutyHolder.grid_member
    responsible_person_ids: list[uuid.UUID] = Field(default_factory=list, description=RESPONSIBLE_DESCRIPTION)


class TrainingRecordedV1(EventContract):
    """A training or publicity session was recorded (培训/宣传记录)."""

    event_type = "training.recorded"
    event_version = 1

    session_id: uuid.UUID
    unit_id: uuid.UUID
    grid_id: uuid.UUID | None
    team_id: uuid.UUID | None
    kind: TrainingKind
    held_on: date
    attendees: int
    duration_minutes: int


class ExamFailedV1(EventContract):
    """Participants of a safety exam scored below the pass mark and must retake it (考试不合格)."""

    event_type = "exam.failed"
    event_version = 1

    exam_id: uuid.UUID
    unit_id: uuid.UUID
    grid_id: uuid.UUID | None
    held_on: date
    pass_mark: float
    failed_person_ids: list[uuid.UUID]


class TrainingMissedV1(EventContract):
    """A recurring training duty (班前培训、月度考试、宣传活动) was not done in its period, once each."""

    event_type = "training.missed"
    event_version = 1

    rule_code: str
    activity: str
    subject_id: uuid.UUID  # a unit, or a team
    unit_id: uuid.UUID
    grid_id: uuid.UUID | None
    period: str
    period_start: date
    period_end: date
    done: int
    required: int
    owed_by: DutyHolder = DutyHolder.enterprise
    responsible_person_ids: list[uuid.UUID] = Field(default_factory=list, description=RESPONSIBLE_DESCRIPTION)


class InspectionDueV1(InspectionMissedV1):
    """A required inspection is still not done on its rule's reminder day (待检查提醒), once each."""

    event_type = "inspection.due"
    event_version = 1


class TrainingDueV1(TrainingMissedV1):
    """A training duty is still not done on its rule's reminder day (待完成提醒), once each."""

    event_type = "training.due"
    event_version = 1
