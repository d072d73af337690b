"""The access policy (权限): who may do and see what, in one table, and the queries it narrows.

`POLICY` maps each action to the roles that may take it and the scope they take it in:

- zone: the whole zone (the committee, its safety office, enforcement, auditors);
- grid: the grids the caller staffs today, read from the service's copy of the responsibility
  ledger (never from the token), and the units in them;
- enterprise: the caller's own enterprise;
- own: the caller's own records (their person, inbox, preferences).

Every scope includes the caller's own person. Every endpoint takes its `Access` from
`Gate.permit(action)`; a role without the action gets 403 naming the rule. Service functions
narrow their queries with `Access.narrow` and check single rows with `Access.ensure_unit`.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import ConfigDict, Field
from sqlalchemy import ColumnElement, Date, DateTime, Select, String, false, or_, select, true
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared.auth import PEOPLE_ROLES, BearerPrincipal, CurrentUser, Principal, Role
from shared.clock import local_today
from shared.db import upsert_snapshot
from shared.errors import Forbidden
from shared.events.contracts.inspections import InspectionKind
from shared.events.contracts.registry import AssignmentChangedV1, ScopeType
from shared.labels import both


class Scope(StrEnum):
    zone = "zone"  # 全区
    grid = "grid"  # 本人负责的网格
    enterprise = "enterprise"  # 本企业
    own = "own"  # 本人


SCOPE_LABELS = {Scope.zone: "全区", Scope.grid: "本网格", Scope.enterprise: "本企业", Scope.own: "本人"}
# Why a row lies outside a caller's scope (the 403's message).
OUTSIDE = {
    Scope.zone: "",
    Scope.grid: "只能访问本人负责的网格 / your own grids only (as the responsibility ledger says today)",
    Scope.enterprise: "只能访问本企业 / your own enterprise only",
    Scope.own: "只能访问本人的记录 / your own records only",
}
BREADTH = (Scope.own, Scope.enterprise, Scope.grid, Scope.zone)  # narrowest first


@dataclass(frozen=True)
class Rule:
    action: str
    label: str
    grants: Mapping[Role, Scope]

    def scope_of(self, principal: Principal) -> Scope | None:
        """The widest scope any of the caller's roles has for this action (None: not allowed)."""
        scopes = [self.grants[r] for r in principal.roles if r in self.grants]
        return max(scopes, key=BREADTH.index) if scopes else None


# Who supervises the whole zone (全区监管), who staffs grids, and who acts for an enterprise.
SUPERVISION = (Role.zone_admin, Role.committee_leader, Role.safety_office, Role.enforcement_officer)
GRID_STAFF = (Role.leader, Role.grid_member)


def _grants(*parts: tuple[Iterable[Role], Scope]) -> dict[Role, Scope]:
    return {role: scope for roles, scope in parts for role in roles}


ZONE = Scope.zone
EVERYONE = _grants((PEOPLE_ROLES, ZONE))
EVERYONE_OWN = _grants((PEOPLE_ROLES, Scope.own))
ADMIN = _grants(((Role.zone_admin,), ZONE))
# Reading a unit's records: the zone-wide roles, grid staff in their grids, the enterprise itself.
READ_UNIT = _grants(
    ((*SUPERVISION, Role.auditor), ZONE),
    (GRID_STAFF, Scope.grid),
    ((Role.enterprise_user,), Scope.enterprise),
)
# Keeping a unit's own records (people, organisation, rules, hazard sources, filings).
EDIT_UNIT = _grants(((Role.zone_admin,), ZONE), ((Role.enterprise_user,), Scope.enterprise))
# Recording what happened at a unit on the ground (training, risk assessments).
RECORD_AT_UNIT = _grants(
    ((Role.zone_admin, Role.safety_office), ZONE),
    (GRID_STAFF, Scope.grid),
    ((Role.enterprise_user,), Scope.enterprise),
)
# Finding, inspecting and reporting (检查、登记隐患).
INSPECT = _grants(
    ((Role.zone_admin, Role.safety_office, Role.enforcement_officer), ZONE),
    (GRID_STAFF, Scope.grid),
    ((Role.enterprise_user,), Scope.enterprise),
)
# Taking a step of a hazard's lifecycle (which step, by whom: the hazard rules below and the state machine).
HAZARD_STEP = _grants(
    ((*SUPERVISION,), ZONE), (GRID_STAFF, Scope.grid), ((Role.enterprise_user,), Scope.enterprise)
)
# Zone statistics and the roll-out: supervisors, grid staff for their grids, auditors.
STATISTICS = _grants(((*SUPERVISION, Role.auditor), ZONE), (GRID_STAFF, Scope.grid))
# Who is told what (notices, deliveries): the committee and auditors; everyone their own.
NOTICES = {
    **EVERYONE_OWN,
    **_grants(((Role.zone_admin, Role.committee_leader, Role.safety_office, Role.auditor), ZONE)),
}
# Phones and e-mails: only those who must reach the person (auditors only their own).
CONTACT = {
    **EVERYONE_OWN,
    **_grants((SUPERVISION, ZONE), (GRID_STAFF, Scope.grid), ((Role.enterprise_user,), Scope.enterprise)),
}


