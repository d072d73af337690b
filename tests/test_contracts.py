"""Event contracts stay compatible, and every subscription has a handler."""

import copy
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


# Documentation may change freely; everything else is compared.
DOCUMENTATION = {"title", "description", "$defs"}


def _resolve(schema: dict, root: dict) -> dict:
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].removeprefix("#/$defs/")]
    return schema


def incompatibilities(old: dict, new: dict, where: str, old_root=None, new_root=None) -> list[str]:
    """What in `new` would reject or misread an event valid under `old`, comparing whole schemas
    ($defs followed, enum values included). Compatible: a new optional field, a new enum value."""
    old_root, new_root = old_root or old, new_root or new
    old, new = _resolve(old, old_root), _resolve(new, new_root)
    found = []
    for key in sorted((old.keys() | new.keys()) - DOCUMENTATION):
        was, now = old.get(key), new.get(key)
        if key == "properties":
            for name, spec in (was or {}).items():
                if name not in (now or {}):
                    found.append(f"{where}.{name} was removed")
                else:
                    found += incompatibilities(spec, now[name], f"{where}.{name}", old_root, new_root)
        elif key == "required":
            if added := sorted(set(now or []) - set(was or [])):
                found.append(f"{where}: newly required {added}")
        elif key == "enum" and was is not None and now is not None:
            if removed := [value for value in was if value not in now]:
                found.append(f"{where}: enum values removed {removed}")
        elif (
            isinstance(was, list)
            and isinstance(now, list)
            and key in ("anyOf", "oneOf", "allOf", "prefixItems")
        ):
            if len(was) != len(now):
                found.append(f"{where}: {key} changed from {was} to {now}")
            for index, (a, b) in enumerate(zip(was, now, strict=False)):
                found += incompatibilities(a, b, f"{where}[{index}]", old_root, new_root)
        elif isinstance(was, dict) and isinstance(now, dict):
            found += incompatibilities(was, now, f"{where}.{key}", old_root, new_root)
        elif was != now:
            found.append(f"{where}: {key} changed from {was!r} to {now!r}")
    return found


@pytest.mark.parametrize("key", sorted(PUBLISHED), ids=lambda k: f"{k[0]}.v{k[1]}")
def test_contract_schema_is_compatible_with_its_snapshot(key):
    """Within a version only additions are allowed: no field removed, renamed, retyped or newly
    required, no enum value removed. Set UPDATE_CONTRACT_SNAPSHOTS=1 to record a new contract (or an
    additive change)."""
    event_type, version = key
    schema = PUBLISHED[key].model_json_schema()
    path = SNAPSHOTS / f"{event_type}.v{version}.json"
    if os.environ.get("UPDATE_CONTRACT_SNAPSHOTS") == "1":
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    assert path.exists(), f"no snapshot for {event_type} v{version}: run with UPDATE_CONTRACT_SNAPSHOTS=1"
    assert incompatibilities(json.loads(path.read_text()), schema, f"{event_type} v{version}") == []


def test_every_snapshot_is_of_a_published_contract():
    recorded = {path.name for path in SNAPSHOTS.glob("*.json")}
    assert recorded == {f"{t}.v{v}.json" for t, v in PUBLISHED}


def hazard_reported_schema() -> dict:
    return copy.deepcopy(HazardReportedV1.model_json_schema())


def test_a_removed_enum_value_is_incompatible():
    recorded, now = hazard_reported_schema(), hazard_reported_schema()
    now["$defs"]["HazardState"]["enum"].remove("suspended")
    assert sorted(incompatibilities(recorded, now, "hazard.reported v1")) == [
        "hazard.reported v1.previous_state[0]: enum values removed ['suspended']",
        "hazard.reported v1.state: enum values removed ['suspended']",
    ]


def test_new_enum_values_and_new_optional_fields_are_compatible():
    recorded, now = hazard_reported_schema(), hazard_reported_schema()
    now["$defs"]["HazardGrade"]["enum"].append("catastrophic")
    now["properties"]["photo_count"] = {"type": "integer", "default": 0}
    now["properties"]["category"]["description"] = "隐患类别"
    assert incompatibilities(recorded, now, "hazard.reported v1") == []


def test_removed_retyped_and_newly_required_fields_are_incompatible():
    recorded, now = hazard_reported_schema(), hazard_reported_schema()
    del now["properties"]["reason"]
    now["properties"]["overdue"] = {"type": "string"}
    now["properties"]["photo_count"] = {"type": "integer"}
    now["required"].append("photo_count")
    now["$defs"]["HazardGrade"] = {"type": "string"}  # the grade is no longer limited to its values
    assert sorted(incompatibilities(recorded, now, "v1")) == [
        "v1.grade: enum changed from ['general', 'major'] to None",
        "v1.overdue: type changed from 'boolean' to 'string'",
        "v1.reason was removed",
        "v1: newly required ['photo_count']",
    ]


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
