"""The event catalogue (EVENTS.md) says what the code does."""

from shared.events.catalogue import CATALOGUE, published_contracts, publisher, render
from shared.settings import SERVICE_NAMES


def test_the_committed_catalogue_is_what_the_code_generates():
    assert CATALOGUE.read_text() == render(), "EVENTS.md is stale: run python -m shared.events.catalogue"


def test_each_contract_is_in_the_module_of_the_service_that_publishes_it():
    assert {publisher(contract) for contract in published_contracts()} == set(SERVICE_NAMES)


def test_the_catalogue_lists_every_type_with_its_publisher_and_consumers():
    text = CATALOGUE.read_text()
    assert (
        "| [`hazard.reported`](#hazardreported-v1) | 1 | inspections | notifications, reporting | `HazardReportedV1` |"
        in text
    )
    assert (
        "| [`risk.assessed`](#riskassessed-v1) | 1 | inspections | registry, notifications, reporting |"
        in text
    )
    assert "| `colour` | [RiskColour](#riskcolour) | yes |" in text
