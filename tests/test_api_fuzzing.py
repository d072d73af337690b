"""schemathesis against the four services' own OpenAPI, in process (ASGI), with a token per role:
every phase (examples, coverage and fuzzing per operation; stateful sequences along the links it
infers) and every check. No answer may be a server error or stray from the published operation
(status, content type, headers, body).

Time-bounded: a few generated examples per operation (the coverage phase adds its fixed set of
boundary cases), short stateful runs, all derandomized so a failure replays; about four minutes
on two busy cores."""

import uuid

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from services.inspections.app import app as inspections_app
from services.notifications.app import app as notifications_app
from services.registry.app import app as registry_app
from services.reporting.app import app as reporting_app
from shared.auth import Principal, Role, issue_token

APPS = {
    "registry": registry_app,
    "inspections": inspections_app,
    "notifications": notifications_app,
    "reporting": reporting_app,
}
# A token per role: the zone-wide roles, grid staff (no person, so no grids in the ledger copies)
# and an enterprise user whose scope is one enterprise (unknown here).
PRINCIPALS = {
    role: Principal(
        user_id=uuid.uuid4(),
        name=f"fuzz-{role}",
        roles=frozenset({role}),
        enterprise_id=uuid.uuid4() if role == Role.enterprise_user else None,
    )
    for role in Role
}
MAX_EXAMPLES = 6


def _config(principal: Principal) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "auth": {"openapi": {"HTTPBearer": {"bearer": issue_token(principal, minutes=120)}}},
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
            "checks": {
                # A schema cannot say every rule (a credit code's check digit, a deadline within 90
                # days, a cursor that is a `next` of this list): schema-valid input that breaks one
                # is answered with the documented 422 naming the field.
                "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]},
            },
        }
    )


SCHEMAS = {
    f"{service}-{role}": schemathesis.openapi.from_asgi("/openapi.json", app, config=_config(principal))
    for service, app in APPS.items()
    for role, principal in PRINCIPALS.items()
}


@schemathesis.pytest.parametrize(**SCHEMAS)
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_breaks_the_published_contract(case):
    case.call_and_validate()


def _workflows(service: str) -> type:
    """The stateful phase: sequences of calls along the links schemathesis infers between
    operations (what one creates, the next reads or changes), as the zone's administrator."""
    workflow = SCHEMAS[f"{service}-{Role.zone_admin}"].as_state_machine()
    workflow.TestCase.settings = settings(
        max_examples=STATEFUL_EXAMPLES,
        stateful_step_count=STATEFUL_STEPS,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    return workflow.TestCase


STATEFUL_EXAMPLES, STATEFUL_STEPS = 25, 5
TestRegistryWorkflows = _workflows("registry")
TestInspectionsWorkflows = _workflows("inspections")
TestNotificationsWorkflows = _workflows("notifications")
TestReportingWorkflows = _workflows("reporting")
