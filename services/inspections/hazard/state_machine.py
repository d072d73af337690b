"""The hazard lifecycle as data: which action moves a hazard from which states to which, and who may.

After the hazard investigation rules (安监总局令第16号) and the work plan:
  reported ─fix_on_spot (general only)──────────────▶ rectified
  reported ─order_rectification (deadline; major: six-part plan)▶ rectifying
  rectifying/reported ─suspend (people withdrawn, area cordoned)─▶ suspended
  rectifying/suspended ─mark_rectified (after-evidence)─▶ rectified
  rectified ─verify (someone else; passed)──▶ verified     (failed ─▶ rectifying, new deadline)
  verified ─close (major: authority review within 10 days)──▶ closed
  verified ─reject_review (major: the authority's review failed)─▶ rectifying
  reported/rectifying/suspended ─refuse (to rectify or stop work)─▶ with_enforcement
  with_enforcement ─order_rectification (by enforcement)─▶ rectifying
Overdue is not a state: a hazard past its deadline stays where it is, flagged, until closed.
"""

from dataclasses import dataclass
from enum import StrEnum

from shared.auth import Role
from shared.events.contracts.inspections import (
    UNDER_DEADLINE,
    HazardClosedV1,
    HazardEventV1,
    HazardFixedOnSpotV1,
    HazardOverdueExplainedV1,
    HazardRectificationOrderedV1,
    HazardRectifiedV1,
    HazardRefusedV1,
    HazardState,
    HazardSuspendedV1,
    HazardVerificationFailedV1,
    HazardVerifiedV1,
)

S = HazardState
SUPERVISORS = frozenset({Role.zone_admin, Role.leader, Role.grid_member, Role.enforcement_officer})
UNIT = frozenset({Role.enterprise_user})


class HazardActionName(StrEnum):
    """The steps a person takes (POST /hazards/{id}/actions/{action})."""

    fix_on_spot = "fix_on_spot"
    order_rectification = "order_rectification"
    suspend = "suspend"
    mark_rectified = "mark_rectified"
    verify = "verify"
    close = "close"
    reject_review = "reject_review"
    refuse = "refuse"
    explain_overdue = "explain_overdue"


A = HazardActionName


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset[HazardState]
    target: HazardState | None  # None: the state stays as it is
    roles: frozenset[Role]
    event: type[HazardEventV1]


TRANSITIONS: dict[HazardActionName, Transition] = {
    A.fix_on_spot: Transition("立改立销 / fixed on the spot", frozenset({S.reported}), S.rectified, SUPERVISORS | UNIT, HazardFixedOnSpotV1),
    A.order_rectification: Transition(
        "限期整改 / order rectification by a deadline",
        frozenset({S.reported, S.with_enforcement}),
        S.rectifying,
        SUPERVISORS | UNIT,
        HazardRectificationOrderedV1,
    ),
    A.suspend: Transition("停产停用 / stop production or use", frozenset({S.reported, S.rectifying}), S.suspended, SUPERVISORS | UNIT, HazardSuspendedV1),
    A.mark_rectified: Transition("整改完成 / rectification done", frozenset({S.rectifying, S.suspended}), S.rectified, SUPERVISORS | UNIT, HazardRectifiedV1),
    A.verify: Transition("复查验收 / verify", frozenset({S.rectified}), S.verified, SUPERVISORS | UNIT, HazardVerifiedV1),
    A.close: Transition("销号 / close out", frozenset({S.verified}), S.closed, SUPERVISORS, HazardClosedV1),
    A.reject_review: Transition(
        "审查未通过 / the authority's review failed", frozenset({S.verified}), S.rectifying, SUPERVISORS, HazardVerificationFailedV1
    ),
    A.refuse: Transition(
        "拒不整改,移交执法 / refused: hand to enforcement",
        frozenset({S.reported, S.rectifying, S.suspended}),
        S.with_enforcement,
        SUPERVISORS,
        HazardRefusedV1,
    ),
    A.explain_overdue: Transition(
        "逾期说明 / explain the delay", UNDER_DEADLINE, None, SUPERVISORS | UNIT, HazardOverdueExplainedV1
    ),
}  # fmt: skip


def allowed_actions(state: HazardState) -> list[HazardActionName]:
    return [action for action, t in TRANSITIONS.items() if state in t.sources]
