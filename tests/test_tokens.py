"""Tokens: only the registry's key signs them, every service refuses any other; keys rotate by key
id; refresh tokens rotate, and reuse, logout, a password or a role change end the session."""

import asyncio
import functools
import json
import os
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.auth import Principal, Role, issue_token
from shared.launcher import Launcher, argument_parser
from shared.settings import Settings, get_settings
from shared.tokens import (
    JWKS_PATH,
    KeysUnavailable,
    SigningKeys,
    TokenError,
    TokenVerifier,
    local_key_file,
    main,
    read_jwks,
)

ROOT = Path(__file__).resolve().parent.parent

# A protected read of each service: the same request with a good token answers 200.
PROTECTED = {
    "registry": "/auth/me",
    "inspections": "/hazards",
    "notifications": "/inbox",
    "reporting": "/dashboard",
}
OLD_DEFAULT_SECRET = "change-me-in-production-please-32b"  # the HS256 secret every service once shared


def _claims(**extra: object) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "sub": str(uuid.uuid4()),
        "roles": ["zone_admin"],
        "iss": get_settings().jwt_issuer,
        "iat": now,
        "exp": now + timedelta(minutes=5),
        **extra,
    }


def _registry_kid() -> str:
    return SigningKeys.load(get_settings()).newest["kid"]


def _forged(kind: str) -> str:
    """A zone-admin token made by someone without the registry's private key."""
    kid = _registry_kid()
    match kind:
        case "another_ed25519_key_same_kid":
            return jwt.encode(
                _claims(), Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid}
            )
        case "another_ed25519_key_own_kid":
            return jwt.encode(
                _claims(), Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": "mine"}
            )
        case "es256_key":
            key = ec.generate_private_key(ec.SECP256R1())
            return jwt.encode(_claims(), key, algorithm="ES256", headers={"kid": kid})
        case "hs256_old_secret":
            return jwt.encode(_claims(), OLD_DEFAULT_SECRET, algorithm="HS256", headers={"kid": kid})
        case "hs256_public_key_as_secret":
            public = SigningKeys.load(get_settings()).published()["keys"][-1]["x"]
            return jwt.encode(_claims(), public, algorithm="HS256", headers={"kid": kid})
        case "alg_none":
            return jwt.encode(_claims(), None, algorithm="none", headers={"kid": kid})
        case "expired":
            past = datetime.now(UTC) - timedelta(hours=1)
            return SigningKeys.load(get_settings()).sign(_claims(iat=past, exp=past + timedelta(minutes=15)))
        case "no_kid":
            key = jwt.algorithms.OKPAlgorithm.from_jwk(SigningKeys.load(get_settings()).newest)
            return jwt.encode(_claims(), key, algorithm="EdDSA")  # type: ignore[arg-type]
        case "wrong_issuer":
            return SigningKeys.load(get_settings()).sign(_claims(iss="someone-else"))
        case "garbage":
            return "not.a.token"
    raise AssertionError(kind)


FORGERIES = [
    "another_ed25519_key_same_kid",
    "another_ed25519_key_own_kid",
    "es256_key",
    "hs256_old_secret",
    "hs256_public_key_as_secret",
    "alg_none",
    "expired",
    "no_kid",
    "wrong_issuer",
    "garbage",
]


@pytest.mark.parametrize("service", sorted(PROTECTED))
def test_a_token_not_signed_by_the_registry_is_refused_by_every_service(clients, auth, service):
    client, path = clients[service], PROTECTED[service]
    assert client.get(path, headers=auth(Role.zone_admin)).status_code == 200
    for kind in FORGERIES:
        response = client.get(path, headers={"Authorization": f"Bearer {_forged(kind)}"})
        assert response.status_code == 401, (kind, response.text)
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_the_registry_publishes_its_public_keys_only(clients):
    published = clients["registry"].get(JWKS_PATH)
    assert published.status_code == 200
    keys = published.json()["keys"]
    assert [key["kid"] for key in keys] == [_registry_kid()]
    assert all(key["kty"] == "OKP" and key["crv"] == "Ed25519" and "d" not in key for key in keys)


def _verify(verifier: TokenVerifier, token: str) -> dict[str, object]:
    return asyncio.run(verifier.claims(token))


