"""Webhook secrets are shown once and can be rotated; a delivery goes to the address that was checked
(one resolution, no DNS rebinding) and never follows a redirect."""

import ipaddress
import uuid
from datetime import timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from services.notifications.delivery.channels import send_webhook
from services.notifications.runtime import runtime
from services.notifications.settings import NotificationsSettings, get_notifications_settings
from services.notifications.webhooks import urls
from services.notifications.webhooks.models import WebhookSubscription
from shared.auth import Role
from shared.clock import utc_now

PAYLOAD = '{"type": "hazard.reported", "timestamp": "2026-11-30T01:00:00+00:00", "data": {}}'


def _settings(*allowed: str) -> NotificationsSettings:
    return get_notifications_settings().model_copy(update={"webhook_allowed_networks": list(allowed)})


def _subscribe(clients, auth, url: str) -> dict:
    created = clients["notifications"].post(
        "/webhooks",
        json={"name": "区应急局平台", "url": url, "event_types": ["hazard.reported"]},
        headers=auth(Role.zone_admin),
    )
    assert created.status_code == 201, created.text
    return created.json()


def test_the_secret_is_shown_at_creation_only(clients, auth, http_sink):
    created = _subscribe(clients, auth, http_sink.url("/hooks/once"))
    assert created["secret"].startswith("whsec_")
    one = clients["notifications"].get(f"/webhooks/{created['id']}", headers=auth(Role.zone_admin))
    listed = clients["notifications"].get("/webhooks", headers=auth(Role.zone_admin))
    assert one.status_code == 200 and "secret" not in one.json()
    assert [item["id"] for item in listed.json()["items"]] == [created["id"]]
    assert all("secret" not in item for item in listed.json()["items"])
    assert created["secret"] not in one.text + listed.text


def test_a_rotated_secret_is_shown_once_and_both_sign_during_the_grace_period(clients, auth, http_sink):
    created = _subscribe(clients, auth, http_sink.url("/hooks/rotated"))
    rotated = clients["notifications"].post(
        f"/webhooks/{created['id']}/rotate-secret", headers=auth(Role.zone_admin)
    )
    assert rotated.status_code == 200, rotated.text
    old, new = created["secret"], rotated.json()["secret"]
    assert new.startswith("whsec_") and new != old and rotated.json()["previous_secret_until"]
    shown = clients["notifications"].get(f"/webhooks/{created['id']}", headers=auth(Role.zone_admin))
    assert "secret" not in shown.json() and new not in shown.text

    with runtime.transaction() as session:
        subscription = session.get_one(WebhookSubscription, uuid.UUID(created["id"]))
        now = utc_now()
        assert subscription.signing_secrets(now) == [new, old]
        grace = timedelta(hours=get_notifications_settings().webhook_secret_grace_hours)
        assert subscription.signing_secrets(now + grace + timedelta(seconds=1)) == [new]
        signing = subscription.signing_secrets(now)
    result = send_webhook(
        _settings("127.0.0.0/8"), http_sink.url("/hooks/rotated"), signing, "msg_1", PAYLOAD
    )
    assert result.ok, result.error
    (call,) = http_sink.received("/hooks/rotated")
    signatures = call.headers["webhook-signature"].split(" ")
    assert len(signatures) == 2 and all(s.startswith("v1,") for s in signatures)  # the spec's form
    for secret in (new, old):  # a receiver with either secret accepts it (the reference library)
        assert Webhook(secret).verify(call.body, call.headers)["type"] == "hazard.reported"

    missing = clients["notifications"].post(f"/webhooks/{uuid.uuid4()}/rotate-secret", headers=auth())
    assert missing.status_code == 404
    assert (
        clients["notifications"]
        .post(f"/webhooks/{created['id']}/rotate-secret", headers=auth(Role.auditor))
        .status_code
        == 403
    )


def test_a_name_resolving_to_loopback_is_refused_unless_its_network_is_allowed(http_sink):
    url = f"http://localhost:{http_sink.port}/hooks/local"
    with pytest.raises(urls.ForbiddenTarget, match="forbidden address"):
        urls.checked_target(url, _settings())
    refused = send_webhook(_settings(), url, ["whsec_" + "A" * 43], "msg_2", PAYLOAD)
    assert not refused.ok and "forbidden address" in (refused.error or "")
    assert http_sink.received("/hooks/local") == []

    allowed = send_webhook(_settings("127.0.0.0/8", "::1/128"), url, ["whsec_" + "A" * 43], "msg_3", PAYLOAD)
    assert allowed.ok, allowed.error
    (call,) = http_sink.received("/hooks/local")
    assert call.headers["Host"] == f"localhost:{http_sink.port}"


def test_the_request_goes_to_the_address_checked_not_to_a_second_resolution(monkeypatch, http_sink):
    """A rebinding name answers a harmless address first and a forbidden one afterwards: the
    delivery resolves once, and connects to what it checked (the name is not in any real DNS,
    so a second resolution by the HTTP client would fail outright)."""
    answers = []

    def rebinding(host: str, port: int) -> list[urls.IPAddress]:
        answers.append(host)
        return [ipaddress.ip_address("127.0.0.1" if len(answers) == 1 else "169.254.169.254")]

    monkeypatch.setattr(urls, "resolve_addresses", rebinding)
    url = f"http://rebinding.gridsafe.invalid:{http_sink.port}/hooks/pinned"
    result = send_webhook(_settings("127.0.0.0/8"), url, ["whsec_" + "A" * 43], "msg_4", PAYLOAD)
    assert result.ok, result.error
    assert answers == ["rebinding.gridsafe.invalid"]  # resolved once
    (call,) = http_sink.received("/hooks/pinned")
    assert call.headers["Host"] == f"rebinding.gridsafe.invalid:{http_sink.port}"


@pytest.mark.parametrize(
    "location",
    ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:{port}/hooks/after-redirect"],
)
def test_a_redirect_is_not_followed(http_sink, location):
    location = location.format(port=http_sink.port)
    http_sink.redirect("/hooks/moved", location)
    result = send_webhook(
        _settings("127.0.0.0/8"), http_sink.url("/hooks/moved"), ["whsec_" + "A" * 43], "msg_5", PAYLOAD
    )
    assert not result.ok and result.status_code == 307
    assert "not followed" in (result.error or "") and location in (result.error or "")
    assert http_sink.received("/hooks/after-redirect") == []