# Who performs each kind of inspection (local rule from the work plan), and where.
INSPECTION_KINDS: dict[InspectionKind, dict[Role, Scope]] = {
    InspectionKind.daily_patrol: _grants(((Role.zone_admin,), ZONE), (GRID_STAFF, Scope.grid)),
    InspectionKind.weekly_check: _grants(((Role.zone_admin,), ZONE), (GRID_STAFF, Scope.grid)),
    InspectionKind.leader_inspection: _grants(((Role.leader,), Scope.grid)),
    InspectionKind.self_check: _grants(((Role.enterprise_user,), Scope.enterprise)),
    InspectionKind.monthly_patrol: _grants(((Role.enterprise_user,), Scope.enterprise)),
    InspectionKind.special_campaign: _grants(
        ((Role.zone_admin, Role.safety_office, Role.enforcement_officer), ZONE), (GRID_STAFF, Scope.grid)
    ),
    InspectionKind.look_back: _grants(
        ((Role.zone_admin, Role.safety_office), ZONE), (GRID_STAFF, Scope.grid)
    ),
}


def _rules(*rules: tuple[str, str, Mapping[Role, Scope]]) -> dict[str, Rule]:
    return {action: Rule(action, label, grants) for action, label, grants in rules}


POLICY: dict[str, Rule] = _rules(
    # registry
    ("account.me", "本人身份 / who I am", EVERYONE_OWN),
    ("account.manage", "开通与修改账号 / create and change logins (password, roles, status)", ADMIN),
    ("zone.administer", "辖区与网格维护 / zones and grids", ADMIN),
    ("grid.read", "网格 / grids", {**READ_UNIT, Role.enterprise_user: ZONE}),
    ("unit.register", "企业登记、状态、网格调整 / register and change units", ADMIN),
    ("unit.read", "单位及其记录 / units and their records", READ_UNIT),
    ("unit.edit", "单位自身记录 / a unit's own records", EDIT_UNIT),
    ("person.read", "人员及证书 / people and certificates", READ_UNIT),
    ("person.contact", "人员联系方式 / phones and e-mails", CONTACT),
    ("responsibility.read", "责任台帐 / the responsibility ledger", READ_UNIT),
    ("responsibility.assign", "定人定岗定责 / assign and end duties", ADMIN),
    ("ledger.transfer", "台账导入导出 / import and export the ledgers", ADMIN),
    ("catalogue.read", "目录与规则 / duties, checklists, rules, band tables", EVERYONE),
    ("catalogue.edit", "检查表、频次、十有 / checklists, cadences, ten haves", ADMIN),
    # inspections
    ("inspection.record", "检查、风险评估 / inspect and assess a unit", INSPECT),
    ("inspection.read", "检查记录、签名与照片 / inspections, their signatures and photos", READ_UNIT),
    *(
        (f"inspection.{kind}", both("inspection_kind", kind), grants)
        for kind, grants in INSPECTION_KINDS.items()
    ),
    ("training.record", "培训考试 / record training and exams", RECORD_AT_UNIT),
    ("hazard.report", "登记隐患 / report a hazard", INSPECT),
    ("hazard.read", "隐患台帐 / hazards and their history", READ_UNIT),
    ("hazard.step", "推进隐患处理 / take a lifecycle step", HAZARD_STEP),
    (
        "hazard.verify",
        "复查验收(独立于整改单位) / verify a fix (independent of who fixed it)",
        _grants(
            ((Role.zone_admin, Role.safety_office, Role.enforcement_officer), ZONE), (GRID_STAFF, Scope.grid)
        ),
    ),
    (
        "hazard.close_major",
        "重大隐患销号 / close out a major hazard",
        _grants(((Role.zone_admin, Role.safety_office, Role.enforcement_officer), ZONE)),
    ),
    (
        "hazard.leave_enforcement",
        "移出执法 / move a hazard out of enforcement",
        _grants(((Role.zone_admin, Role.enforcement_officer), ZONE)),
    ),
    (
        "hazard.list_for_supervision",
        "挂牌督办 / list a hazard for supervision",
        _grants(((Role.zone_admin, Role.committee_leader, Role.safety_office), ZONE)),
    ),
    (
        "hazard.regrade",
        "隐患定级调整、误报作废 / regrade or void a hazard",
        _grants(
            ((Role.zone_admin, Role.safety_office, Role.enforcement_officer), ZONE), (GRID_STAFF, Scope.grid)
        ),
    ),
    (
        "penalty.record",
        "登记处罚 / record a penalty",
        _grants(((Role.zone_admin, Role.enforcement_officer), ZONE)),
    ),
    # notifications
    ("notice.read", "投递记录 / deliveries", NOTICES),
    (
        "notice.trace",
        "某事件通知了谁 / who was told of an event",
        {role: scope for role, scope in NOTICES.items() if scope == ZONE},
    ),
    ("notice.replay", "补发 / send a delivery again", ADMIN),
    ("inbox.own", "我的消息与偏好 / my inbox and preferences", EVERYONE_OWN),
    ("webhook.manage", "外部推送 / webhook subscriptions", ADMIN),
    ("dead_letter.manage", "死信 / dead-lettered events", ADMIN),
    (
        "settings.read",
        "查看推送与死信(只读)/ read webhook subscriptions and dead letters",
        _grants(((Role.zone_admin, Role.auditor), ZONE)),
    ),
    # every service
    (
        "event.feed",
        "事件流(服务间补发) / a service's event feed, read by other services only",
        _grants(((Role.service,), ZONE)),
    ),
    ("audit.read", "审计日志 / the audit log", _grants(((Role.zone_admin, Role.auditor), ZONE))),
    (
        "job.read",
        "后台任务(导入导出)/ background jobs (imports, exports): one's own; zone admins any",
        _grants((PEOPLE_ROLES, Scope.own), ((Role.zone_admin,), ZONE)),
    ),
    # reporting
    ("filing.submit", "报送报告 / file reports and attachments", EDIT_UNIT),
    ("statistics.read", "统计、报表、报送情况 / statistics, exports, filing status", STATISTICS),
    (
        "hazard.export",
        "导出隐患台帐与报送记录 / the hazard ledger and filings as spreadsheets (an enterprise its own)",
        READ_UNIT,
    ),
    ("campaign.manage", "实施步骤 / the roll-out's tasks and dates", ADMIN),
    (
        "assessment.read",
        "网格员考核 / grid staff assessment",
        _grants(((*SUPERVISION, Role.auditor), ZONE), ((Role.leader,), Scope.grid)),
    ),
)

