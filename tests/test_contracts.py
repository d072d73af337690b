"""Event contracts stay compatible, and every subscription has a handler."""

import importlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.registry.enterprise.credit_code import ALPHABET, check_character, credit_code_problem
from shared.events.contracts import CONTRACTS
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