@pytest.fixture
def served(tmp_path):
    """An HTTP server of tmp_path's files (here: the JWK Set as the registry's endpoint serves it)."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_rotation_the_previous_key_verifies_until_it_is_retired(tmp_path, served):
    key_file, public_file = tmp_path / "signing.json", tmp_path / "jwks.json"

    def publish() -> None:  # what the registry serves at /.well-known/jwks.json
        public_file.write_text(json.dumps(SigningKeys(read_jwks(key_file.read_text())).published()))

    def settings(**extra: object) -> Settings:
        return get_settings().model_copy(
            update={"jwt_private_keys_file": key_file, "jwt_jwks_url": public_file.as_uri(), **extra}
        )

    main(["new-key", str(key_file)])
    publish()
    old_kid = read_jwks(key_file.read_text())[0]["kid"]
    signed_by_old = issue_token(Principal(user_id=uuid.uuid4(), roles={Role.auditor}), settings())
    registry = TokenVerifier.for_service("registry", settings())
    inspections = TokenVerifier.for_service("inspections", settings())
    # reporting fetches the keys over HTTP, with the default limit on reloads (30 s)
    reporting = TokenVerifier.for_service("reporting", settings(jwt_jwks_url=f"{served}/jwks.json"))
    for verifier in (registry, inspections, reporting):
        assert _verify(verifier, signed_by_old)["roles"] == ["auditor"]

    main(["new-key", str(key_file)])  # rotate: the new key signs, the old one is still published
    publish()
    signed_by_new = issue_token(Principal(user_id=uuid.uuid4(), roles={Role.auditor}), settings())
    assert jwt.get_unverified_header(signed_by_new)["kid"] != old_kid
    for verifier in (registry, inspections):  # the unknown key id loads the keys again
        assert _verify(verifier, signed_by_new)["sub"] and _verify(verifier, signed_by_old)["sub"]
    # From the registry's endpoint at most once every JWKS_MIN_REFRESH_SECONDS: reporting has just
    # fetched them.
    with pytest.raises(TokenError, match="unknown key"):
        _verify(reporting, signed_by_new)

    main(["retire", str(key_file), old_kid])
    publish()
    # Keys loaded before the retirement are kept until JWKS_CACHE_SECONDS pass; once loaded again
    # (here: services whose cache has expired), the retired key verifies nothing.
    assert _verify(inspections, signed_by_old)["sub"]
    for service in ("registry", "inspections"):
        reloaded = TokenVerifier.for_service(service, settings())
        with pytest.raises(TokenError, match="unknown key"):
            _verify(reloaded, signed_by_old)
        assert _verify(reloaded, signed_by_new)["roles"] == ["auditor"]


def test_a_production_start_without_keys_stops_and_says_what_to_set():
    production = get_settings().model_copy(
        update={"environment": "production", "jwt_private_keys_file": None, "jwt_jwks_url": None}
    )
    with pytest.raises(KeysUnavailable, match="JWT_PRIVATE_KEYS_FILE"):
        TokenVerifier.for_service("registry", production)
    with pytest.raises(KeysUnavailable, match="JWT_JWKS_URL"):
        TokenVerifier.for_service("notifications", production)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JWT_")} | {"ENVIRONMENT": "production"}
    started = subprocess.run(
        [sys.executable, "-c", "import services.reporting.app"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert started.returncode != 0 and "set JWT_JWKS_URL" in started.stderr
    # In development a service without keys starts, and refuses every token, saying what to set.
    development = TokenVerifier.for_service(
        "inspections", production.model_copy(update={"environment": "development"})
    )
    with pytest.raises(KeysUnavailable, match="JWT_JWKS_URL"):
        _verify(development, issue_token(Principal(user_id=uuid.uuid4(), roles={Role.auditor})))


def test_the_bootstrap_token_is_signed_with_the_key_of_the_setting_or_of_the_data_folder(clients, tmp_path):
    def bootstrap(env: dict[str, str], *args: str) -> str:
        printed = subprocess.run(
            [sys.executable, "-m", "shared.auth", "--role", "zone_admin", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return printed.stdout.strip()

    token = bootstrap(dict(os.environ))
    for service, path in PROTECTED.items():
        response = clients[service].get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, service
    main(["new-key", str(local_key_file(tmp_path))])  # as the run command does at first start
    env = {k: v for k, v in os.environ.items() if k != "JWT_PRIVATE_KEYS_FILE"}
    from_folder = bootstrap(env, "--data-dir", str(tmp_path))
    folder_settings = get_settings().model_copy(update={"jwt_private_keys_file": local_key_file(tmp_path)})
    assert _verify(TokenVerifier.for_service("registry", folder_settings), from_folder)["roles"] == [
        "zone_admin"
    ]
    assert (
        clients["registry"].get("/auth/me", headers={"Authorization": f"Bearer {from_folder}"}).status_code
        == 401
    )


# --- refresh tokens and sessions -----------------------------------------------------------------


@pytest.fixture
def account(clients, auth) -> dict[str, str]:
    registry = clients["registry"]
    person = registry.post("/people", json={"name": "钱七"}, headers=auth()).json()
    created = registry.post(
        "/accounts",
        json={
            "person_id": person["id"],
            "username": "qian.qi",
            "password": "first-pass-1",
            "roles": ["auditor"],
        },
        headers=auth(),
    )
    assert created.status_code == 201, created.text
    return {"id": created.json()["id"], "username": "qian.qi", "password": "first-pass-1"}


def _login(registry, username: str, password: str) -> dict:
    response = registry.post("/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def _me(registry, tokens: dict):
    return registry.get("/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})


def test_login_gives_a_short_access_token_and_a_refresh_token_that_rotates(clients, account):
    registry = clients["registry"]
    first = _login(registry, account["username"], account["password"])
    assert first["expires_in"] == get_settings().access_token_minutes * 60 == 15 * 60
    claims = jwt.decode(first["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert _me(registry, first).json()["roles"] == ["auditor"]

    second = registry.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.text
    second = second.json()
    assert (
        second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    )
    assert _me(registry, second).status_code == 200
    third = registry.post("/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert third.status_code == 200

    # The used first token again: someone copied it; the whole session (family) is revoked.
    reused = registry.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401 and "reused" in reused.json()["detail"]
    latest = registry.post("/auth/refresh", json={"refresh_token": third.json()["refresh_token"]})
    assert latest.status_code == 401 and "revoked" in latest.json()["detail"]
    unknown = registry.post("/auth/refresh", json={"refresh_token": "made-up"})
    assert unknown.status_code == 401
    # Another login is another session, untouched.
    other = _login(registry, account["username"], account["password"])
    assert registry.post("/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 200


def test_logout_revokes_the_session(clients, account):
    registry = clients["registry"]
    kept = _login(registry, account["username"], account["password"])
    tokens = _login(registry, account["username"], account["password"])
    assert registry.post("/auth/logout", json={"refresh_token": tokens["refresh_token"]}).status_code == 204
    refused = registry.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert registry.post("/auth/refresh", json={"refresh_token": kept["refresh_token"]}).status_code == 200


def test_expired_refresh_tokens_refresh_nothing_and_are_purged(clients, account):
    from services.registry.sessions.jobs import purge_refresh_tokens

    registry = clients["registry"]
    tokens = _login(registry, account["username"], account["password"])
    assert purge_refresh_tokens() == 0
    with time_machine.travel(datetime.now(UTC) + timedelta(days=get_settings().refresh_token_days, hours=1)):
        expired = registry.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert expired.status_code == 401 and "expired" in expired.json()["detail"]
        assert purge_refresh_tokens() == 1
    gone = registry.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert gone.status_code == 401 and "unknown" in gone.json()["detail"]


@pytest.mark.parametrize(
    "change",
    [{"password": "second-pass-2"}, {"roles": ["zone_admin"]}, {"is_active": False}],
    ids=["password", "roles", "disabled"],
)
def test_a_password_role_or_status_change_revokes_every_session_of_the_account(
    clients, auth, account, change
):
    registry = clients["registry"]
    sessions = [_login(registry, account["username"], account["password"]) for _ in range(2)]
    changed = registry.patch(f"/accounts/{account['id']}", json=change, headers=auth())
    assert changed.status_code == 200, changed.text
    for tokens in sessions:
        refused = registry.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    if "password" in change:
        assert registry.post("/auth/token", data={**account, "password": "first-pass-1"}).status_code == 401
        assert _me(registry, _login(registry, account["username"], change["password"])).status_code == 200
    if "roles" in change:
        new = _login(registry, account["username"], account["password"])
        assert _me(registry, new).json()["roles"] == ["zone_admin"]


def test_the_run_command_makes_a_key_at_first_start_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.delenv("JWT_PRIVATE_KEYS_FILE")
    monkeypatch.setenv("JWT_JWKS_URL", "file:///elsewhere.json")
    arguments = ["--data-dir", str(tmp_path), "--host", "0.0.0.0", "--port-base", "9101"]
    launcher = Launcher(argument_parser().parse_args(arguments))
    launcher.prepare_token_keys()
    key_file = local_key_file(tmp_path)
    assert os.environ["JWT_PRIVATE_KEYS_FILE"] == str(key_file)
    assert key_file.stat().st_mode & 0o077 == 0, "only its owner may read the private key"
    assert os.environ["JWT_JWKS_URL"] == f"http://127.0.0.1:9101{JWKS_PATH}"  # the registry it runs
    first = read_jwks(key_file.read_text())
    monkeypatch.delenv("JWT_PRIVATE_KEYS_FILE")
    launcher.prepare_token_keys()  # the next start keeps the key
    assert read_jwks(key_file.read_text()) == first and "d" in first[0]