# Operations anyone may call without a token: health probes, the login, the label catalogue and
# the map's page (it holds no data; its data comes from /map/features).
PUBLIC_OPERATIONS = frozenset(
    {
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("POST", "/auth/token"),
        ("POST", "/auth/refresh"),  # the refresh token is the credential
        ("POST", "/auth/logout"),
        ("POST", "/auth/service-token"),  # the service's secret is the credential
        ("GET", "/.well-known/jwks.json"),  # the registry's public keys
        ("GET", "/labels"),
        ("GET", "/map"),
    }
)


def actions_of(principal: Principal) -> dict[str, Scope]:
    """Every action the caller may take and how widely: what the web app's menus and buttons follow."""
    granted = {action: rule.scope_of(principal) for action, rule in POLICY.items()}
    return {action: scope for action, scope in granted.items() if scope is not None}


def rule(action: str) -> Rule:
    return POLICY[action]


def forbidden(rule: Rule, why: str) -> Forbidden:
    """403 naming the rule that forbids the action, and why."""
    return Forbidden(f"无权操作 / forbidden by rule {rule.action} ({rule.label}): {why}")


def not_granted(rule: Rule) -> Forbidden:
    return forbidden(rule, f"仅限 / only for {', '.join(rule.grants)}")


# The ledger's duties that make someone grid staff (their grids are their grid scope).
GRID_DUTIES = ("grid_leader", "grid_member")


