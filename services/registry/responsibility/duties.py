"""The duties the responsibility ledger knows (定人定岗定责), as data.

Each duty applies to one kind of scope; a sole duty has at most one holder on any day.
"""

from dataclasses import dataclass

from shared.events.contracts.registry import ScopeType


@dataclass(frozen=True)
class Duty:
    label: str
    scope_type: ScopeType
    sole: bool


DUTIES: dict[str, Duty] = {
    "committee_director": Duty("管委会主任(第一责任人) / committee director", ScopeType.zone, True),
    "safety_office": Duty("安监站 / committee safety office", ScopeType.zone, False),
    "enforcement_officer": Duty("区级执法人员 / district enforcement officer", ScopeType.zone, False),
    "grid_leader": Duty("网格分管领导 / grid leader", ScopeType.grid, True),
    "grid_member": Duty("网格员 / grid member", ScopeType.grid, False),
    "principal_person": Duty("企业主要负责人 / principal responsible person", ScopeType.enterprise, True),
    "safety_manager": Duty("安全管理人员 / safety manager", ScopeType.enterprise, False),
    "org_unit_head": Duty("车间/班组负责人 / head of workshop or team", ScopeType.org_unit, True),
    "post_holder": Duty("岗位责任人 / person responsible for a post", ScopeType.post, True),
}
