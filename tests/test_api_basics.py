"""What every API does the same way: authentication, roles, JSON errors, health, metrics."""

import uuid
from functools import partial

import pytest

from shared.auth import Role
from shared.health import redis_problem, wait_until_reachable
from tests.factories import credit_code, enterprise_payload
from tests.support.paging import walk

SERVICES = ("registry", "inspections", "notifications", "reporting")


@pytest.mark.parametrize("service", SERVICES)
def test_health_and_metrics(clients, service):
    client = clients[service]
    assert client.get("/healthz").json() == {"status": "ok", "service": service}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"postgres": "ok", "redis": "ok"}
    metrics = client.get("/metrics")
    assert 'gridsafe_http_requests_total{method="GET",route="/healthz"' in metrics.text
    assert client.get("/openapi.json").json()["info"]["title"].startswith("GridSafe")


@pytest.mark.parametrize("service", SERVICES)
def test_unknown_route_and_missing_token_answer_problem_4xx(clients, service):
    client = clients[service]
    missing = client.get("/no-such-route")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert missing.json() == {
        "type": "about:blank",
        "title": "不存在 / Not Found",
        "status": 404,
        "detail": "Not Found",
        "errors": [],
    }
    unauthenticated = client.get("/admin/dead-letters")
    assert unauthenticated.status_code == 401
    assert "missing bearer token" in unauthenticated.json()["detail"]


@pytest.mark.parametrize(
    "header, message",
    [
        ("Bearer not-a-jwt", "invalid token"),
        ("Basic dXNlcjpwYXNz", "missing bearer token"),
    ],
)
def test_bad_tokens_are_rejected(clients, header, message):
    response = clients["registry"].get("/enterprises", headers={"Authorization": header})
    assert response.status_code == 401 and message in response.json()["detail"]


def test_expired_and_foreign_tokens_are_rejected(clients, make_token):
    import jwt

    expired = make_token(Role.zone_admin, minutes=-1)
    response = clients["registry"].get("/enterprises", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    forged = jwt.encode(
        {"sub": str(uuid.uuid4()), "roles": ["zone_admin"], "iss": "gridsafe", "exp": 9e9}, "x" * 32
    )
    response = clients["registry"].get("/enterprises", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401 and "invalid token" in response.json()["detail"]


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.zone_admin])
def test_only_zone_admins_register_enterprises(clients, auth, grid, role):
    response = clients["registry"].post(
        "/enterprises", json=enterprise_payload(grid["id"]), headers=auth(role)
    )
    assert response.status_code == 403 and "zone_admin" in response.json()["detail"]


def test_enterprise_user_sees_only_its_own_enterprise(clients, auth, grid):
    registry = clients["registry"]
    own = registry.post("/enterprises", json=enterprise_payload(grid["id"]), headers=auth()).json()["id"]
    other = registry.post("/enterprises", json=enterprise_payload(grid["id"]), headers=auth()).json()["id"]
    user = auth(Role.enterprise_user, enterprise_id=uuid.UUID(own))
    assert registry.get(f"/enterprises/{own}", headers=user).status_code == 200
    forbidden = registry.get(f"/enterprises/{other}", headers=user)
    assert forbidden.status_code == 403 and "own enterprise" in forbidden.json()["detail"]
    assert [e["id"] for e in registry.get("/enterprises", headers=user).json()["items"]] == [own]
    assert len(registry.get("/enterprises", headers=auth(Role.auditor)).json()["items"]) == 2


