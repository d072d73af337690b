"""The label catalogue: every code of every enum has a Chinese and an English label, and the
registry serves the catalogue to the web application."""

import ast
import re
from pathlib import Path
from typing import get_args

import pytest

from services.inspections.hazard.models import EvidenceTag
from services.inspections.hazard.state_machine import HazardActionName
from services.inspections.inspection.models import InspectionFileTag, ItemResult
from services.inspections.training.models import EvidenceKind
from services.inspections.zone_calendar.models import CalendarDayKind
from services.notifications.delivery.models import DeliveryStatus
from services.notifications.inbox import routing
from services.registry.checklist.models import RuleStatus
from services.registry.hazard_source.models import HazardSourceKind
from services.registry.organisation.models import OrgLevel
from services.registry.responsibility.duties import DUTIES
from services.reporting.campaign.schemas import PhaseOut
from services.reporting.filings.schemas import FilingState
from services.reporting.statistics.service import GROUP_LABELS
from shared.audit import AuditAction
from shared.auth import Role
from shared.events.contracts.inspections import (
    DutyHolder,
    HazardGrade,
    HazardSource,
    HazardState,
    InspectionKind,
    TrainingKind,
)
from shared.events.contracts.notifications import Channel
from shared.events.contracts.registry import CertificateKind, ProductionStatus, RiskColour, UnitKind
from shared.events.contracts.reporting import ReportKind
from shared.jobs import JobStatus
from shared.labels import LABELS, both, zh
from shared.periods import PeriodKind

CHINESE = re.compile(r"[\u4e00-\u9fff]")

# kind in the catalogue -> the codes the system uses: every enum value, and the few codes that
# are not enum members (units not yet assessed; the monthly exam as a training duty)
CODE_SETS: dict[str, set[str]] = {
    "hazard_grade": set(HazardGrade),
    "hazard_source": set(HazardSource),
    "hazard_state": set(HazardState),
    "hazard_evidence": set(EvidenceTag),
    "hazard_action": set(HazardActionName),
    # the history's steps the system takes (services/inspections/hazard/service.py)
    "hazard_system_step": {
        "report",
        "escalate",
        "due_soon",
        "overdue",
        "review_late",
        "unacted_reminded",
        "unacted_escalated",
    },
    "unit_kind": set(UnitKind),
    "production_status": set(ProductionStatus),
    "risk_colour": {*RiskColour, "unassessed"},
    "report_kind": set(ReportKind),
    "filing_state": set(get_args(FilingState)),
    "campaign_phase_status": set(get_args(PhaseOut.model_fields["status"].annotation)),
    "inspection_kind": set(InspectionKind),
    "inspection_item_result": set(ItemResult),
    "inspection_file": set(InspectionFileTag),
    "duty_holder": set(DutyHolder),
    "calendar_day_kind": set(CalendarDayKind),
    "training_activity": {*TrainingKind, "exam"},
    "training_evidence": set(EvidenceKind),
    "certificate_kind": set(CertificateKind),
    "period_kind": set(PeriodKind),
    "role": set(Role),
    "audit_action": set(AuditAction),
    "job_status": set(JobStatus),
    "duty": set(DUTIES),
    "org_level": set(OrgLevel),
    "hazard_source_kind": set(HazardSourceKind),
    "safety_rule_status": set(RuleStatus),
    "delivery_channel": set(Channel),
    "delivery_status": set(DeliveryStatus),
}


def _audiences() -> set[str]:
    """Every routing audience a notice can name as its reason, and the two named outside routing."""
    routes = [
        *routing.HAZARD_ROUTES.values(),
        routing.MAJOR_EXTRA,
        *routing.MAJOR_ROUTES.values(),
        *(step[1] for step in routing.LADDER_STEPS),
    ]
    routes += [getattr(routing, name) for name in dir(routing) if name.endswith("_ROUTE")]
    return {audience for route in routes for audience in route} | {
        "webhook_owner",
        "certificate_holder",
        "account_holder",
    }


@pytest.mark.parametrize("kind", sorted(CODE_SETS))
def test_every_code_of_every_enum_has_both_labels(kind):
    assert set(LABELS[kind]) == {str(code) for code in CODE_SETS[kind]}  # none missing, none stale
    for code, label in LABELS[kind].items():
        assert CHINESE.search(label.zh), f"{kind}.{code} needs a Chinese label"
        assert label.en.strip() and not CHINESE.search(label.en), f"{kind}.{code} needs an English label"


def test_every_routing_audience_has_a_reason():
    assert _audiences() <= set(LABELS["notice_reason"])


def test_every_kind_the_code_asks_for_is_in_the_catalogue():
    """zh(kind, ...), both(kind, ...) and LABELS[kind] name kinds that exist (a typo fails here)."""
    asked = set(GROUP_LABELS.values())  # the one place a kind is chosen at run time
    for path in (Path(__file__).parents[1] / "services").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"zh", "both"}:
                argument = node.args[0]
            elif isinstance(node, ast.Subscript) and getattr(node.value, "id", None) == "LABELS":
                argument = node.slice
            else:
                continue
            if isinstance(argument, ast.Constant):
                asked.add(argument.value)
    assert len(asked) > 10 and asked <= LABELS.keys()


def test_helpers_name_codes_and_leave_free_text_as_written():
    assert LABELS["hazard_grade"]["major"].zh == "重大隐患" and zh("hazard_grade", "major") == "重大隐患"
    assert both("duty", "grid_member") == "网格员 / grid member"
    assert zh("hazard_state", "消防通道堵塞") == "消防通道堵塞"


def test_registry_serves_the_catalogue_without_a_token(clients):
    answer = clients["registry"].get("/labels")
    assert answer.status_code == 200
    served = answer.json()
    assert served["hazard_grade"]["major"] == {"zh": "重大隐患", "en": "major hazard"}
    assert served.keys() == LABELS.keys()
    assert {kind: set(codes) for kind, codes in served.items()} == {k: set(c) for k, c in LABELS.items()}
