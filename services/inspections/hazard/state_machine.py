"""The hazard lifecycle as data: which action moves a hazard from which states to which, and who may.

After the hazard investigation rules (安监总局令第16号) and the work plan:
  reported ─fix_on_spot (general only)──────────────▶ rectified
  reported ─order_rectification (deadline; major: six-part plan)▶ rectifying
  reported/rectifying ─suspend (people withdrawn, area cordoned; deadline; major: plan)─▶ suspended
  rectifying/suspended ─mark_rectified (after-evidence)─▶ rectified
  rectified ─verify (a supervisor of another organisation; passed)──▶ verified  (failed ─▶ rectifying)
  verified ─close (major: by the authority; listed or stopped: its review)──▶ closed
  verified ─reject_review (major: the authority's review failed)─▶ rectifying
  reported/rectifying/suspended ─refuse (to rectify or stop work)─▶ with_enforcement
  with_enforcement ─order_rectification (by enforcement or the zone admin only)─▶ rectifying
  any open state ─void (误报, with a reason)─▶ voided
  open states: list_for_supervision (挂牌督办), regrade (general ↔ major); explain_overdue once overdue
Overdue is not a state: a hazard past its deadline stays where it is, flagged, until closed.

Who may is data: each transition's roles, narrowed per source state (`roles_from`) and per grade
(`major_roles`). The independence of verification is the rule `may_verify` below.
"""

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from shared.access import POLICY, Access
from shared.auth import Role
from shared.events.contracts.inspections import (
    HazardClosedV1,
    HazardEventV1,
    HazardFixedOnSpotV1,
    HazardGrade,
    HazardListedV1,
    HazardOverdueExplainedV1,
    HazardRectificationOrderedV1,
    HazardRectifiedV1,
    HazardRefusedV1,
    HazardRegradedV1,
    HazardSource,
    HazardState,
    HazardSuspendedV1,
    HazardVerificationFailedV1,
    HazardVerifiedV1,
    HazardVoidedV1,
)
from shared.labels import both

S = HazardState


def _granted(action: str) -> frozenset[Role]:
    """The roles the access policy (shared/access.py) grants an action; its scope is checked at the door."""
    return frozenset(POLICY[action].grants)


# Supervisors (监管人员), independent of the unit: grid staff, the safety office, enforcement, the zone admin.
SUPERVISORS = _granted("hazard.verify")
UNIT = frozenset({Role.enterprise_user})
# The authority over major hazards: closes them out and judges their on-site review.
MAJOR_AUTHORITY = _granted("hazard.close_major")
# Once a hazard is with enforcement, only they (or the zone admin) move it on.
ENFORCEMENT = _granted("hazard.leave_enforcement")
# Who lists a major hazard for supervision (挂牌督办).
LISTERS = _granted("hazard.list_for_supervision")
# Who regrades or voids a hazard (with a reason).
REGRADERS = _granted("hazard.regrade")
OPEN = frozenset({S.reported, S.rectifying, S.suspended, S.rectified, S.verified, S.with_enforcement})
NOT_YET_FIXED = frozenset({S.reported, S.rectifying, S.suspended, S.with_enforcement})

# Which roles may report a hazard from which source (来源与上报人一致).
SOURCE_REPORTERS: dict[HazardSource, frozenset[Role]] = {
    HazardSource.self_report: UNIT,
    HazardSource.grid_patrol: frozenset({Role.grid_member, Role.leader, Role.zone_admin}),
    # the committee's leadership reads and lists for supervision; it reports through its office
    HazardSource.superior_inspection: frozenset(
        {Role.leader, Role.safety_office, Role.enforcement_officer, Role.zone_admin}
    ),
}


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
    list_for_supervision = "list_for_supervision"
    regrade = "regrade"
    void = "void"


A = HazardActionName


@dataclass(frozen=True)
class Transition:
    sources: frozenset[HazardState]
    target: HazardState | None  # None: the state stays as it is
    roles: frozenset[Role]
    event: type[HazardEventV1]
    roles_from: dict[HazardState, frozenset[Role]] = field(default_factory=dict)  # narrower, from a state
    major_roles: frozenset[Role] | None = None  # narrower, for a major hazard

    def roles_for(self, state: HazardState, grade: HazardGrade) -> frozenset[Role]:
        roles = self.roles_from.get(state, self.roles)
        if grade == HazardGrade.major and self.major_roles is not None:
            roles &= self.major_roles
        return roles