class GridDutyCopy:
    """A service's copy of the ledger's grid assignments (网格分管领导、网格员): whose grids they
    are, from when to when (inclusive). The policy reads grid staff's scope from it, as of today.
    A mixin for each service's `grid_duty` table."""

    assignment_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    grid_id: Mapped[uuid.UUID]
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    duty: Mapped[str | None] = mapped_column(String(40))  # grid_leader | grid_member (None: not yet told)
    version: Mapped[int] = mapped_column(server_default="0")  # the assignment's; the highest is kept
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def record_grid_duty(
    session: Session, model: type[GridDutyCopy], data: AssignmentChangedV1, source_time: datetime
) -> None:
    """Keep a service's copy of the grid assignments (`model`: its GridDuty table) current."""
    if data.scope_type != ScopeType.grid or data.duty not in GRID_DUTIES:
        return
    values = {
        "assignment_id": data.assignment_id,
        "person_id": data.person_id,
        "grid_id": data.scope_id,
        "valid_from": data.valid_from,
        "valid_to": data.valid_to,
        "duty": data.duty,
        "version": data.version,
        "source_time": source_time,
    }
    upsert_snapshot(session, model, values, key="assignment_id", order_by="version")


def grid_duty_tenancy(units: Any, duties: Any) -> "Tenancy":
    """The tenancy of a service with a units copy (`id`, `grid_id`) and a GridDuty copy."""
    return Tenancy(
        unit_id=units.id,
        unit_grid=units.grid_id,
        staff_person=duties.person_id,
        staff_grid=duties.grid_id,
        staff_from=duties.valid_from,
        staff_to=duties.valid_to,
    )


@dataclass(frozen=True)
class Tenancy:
    """Where a service reads the facts the policy needs, in its own schema.

    `unit_id`/`unit_grid`: its copy of the units and their grids. `staff_*`: its copy of the grid
    assignments (person, grid, from, to inclusive, and which rows are grid duties).
    """

    unit_id: Any
    unit_grid: Any
    staff_person: Any
    staff_grid: Any
    staff_from: Any
    staff_to: Any
    staff_where: Any = field(default_factory=true)

    def grids_of(self, session: Session, person_id: uuid.UUID, day: date) -> frozenset[uuid.UUID]:
        query = select(self.staff_grid).where(
            self.staff_where,
            self.staff_person == person_id,
            self.staff_from <= day,
            or_(self.staff_to.is_(None), self.staff_to >= day),
        )
        return frozenset(session.scalars(query))


