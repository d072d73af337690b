"""The duties the responsibility ledger knows (定人定岗定责), as data.

Each duty applies to one kind of scope; a sole duty has at most one holder on any day.
"""

from dataclasses import dataclass

from shared.events.contracts.registry import ScopeType


@dataclass(frozen=True)
class Duty:
    scope_type: ScopeType
    sole: bool


# their names are in the label catalogue (shared/labels.py, kind "duty")
DUTIES: dict[str, Duty] = {
    "committee_director": Duty(ScopeType.zone, True),
    "safety_office": Duty(ScopeType.zone, False),
    "enforcement_officer": Duty(ScopeType.zone, False),
    "grid_leader": Duty(ScopeType.grid, True),
    "grid_member": Duty(ScopeType.grid, False),
    "principal_person": Duty(ScopeType.enterprise, True),
    "safety_manager": Duty(ScopeType.enterprise, False),
    "org_unit_head": Duty(ScopeType.org_unit, True),
    "post_holder": Duty(ScopeType.post, True),
}
