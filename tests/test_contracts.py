"""Event contracts stay compatible, and every subscription has a handler."""

import importlib
import json
import os
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.registry.enterprise.credit_code import ALPHABET, check_character, credit_code_problem
from shared.events.contracts import CONTRACTS
from shared.events.contracts.inspections import HazardEventV1, HazardReportedV1, InspectionMissedV1
from shared.events.handlers import collect, handles
from shared.events.subscriptions import SUBSCRIPTIONS, subscribers

SNAPSHOTS = Path(__file__).parent / "contract_snapshots"
PUBLISHED = {key: c for key, c in CONTRACTS.items() if c.__module__.startswith("shared.")}


@pytest.mark.parametrize("key", sorted(PUBLISHED), ids=lambda k: f"{k[0]}.v{k[1]}")
def test_contract_schema_matches_its_snapshot(key):
    """Within a version only additions are allowed: no field removed, renamed, retyped or newly required.

    Set UPDATE_CONTRACT_SNAPSHOTS=1 to record a new contract (or an additive change).
    """
    event_type, version = key
    schema = PUBLISHED[key].model_json_schema()
    path = SNAPSHOTS / f"{event_type}.v{version}.json"
    if os.environ.get("UPDATE_CONTRACT_SNAPSHOTS") == "1":
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    assert path.exists(), f"no snapshot for {event_type} v{version}: run with UPDATE_CONTRACT_SNAPSHOTS=1"
    recorded = json.loads(path.read_text())
    for name, spec in recorded["properties"].items():
        assert name in schema["properties"], f"{event_type} v{version}: field {name} was removed"
        assert schema["properties"][name] == spec, f"{event_type} v{version}: field {name} changed"
    assert set(schema.get("required", [])) <= set(recorded.get("required", [])), "a new required field"


@pytest.mark.parametrize("service", sorted(SUBSCRIPTIONS))
def test_each_subscriber_handles_exactly_what_it_subscribes_to(service):
    consumer = importlib.import_module(f"services.{service}.worker").consumer
    subscribed = {t for (t, _) in PUBLISHED if service in subscribers(t)}
    assert consumer.handled_types <= subscribed, "a handler for events nobody sends this service"
    if not consumer.observers:  # an observer of every event takes whatever has no handler of its own
        assert consumer.handled_types == subscribed


def handlers_module(*functions) -> ModuleType:
    """A module defining these functions, as a service's handlers.py would."""
    module = ModuleType("handlers_under_test")
    for function in functions:
        function.__module__ = module.__name__
        setattr(module, function.__name__, function)
    return module


def test_a_family_handler_handles_every_contract_of_the_family_and_nothing_else():
    @handles(HazardEventV1)
    def on_hazard(session, data, event): ...

    @handles(InspectionMissedV1)
    def on_missed(session, data, event): ...

    found = collect([handlers_module(on_hazard, on_missed)]).by_contract
    hazard_contracts = {key for key, c in CONTRACTS.items() if issubclass(c, HazardEventV1)}
    assert len(hazard_contracts) > 10 and ("hazard.reported", 1) in hazard_contracts
    assert {key for key, (_, handler) in found.items() if handler is on_hazard} == hazard_contracts
    # a contract that another derives from (inspection.due) is one contract, not a family
    assert {key for key, (_, handler) in found.items() if handler is on_missed} == {("inspection.missed", 1)}


def test_two_handlers_for_one_contract_are_refused():
    @handles(HazardEventV1)
    def on_hazard(session, data, event): ...

    @handles(HazardReportedV1)
    def on_reported(session, data, event): ...

    with pytest.raises(TypeError, match=r"two handlers for \('hazard.reported', 1\)"):
        collect([handlers_module(on_hazard, on_reported)])


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17).filter(lambda s: s[2:8].isdigit()))
def test_credit_code_with_its_check_character_is_valid(first17):
    assert credit_code_problem(first17 + check_character(first17)) is None


@given(
    st.text(alphabet=ALPHABET, min_size=17, max_size=17).filter(lambda s: s[2:8].isdigit()),
    st.sampled_from(ALPHABET),
)
def test_credit_code_with_any_other_last_character_is_invalid(first17, last):
    code = first17 + last
    assert (credit_code_problem(code) is None) == (last == check_character(first17))


def test_known_real_world_credit_code():
    assert credit_code_problem("91350100M000100Y43") is None
