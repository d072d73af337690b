import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.inspections.hazard.models import EvidenceTag
from services.inspections.hazard.state_machine import HazardActionName, allowed_actions
from shared.events.contracts.inspections import HazardGrade, HazardSource, HazardState
from shared.uploads import StoredFileOut

PLAN_TITLE = "治理方案 / required before work on a major hazard without one starts"


class HazardOrder(StrEnum):
    """The ledger's orders (排序)."""

    newest = "newest"  # 最新登记在前
    oldest = "oldest"  # 最早登记在前
    deadline = "deadline"  # 整改期限最近在前: only hazards with a deadline


class HazardReport(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    unit_id: uuid.UUID = Field(title="单位 / enterprise or site")
    source: HazardSource = Field(title="来源 / self-report, superior inspection or grid patrol")
    category: str = Field(min_length=1, max_length=60, title="类别 / category, e.g. 消防, 用电, 特种设备")
    grade: HazardGrade = Field(title="等级 / general (一般) or major (重大)")
    location: str = Field(min_length=1, max_length=300, title="部位 / where")
    description: str = Field(min_length=1, max_length=5000, title="描述 / what is wrong")
    basis: str | None = Field(None, max_length=300, title="判定依据 / the clause it was found under")


class RectificationPlan(BaseModel):
    """The six parts a major hazard's plan must have (重大事故隐患治理方案)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    goals_and_tasks: str = Field(min_length=1, title="治理的目标和任务")
    methods_and_measures: str = Field(min_length=1, title="采取的方法和措施")
    funds_and_materials: str = Field(min_length=1, title="经费和物资的落实")
    responsible_body_and_people: str = Field(min_length=1, title="负责治理的机构和人员")
    time_limit_and_milestones: str = Field(min_length=1, title="治理的时限和要求")
    safety_and_emergency_measures: str = Field(min_length=1, title="安全措施和应急预案")


class HazardStepBase(BaseModel):
    """What every step may carry; each action's model adds or tightens the fields it needs."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str | None = Field(None, max_length=5000, title="说明 / why, or what was done")
    evidence_ids: list[uuid.UUID] = Field(default_factory=list, title="佐证 / uploaded evidence files")


# The texts a step must have: present and not blank (the model strips whitespace).
Reason = Annotated[str, Field(min_length=1, max_length=5000, title="说明 / why, or what was done")]
Evidence = Annotated[
    list[uuid.UUID], Field(min_length=1, title="佐证 / uploaded evidence files, at least one")
]
Person = Annotated[str, Field(min_length=1, max_length=100)]


class FixOnSpot(HazardStepBase):
    """立改立销: a general hazard fixed at once, with its after-photo."""

    action: Literal[HazardActionName.fix_on_spot] = HazardActionName.fix_on_spot
    reason: Reason
    evidence_ids: Evidence


class RectificationOrder(HazardStepBase):
    """What ordering a rectification needs, first or again."""

    deadline: date = Field(title="整改期限 / last day (zone date)")
    responsible_person: Person = Field(title="整改责任人")
    measures: str = Field(min_length=1, max_length=5000, title="整改措施")
    plan: RectificationPlan | None = Field(None, title=PLAN_TITLE)


class OrderRectification(RectificationOrder):
    """限期整改: a deadline, who answers for it and what is done; a major hazard also its plan."""

    action: Literal[HazardActionName.order_rectification] = HazardActionName.order_rectification


class RejectReview(RectificationOrder):
    """审查未通过: the authority's review of a major hazard failed; rectification starts again."""

    action: Literal[HazardActionName.reject_review] = HazardActionName.reject_review


class Suspend(HazardStepBase):
    """停产停用: people withdrawn and the area cordoned, with evidence; fixed by a deadline (needed
    when the hazard has none yet) and, for a major hazard, by its plan (needed when it has none)."""

    action: Literal[HazardActionName.suspend] = HazardActionName.suspend
    reason: Reason
    evidence_ids: Evidence
    deadline: date | None = Field(None, title="整改期限 / last day, when the hazard has none yet")
    plan: RectificationPlan | None = Field(None, title=PLAN_TITLE)


class MarkRectified(HazardStepBase):
    """整改完成: the unit says it is done, with after-evidence."""

    action: Literal[HazardActionName.mark_rectified] = HazardActionName.mark_rectified
    evidence_ids: Evidence


class Verify(HazardStepBase):
    """复查验收 by a supervisor of another organisation than the one that fixed it.

    Failed: `reason` and a new `deadline` are required. Passed for a major hazard listed for
    supervision or stopped: `evaluation` and `restart_applied_on` are required.
    """

    action: Literal[HazardActionName.verify] = HazardActionName.verify
    passed: bool = Field(title="复查结论 / verification result")
    deadline: date | None = Field(None, title="新的整改期限 / new last day, when failed")
    evaluation: str | None = Field(None, max_length=5000, title="评估报告 / listed or stopped major hazards")
    restart_applied_on: date | None = Field(None, title="复产申请日期 / listed or stopped major hazards")


class Close(HazardStepBase):
    """销号; a major hazard with a restart application needs the authority's on-site review date
    (`authority_review_on`): not in the future, not before the application; a late one is flagged."""

    action: Literal[HazardActionName.close] = HazardActionName.close
    authority_review_on: date | None = Field(None, title="审查日期 / the authority's on-site review")


class Refuse(HazardStepBase):
    """拒不整改: the unit refused; the hazard goes to enforcement."""

    action: Literal[HazardActionName.refuse] = HazardActionName.refuse
    reason: Reason
    enforcement_owner: Person = Field(title="接收执法部门或人员 / who takes it over")


class ExplainOverdue(HazardStepBase):
    """逾期说明: why an overdue hazard is late."""

    action: Literal[HazardActionName.explain_overdue] = HazardActionName.explain_overdue
    reason: Reason


class ListForSupervision(HazardStepBase):
    """挂牌督办: an authority lists a major hazard for supervision; its close-out then needs an
    evaluation, a restart application and the authority's review."""

    action: Literal[HazardActionName.list_for_supervision] = HazardActionName.list_for_supervision
    reason: Reason
    listing_authority: Person = Field(title="挂牌督办单位 / the listing authority")


class Regrade(HazardStepBase):
    """调整等级: general ↔ major, with the reason; a major hazard under work needs its plan."""

    action: Literal[HazardActionName.regrade] = HazardActionName.regrade
    reason: Reason
    grade: HazardGrade = Field(title="新等级 / the new grade")
    plan: RectificationPlan | None = Field(None, title=PLAN_TITLE)


class Void(HazardStepBase):
    """误报作废: the report was mistaken; the reason stays in the history."""

    action: Literal[HazardActionName.void] = HazardActionName.void
    reason: Reason


# One model per action, told apart by `action`; the API fills `action` from the path.
HazardStep = Annotated[
    FixOnSpot
    | OrderRectification
    | Suspend
    | MarkRectified
    | Verify
    | Close
    | RejectReview
    | Refuse
    | ExplainOverdue
    | ListForSupervision
    | Regrade
    | Void,
    Field(discriminator="action"),
]


class TransitionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: str  # also report, escalate, due_soon, overdue: steps taken by the system
    from_state: HazardState | None
    to_state: HazardState
    actor_id: uuid.UUID | None
    actor_name: str
    at: datetime
    reason: str | None
    details: dict[str, Any]
    evidence_ids: list[uuid.UUID]


class HazardOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    unit_id: uuid.UUID
    grid_id: uuid.UUID | None
    source: HazardSource
    category: str
    grade: HazardGrade
    location: str
    description: str
    basis: str | None
    state: HazardState
    reporter_id: uuid.UUID
    reporter_name: str
    reported_at: datetime
    deadline: date | None
    responsible_person: str | None
    measures: str | None
    plan: dict[str, Any] | None
    enforcement_owner: str | None
    listing_authority: str | None
    listed_at: datetime | None
    stop_ordered: bool
    restart_applied_on: date | None
    authority_review_on: date | None
    review_late: bool
    overdue_since: date | None
    overdue_explanation: str | None
    closed_at: datetime | None
    allowed_actions: list[HazardActionName] = []

    @classmethod
    def of(cls, hazard: Any) -> "HazardOut":
        """The hazard with the actions its state allows."""
        out = cls.model_validate(hazard)
        out.allowed_actions = allowed_actions(hazard.state)  # set in place: no copy of the model
        return out


class EvidenceOut(StoredFileOut):
    hazard_id: uuid.UUID
    tag: EvidenceTag