TRANSITIONS: dict[HazardActionName, Transition] = {
    A.fix_on_spot: Transition(frozenset({S.reported}), S.rectified, SUPERVISORS | UNIT, HazardFixedOnSpotV1),
    A.order_rectification: Transition(
        frozenset({S.reported, S.with_enforcement}), S.rectifying, SUPERVISORS | UNIT,
        HazardRectificationOrderedV1, roles_from={S.with_enforcement: ENFORCEMENT},
    ),
    A.suspend: Transition(frozenset({S.reported, S.rectifying}), S.suspended, SUPERVISORS | UNIT, HazardSuspendedV1),
    A.mark_rectified: Transition(frozenset({S.rectifying, S.suspended}), S.rectified, SUPERVISORS | UNIT, HazardRectifiedV1),
    A.verify: Transition(frozenset({S.rectified}), S.verified, SUPERVISORS | UNIT, HazardVerifiedV1),
    A.close: Transition(frozenset({S.verified}), S.closed, SUPERVISORS, HazardClosedV1, major_roles=MAJOR_AUTHORITY),
    A.reject_review: Transition(frozenset({S.verified}), S.rectifying, MAJOR_AUTHORITY, HazardVerificationFailedV1),
    A.refuse: Transition(frozenset({S.reported, S.rectifying, S.suspended}), S.with_enforcement, SUPERVISORS, HazardRefusedV1),
    A.explain_overdue: Transition(OPEN - {S.reported}, None, SUPERVISORS | UNIT, HazardOverdueExplainedV1),
    A.list_for_supervision: Transition(NOT_YET_FIXED, None, LISTERS, HazardListedV1),
    A.regrade: Transition(NOT_YET_FIXED, None, REGRADERS, HazardRegradedV1, roles_from={S.with_enforcement: ENFORCEMENT}),
    A.void: Transition(NOT_YET_FIXED, S.voided, REGRADERS, HazardVoidedV1, roles_from={S.with_enforcement: ENFORCEMENT}),
}  # fmt: skip


def label(action: HazardActionName) -> str:
    return both("hazard_action", action)


def allowed_actions(state: HazardState) -> list[HazardActionName]:
    return [action for action, t in TRANSITIONS.items() if state in t.sources]


# Organisations (单位/机构) a person acts for: their enterprise, each grid they staff, each zone office.
_OFFICES = (Role.safety_office, Role.enforcement_officer, Role.zone_admin, Role.committee_leader)


def organisations(user: Access) -> frozenset[str]:
    """The organisations a person acts for: their offices, their enterprise, the grids they staff
    today (from the responsibility ledger's copy, not the token)."""
    orgs = {f"office:{role}" for role in _OFFICES if user.has(role)}
    if user.has(Role.enterprise_user) and user.enterprise_id is not None:
        orgs.add(f"enterprise:{user.enterprise_id}")
    if user.has(Role.leader, Role.grid_member):
        orgs |= {f"grid:{grid_id}" for grid_id in user.staffed_grids}
    return frozenset(orgs)


def may_verify(
    user: Access,
    *,
    unit_id: uuid.UUID,
    grade: HazardGrade,
    source: HazardSource,
    fixer_id: uuid.UUID | None,
    fixer_organisations: frozenset[str],
    unit_may_verify_own: bool,
) -> str | None:
    """Why `user` may not verify this fix (复查验收须独立于整改单位), or None when they may."""
    if user.user_id == fixer_id:
        return "verify_not_by_fixer: 复查须由整改人以外的人员进行 / not by the one who fixed it"
    own_unit = user.has(*UNIT) and user.enterprise_id == unit_id
    self_check = unit_may_verify_own and grade == HazardGrade.general and source == HazardSource.self_report
    if own_unit and not self_check:
        return (
            "verify_independent_of_unit: 企业不能复查本企业隐患的整改 / "
            "the enterprise may not verify a fix of its own hazard"
        )
    if not own_unit and fixer_organisations & organisations(user):
        return (
            "verify_independent_of_fixer: 复查须由整改单位以外的监管人员进行 / "
            "verification by a supervisor of another organisation than the one that fixed it"
        )
    return None