def test_malformed_json_is_a_422_naming_the_problem(clients, auth):
    response = clients["registry"].post(
        "/enterprises", content=b'{"name": ', headers={**auth(), "Content-Type": "application/json"}
    )
    assert response.status_code == 422 and "JSON decode error" in response.json()["detail"]


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("credit_code", "91320500MA00000011", "wrong check character: expected 0, got 1"),
        ("credit_code", "9132050", "must be 18 characters"),
        ("credit_code", "91320500MA0000001I", "not allowed: I"),
        ("latitude", 95, "less than or equal to 90"),
        ("longitude", -181, "greater than or equal to -180"),
        ("kind", "factory", "'enterprise' or 'construction_site'"),
        ("name", "", "at least 1 character"),
        ("surprise", 1, "Extra inputs are not permitted"),
    ],
)
def test_bad_enterprise_input_names_the_field_and_writes_nothing(clients, auth, grid, field, value, expected):
    response = clients["registry"].post(
        "/enterprises", json=enterprise_payload(grid["id"], **{field: value}), headers=auth()
    )
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert errors[0]["loc"] == f"body.{field}" and expected in errors[0]["message"], errors
    assert clients["registry"].get("/enterprises", headers=auth()).json() == {"items": [], "next": None}


def test_duplicate_credit_code_is_a_409_and_publishes_nothing_more(clients, auth, grid):
    code = credit_code()
    first = clients["registry"].post(
        "/enterprises", json=enterprise_payload(grid["id"], credit_code=code), headers=auth()
    )
    assert first.status_code == 201
    again = clients["registry"].post(
        "/enterprises", json=enterprise_payload(grid["id"], credit_code=code.lower()), headers=auth()
    )
    assert again.status_code == 409
    assert again.json()["errors"] == [{"loc": "credit_code", "message": again.json()["detail"]}]
    assert len(clients["registry"].get("/enterprises", headers=auth()).json()["items"]) == 1


def test_unknown_enterprise_is_404(clients, auth):
    response = clients["registry"].get(f"/enterprises/{uuid.uuid4()}", headers=auth())
    assert response.status_code == 404 and "not found" in response.json()["detail"]


def test_pages_cover_every_enterprise_once(clients, auth, grid):
    ids = {
        clients["registry"]
        .post("/enterprises", json=enterprise_payload(grid["id"]), headers=auth())
        .json()["id"]
        for _ in range(5)
    }
    first = clients["registry"].get("/enterprises", params={"limit": 2}, headers=auth()).json()
    assert len(first["items"]) == 2 and first["next"]
    seen = [e["id"] for e in walk(partial(clients["registry"].get, "/enterprises", headers=auth()), limit=2)]
    assert sorted(seen) == sorted(ids)


def test_waiting_for_an_unreachable_dependency_names_it():
    assert "redis unreachable at redis://127.0.0.1:1/0" in redis_problem("redis://127.0.0.1:1/0")
    assert "s3cret" not in (redis_problem("redis://:s3cret@127.0.0.1:1/0") or "s3cret")  # for the log
    with pytest.raises(RuntimeError, match="redis unreachable"):
        wait_until_reachable({"redis": lambda: redis_problem("redis://127.0.0.1:1/0")}, timeout_s=1)


@pytest.mark.committed  # the check fails at the real COMMIT, which a rolled-back test never reaches
def test_a_commit_that_fails_never_answers_2xx(clients, auth, grid):
    """The transaction commits before the response is sent: a failure at commit is an error answer."""
    import os

    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ["DATABASE_URL"])
    fail_at_commit = """
        CREATE FUNCTION registry.fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'failing at commit'; END $$;
        CREATE CONSTRAINT TRIGGER fail_at_commit AFTER INSERT ON registry.enterprise
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.name = '提交时失败')
            EXECUTE FUNCTION registry.fail_at_commit();
    """
    with engine.begin() as conn:
        conn.execute(text(fail_at_commit))
    try:
        failed = clients["registry"].post(
            "/enterprises", json=enterprise_payload(grid["id"], name="提交时失败"), headers=auth()
        )
        assert failed.status_code == 500 and "correlation id" in failed.json()["detail"]
        assert clients["registry"].get("/enterprises", headers=auth()).json()["items"] == []
    finally:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "DROP TRIGGER fail_at_commit ON registry.enterprise; DROP FUNCTION registry.fail_at_commit()"
                )
            )
        engine.dispose()


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("cursor", ["not-a-cursor", "eyJvIjoi", "bnVsbA", "e30"])  # junk, cut, null, {}
def test_a_cursor_that_is_not_a_next_of_the_list_is_a_422_naming_cursor(clients, auth, service, cursor):
    answer = clients[service].get("/admin/dead-letters", params={"cursor": cursor}, headers=auth())
    assert answer.status_code == 422 and answer.json()["errors"][0]["loc"] == "cursor", answer.text