class Access(Principal):
    """The caller, and what they may do in this request: the rule that let them in and its scope.

    An `Access` is the caller's `Principal` too, so code that asks who acts (user_id, name,
    roles) takes it as one.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    rule: Rule = Field(exclude=True)
    scope: Scope = Field(exclude=True)
    session: Session | None = Field(None, exclude=True)
    tenancy: Tenancy | None = Field(None, exclude=True)

    def within(self, session: Session) -> "Access":
        """This access, its scope's lookups done in `session` (see `Gate.permit`)."""
        return self.model_copy(update={"session": session})

    @property
    def principal(self) -> Principal:
        return Principal.model_validate(self.model_dump(include=set(Principal.model_fields)))

    @cached_property
    def staffed_grids(self) -> frozenset[uuid.UUID]:
        """The grids the caller staffs today, from the ledger (read at most once per request).

        Not the token's `grid_ids`, which may be hours stale.
        """
        if self.person_id is None or self.session is None or self.tenancy is None:
            return frozenset()
        return self.tenancy.grids_of(self.session, self.person_id, local_today())

    @cached_property
    def unit_grids_seen(self) -> dict[uuid.UUID, uuid.UUID | None]:
        """Unit -> grid, as looked up in this request (shared by `sub`)."""
        return {}

    def grid_of(self, unit_id: uuid.UUID) -> uuid.UUID | None:
        """The grid of a unit in the service's copy of the units (looked up once per request)."""
        if unit_id not in self.unit_grids_seen:
            assert self.session is not None and self.tenancy is not None, (
                "grid scope needs the service's tenancy"
            )
            query = select(self.tenancy.unit_grid).where(self.tenancy.unit_id == unit_id)
            self.unit_grids_seen[unit_id] = self.session.scalar(query)
        return self.unit_grids_seen[unit_id]

    def _units_in_grids(self) -> Any:
        assert self.tenancy is not None
        return select(self.tenancy.unit_id).where(self.tenancy.unit_grid.in_(self.staffed_grids))

    def _grid_of_enterprise(self) -> Any:
        assert self.tenancy is not None
        return select(self.tenancy.unit_grid).where(self.tenancy.unit_id == self.enterprise_id)

    def visible(
        self, *, unit: Any = None, grid: Any = None, person: Any = None, also: Any = None
    ) -> ColumnElement[bool]:
        """The condition on rows with these columns (unit id, grid id, person id) the caller may see."""
        if self.scope == Scope.zone:
            return true()
        shown: list[Any] = []
        if self.scope == Scope.grid:
            if grid is not None:
                shown.append(grid.in_(self.staffed_grids))
            if unit is not None:
                shown.append(unit.in_(self._units_in_grids()))
        elif self.scope == Scope.enterprise and self.enterprise_id is not None:
            if unit is not None:
                shown.append(unit == self.enterprise_id)
            elif grid is not None:
                shown.append(grid.in_(self._grid_of_enterprise()))
        if person is not None and self.person_id is not None:
            shown.append(person == self.person_id)
        if also is not None:
            shown.append(also)
        return or_(*shown) if shown else false()

    def narrow(self, query: Select, **columns: Any) -> Select:
        """`query` limited to the rows the caller may see (see `visible`)."""
        return query.where(self.visible(**columns))

    def may_see_unit(self, unit_id: uuid.UUID | None, grid_id: uuid.UUID | None = None) -> bool:
        if self.scope == Scope.zone:
            return True
        if self.scope == Scope.enterprise:
            return unit_id is not None and unit_id == self.enterprise_id
        if self.scope == Scope.grid:
            if grid_id is None and unit_id is not None:
                grid_id = self.grid_of(unit_id)
            return grid_id is not None and grid_id in self.staffed_grids
        return False

    def ensure_unit(self, unit_id: uuid.UUID | None, grid_id: uuid.UUID | None = None) -> None:
        """403 unless the caller's scope covers this unit (or grid, for rows with no unit)."""
        if not self.may_see_unit(unit_id, grid_id):
            raise forbidden(self.rule, OUTSIDE[self.scope])

    def ensure_grid(self, grid_id: uuid.UUID) -> None:
        if self.scope == Scope.enterprise:
            assert self.session is not None
            if self.session.scalar(self._grid_of_enterprise()) == grid_id:
                return
        self.ensure_unit(None, grid_id)

    def may_see_person(self, person_id: uuid.UUID, enterprise_id: uuid.UUID | None) -> bool:
        return person_id == self.person_id or self.may_see_unit(enterprise_id)

    def ensure_person(self, person_id: uuid.UUID, enterprise_id: uuid.UUID | None) -> None:
        if not self.may_see_person(person_id, enterprise_id):
            raise forbidden(self.rule, OUTSIDE[self.scope])

    def may_reach_person(self, person_id: uuid.UUID | None, enterprise_id: uuid.UUID | None) -> bool:
        """Whether the caller may have this person's phone and e-mail (rule person.contact)."""
        reach = self.sub("person.contact")
        return reach is not None and person_id is not None and reach.may_see_person(person_id, enterprise_id)

    def may_reach_unit(self, unit_id: uuid.UUID, grid_id: uuid.UUID | None) -> bool:
        """Whether the caller may have the phone of this unit's responsible head (rule person.contact)."""
        reach = self.sub("person.contact")
        return reach is not None and reach.may_see_unit(unit_id, grid_id)

    def require(self, action: str) -> "Access":
        """The caller's access under another rule in the same request, or 403 naming that rule."""
        found = self.sub(action)
        if found is None:
            raise not_granted(POLICY[action])
        return found

    def sub(self, action: str) -> "Access | None":
        """The caller's access under another rule in the same request (None: not allowed)."""
        other = POLICY[action]
        scope = other.scope_of(self)
        if scope is None:
            return None
        return self.model_copy(update={"rule": other, "scope": scope})


def access_for(
    principal: Principal, action: str, session: Session | None = None, tenancy: Tenancy | None = None
) -> Access:
    """The caller's access under `action`, or 403 naming the rule (for code with no endpoint around it)."""
    chosen = POLICY[action]
    scope = chosen.scope_of(principal)
    if scope is None:
        raise not_granted(chosen)
    return Access(**principal.model_dump(), rule=chosen, scope=scope, session=session, tenancy=tenancy)


class _Permit(BearerPrincipal):
    """`Gate.permit`'s dependency when it needs no session: the caller and their access in one
    dependency (each level of dependencies costs FastAPI more per request than the check)."""

    def __init__(self, chosen: Rule, tenancy: Tenancy | None, *, zone_wide: bool) -> None:
        super().__init__()
        self.chosen = chosen
        self.tenancy = tenancy
        self.zone_wide = zone_wide  # a service with no session: its rules are zone-wide or own

    async def __call__(self, request: Request) -> Access:  # type: ignore[override]
        found = access_for(await super().__call__(request), self.chosen.action, None, self.tenancy)
        if self.zone_wide and found.scope != Scope.zone and found.scope != Scope.own:
            raise forbidden(self.chosen, "仅限全区范围 / zone-wide roles only")
        return found


# Each endpoint dependency `Gate.permit` made, and its action (how a route's rule is found).
ACTION_OF: dict[Callable[..., Any], str] = {}


@dataclass(frozen=True)
class Gate:
    """One service's way in: `Gate(DbSession, tenancy).permit("unit.read")` is an endpoint dependency."""

    session_parameter: Any = None  # the service's DbSession (Annotated[Session, Depends(...)])
    tenancy: Tenancy | None = None

    def permit(self, action: str, *, own_transaction: bool = False) -> Any:
        """`own_transaction`: the access comes without the request's session, for an endpoint that
        runs its own transaction and hands it over (`Access.within`): no session dependency to
        set up and tear down around it."""
        chosen = POLICY[action]  # a KeyError at import: an endpoint naming an action not in the table
        if self.session_parameter is None or own_transaction:
            zone_wide = self.session_parameter is None
            check: Callable[..., Any] = _Permit(
                chosen, None if zone_wide else self.tenancy, zone_wide=zone_wide
            )
        else:
            session_dependency = self.session_parameter.__metadata__[0]

            # no I/O: the session is only kept for the scope's lookups, which run in the endpoint
            async def check_scoped(
                user: CurrentUser, session: Annotated[Session, session_dependency]
            ) -> Access:
                return access_for(user, chosen.action, session, self.tenancy)

            check = check_scoped
            check.__name__ = f"permit_{action.replace('.', '_')}"
        ACTION_OF[check] = action
        return Depends(check)


def policy_markdown() -> str:
    """The policy table as Markdown (the README's role section is this text)."""
    roles = list(Role)
    lines = [
        "| 操作 / action | " + " | ".join(f"`{r.value}`" for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for chosen in POLICY.values():
        cells = [
            SCOPE_LABELS[chosen.grants[r]] + f" {chosen.grants[r].value}" if r in chosen.grants else "—"
            for r in roles
        ]
        lines.append(f"| `{chosen.action}` {chosen.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