def test_a_cursor_of_another_list_is_a_422_naming_cursor(clients, auth, grid):
    registry = clients["registry"]
    for name in ("甲", "乙"):
        registry.post("/people", json={"name": name, "phone": "13812345678"}, headers=auth())
        registry.post("/enterprises", json=enterprise_payload(grid["id"], name=name), headers=auth())
    people = registry.get("/people", params={"limit": 1}, headers=auth()).json()
    assert people["next"]
    foreign = registry.get("/enterprises", params={"limit": 1, "cursor": people["next"]}, headers=auth())
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["loc"] == "cursor"
    # the same list's cursor is fine
    second = registry.get("/people", params={"limit": 1, "cursor": people["next"]}, headers=auth())
    assert second.status_code == 200 and second.json()["items"][0]["id"] != people["items"][0]["id"]


@pytest.mark.parametrize("limit", [0, 501])
def test_a_limit_outside_1_to_500_is_a_422_naming_limit(clients, auth, limit):
    answer = clients["registry"].get("/enterprises", params={"limit": limit}, headers=auth())
    assert answer.status_code == 422 and answer.json()["errors"][0]["loc"] == "query.limit"


@pytest.fixture
def app_with(monkeypatch):
    """A fresh registry app made with the given environment (the settings are read again)."""
    from fastapi.testclient import TestClient

    from shared.runtime import ServiceRuntime
    from shared.settings import get_settings
    from shared.web import create_app

    def make(**env: str) -> TestClient:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        app = create_app(ServiceRuntime("registry"), title="GridSafe test", description="", routers=[])
        return TestClient(app, raise_server_exceptions=False)

    yield make
    monkeypatch.undo()
    get_settings.cache_clear()


def test_readiness_names_the_failing_dependency_without_its_address_or_password(app_with):
    from shared.local_servers import free_port

    closed = free_port()
    ready = app_with(REDIS_URL=f"redis://:redis-s3cret@127.0.0.1:{closed}/0").get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "checks": {"postgres": "ok", "redis": "unreachable"}}
    database = f"postgresql+psycopg2://gridsafe:pg-s3cret@127.0.0.1:{closed}/gridsafe"
    ready = app_with(DATABASE_URL=database, REGISTRY_DATABASE_URL=database).get("/readyz")
    assert ready.json()["checks"]["postgres"] == "unreachable"
    assert "s3cret" not in ready.text and str(closed) not in ready.text


def test_docs_and_metrics_are_closed_in_production_unless_opened(app_with):
    development = app_with()
    assert development.get("/docs").status_code == 200 and development.get("/metrics").status_code == 200
    production = app_with(ENVIRONMENT="production")
    for path in ("/docs", "/redoc", "/openapi.json", "/metrics"):
        assert production.get(path).status_code == 404, path
    scraped = app_with(ENVIRONMENT="production", METRICS_TOKEN="scraper-token-0123456789")
    assert scraped.get("/metrics").status_code == 401
    assert (
        scraped.get("/metrics", headers={"Authorization": "Bearer wrong-token-0123456789"}).status_code == 401
    )
    metrics = scraped.get("/metrics", headers={"Authorization": "Bearer scraper-token-0123456789"})
    assert metrics.status_code == 200 and "gridsafe_http_requests_total" in metrics.text
    opened = app_with(ENVIRONMENT="production", API_DOCS_OPEN="true", METRICS_OPEN="true")
    assert opened.get("/openapi.json").status_code == 200 and opened.get("/metrics").status_code == 200
