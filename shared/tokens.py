"""Access tokens: signed by the registry alone (Ed25519, EdDSA), verified by every service.

Keys are JSON Web Keys with a key id (`kid`):

- the registry reads its private keys from `JWT_PRIVATE_KEYS_FILE`, a JWK Set whose last key is
  the newest: it signs with that one and publishes the public half of every key in the file at
  `GET /.well-known/jwks.json`, so tokens signed by an older key verify until it is retired
  (removed from the file);
- every other service reads the public keys from `JWT_JWKS_URL`: the registry's JWKS endpoint
  (`http(s)://`) or, on one host and in tests, a JWK Set file (`file://`). It keeps them and loads
  them again when they are older than `JWKS_CACHE_SECONDS`, or when a token names a key id it does
  not know (from the registry's endpoint at most once every `JWKS_MIN_REFRESH_SECONDS`).

No key has a default: a production start without one stops with a message saying what to set.
`python -m shared.tokens new-key FILE` creates a key file or adds a newer key to it (rotation);
`python -m shared.tokens retire FILE KID` removes a key.
"""

import argparse
import json
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.algorithms import OKPAlgorithm

from shared.errors import DomainError
from shared.settings import Settings

log = structlog.get_logger(__name__)

ALGORITHM = "EdDSA"
SIGNING_SERVICE = "registry"
JWKS_PATH = "/.well-known/jwks.json"
VERIFIED_TOKENS_KEPT = 4096  # per API process: the tokens of that many recent sessions


class TokenError(Exception):
    """A token that cannot be trusted; the message says why (Chinese / English)."""


class KeysUnavailable(DomainError):
    """No key is configured or the configured keys cannot be read; the message says what to set."""

    status_code = 503


def _now() -> datetime:
    return datetime.now(UTC)


# --- key files -----------------------------------------------------------------------------------


def new_private_jwk() -> dict[str, Any]:
    """A fresh Ed25519 private key as a JWK, with a key id that says when it was made."""
    jwk: dict[str, Any] = OKPAlgorithm.to_jwk(Ed25519PrivateKey.generate(), as_dict=True)
    jwk.update(kid=f"{_now():%Y%m%d}-{secrets.token_hex(4)}", alg=ALGORITHM, use="sig")
    return jwk


def public_jwk(private: dict[str, Any]) -> dict[str, Any]:
    """The public half of a private JWK (everything but `d`)."""
    return {name: value for name, value in private.items() if name != "d"}


def read_jwks(text: str) -> list[dict[str, Any]]:
    """The keys of a JWK Set; ValueError if it is not one."""
    document = json.loads(text)
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list) or not all(isinstance(k, dict) and k.get("kid") for k in keys):
        raise ValueError('not a JWK Set with a "kid" on every key')
    return keys


def write_jwks(path: Path, keys: list[dict[str, Any]]) -> None:
    """Write a JWK Set readable by its owner only (the file may hold private keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.unlink(missing_ok=True)
    temporary.touch(mode=0o600)
    temporary.write_text(json.dumps({"keys": keys}, indent=2))
    temporary.replace(path)


def local_key_file(data_dir: Path) -> Path:
    """The registry's key file the run command keeps in its data folder."""
    return data_dir / "keys" / "jwt-signing-keys.json"


def ensure_key_file(path: Path) -> bool:
    """Create a key file with one new key where there is none; True if it was created."""
    if path.exists():
        return False
    write_jwks(path, [new_private_jwk()])
    return True


def keys_on_one_host(folder: Path) -> dict[str, str]:
    """The key settings of processes on one host that do not run the registry's endpoint (tests,
    benchmarks): a new key file in `folder`, and its public keys as a JWK Set file."""
    private = local_key_file(folder)
    ensure_key_file(private)
    public = folder / "jwks.json"
    public.write_text(json.dumps(SigningKeys(read_jwks(private.read_text())).published()))
    return {"JWT_PRIVATE_KEYS_FILE": str(private), "JWT_JWKS_URL": public.as_uri()}


def _verification_keys(jwks: list[dict[str, Any]]) -> dict[str, Ed25519PublicKey]:
    """Public keys by key id; keys of another type or algorithm are skipped."""
    keys = {}
    for jwk in jwks:
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or jwk.get("alg", ALGORITHM) != ALGORITHM:
            continue
        key = OKPAlgorithm.from_jwk(public_jwk(jwk))
        assert isinstance(key, Ed25519PublicKey)
        keys[jwk["kid"]] = key
    return keys


# --- signing (the registry) ----------------------------------------------------------------------


@dataclass(frozen=True)
class SigningKeys:
    """The registry's private keys, newest last."""

    jwks: list[dict[str, Any]]

    @classmethod
    def load(cls, settings: Settings) -> "SigningKeys":
        path = settings.jwt_private_keys_file
        if path is None:
            raise KeysUnavailable(
                "未配置签名密钥 / no signing key: set JWT_PRIVATE_KEYS_FILE to the registry's key file "
                "(create one with `python -m shared.tokens new-key FILE`)"
            )
        try:
            jwks = read_jwks(path.read_text())
            _verification_keys(jwks)  # every key well formed
        except (OSError, ValueError, jwt.PyJWTError) as exc:
            raise KeysUnavailable(
                f"签名密钥无法读取 / cannot read JWT_PRIVATE_KEYS_FILE {path}: {exc}"
            ) from None
        if not jwks or "d" not in jwks[-1]:
            raise KeysUnavailable(f"签名密钥文件中没有私钥 / no private key in JWT_PRIVATE_KEYS_FILE {path}")
        return cls(jwks)

    @property
    def newest(self) -> dict[str, Any]:
        return self.jwks[-1]

    def published(self) -> dict[str, list[dict[str, Any]]]:
        """The JWK Set of the public keys every service may verify with."""
        return {"keys": [public_jwk(jwk) for jwk in self.jwks]}

    def sign(self, claims: dict[str, Any]) -> str:
        key = OKPAlgorithm.from_jwk(self.newest)
        assert isinstance(key, Ed25519PrivateKey)
        return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": self.newest["kid"]})


def sign_access_token(claims: dict[str, Any], settings: Settings, minutes: int | None = None) -> str:
    """Sign `claims` (subject and what the token says of it) as an access token of the registry."""
    now = _now()
    full = {
        **claims,
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + timedelta(minutes=minutes or settings.access_token_minutes),
        "jti": str(uuid.uuid4()),
    }
    return SigningKeys.load(settings).sign(full)


# --- verification (every service) ----------------------------------------------------------------


async def _fetch(url: str) -> str:
    async with httpx.AsyncClient(timeout=5.0, follow_redirects=False) as client:
        response = await client.get(url)
        response.raise_for_status()
        return response.text


@dataclass(frozen=True)
class KeySource:
    """Where a service reads the keys it verifies with, and how often an unknown key id may reload them."""

    load: Callable[[], Awaitable[list[dict[str, Any]]]]
    min_refresh_seconds: float = 0  # local files are cheap to read again


def key_source(service: str, settings: Settings) -> KeySource:
    """The key source of `service`; KeysUnavailable names the setting that is missing."""
    if service == SIGNING_SERVICE:
        SigningKeys.load(settings)  # fails now, at start, if the key file is missing or bad

        async def own_keys() -> list[dict[str, Any]]:
            return SigningKeys.load(settings).jwks

        return KeySource(own_keys)
    url = settings.jwt_jwks_url
    if not url:
        raise KeysUnavailable(
            "未配置验证公钥 / no verification keys: set JWT_JWKS_URL to the registry's "
            f"http://<registry>{JWKS_PATH} (or a file:// JWK Set)"
        )
    if url.startswith("file://"):
        path = Path(url.removeprefix("file://"))

        async def from_file() -> list[dict[str, Any]]:
            return read_jwks(path.read_text())

        return KeySource(from_file)

    async def from_registry() -> list[dict[str, Any]]:
        return read_jwks(await _fetch(url))

    return KeySource(from_registry, settings.jwks_min_refresh_seconds)


class TokenVerifier:
    """Verifies access tokens with the registry's public keys, kept and reloaded as described above."""

    def __init__(self, source: KeySource | None, settings: Settings, problem: str | None = None) -> None:
        self._source = source
        self._problem = problem  # why there is no loader (development start without keys)
        self._settings = settings
        self._keys: dict[str, Ed25519PublicKey] = {}
        self._loaded_at = -float("inf")
        self._tried_at = -float("inf")
        # tokens verified already: token -> (claims, key id); a client sends the same token with
        # every request for its 15 minutes, so its signature is checked once
        self._verified: dict[str, tuple[dict[str, Any], str]] = {}

    @classmethod
    def for_service(cls, service: str, settings: Settings) -> "TokenVerifier":
        """The verifier of one service's API; a production start without keys raises KeysUnavailable."""
        try:
            return cls(key_source(service, settings), settings)
        except KeysUnavailable as exc:
            if settings.environment == "production":
                raise
            log.warning("tokens.no_keys", service=service, problem=str(exc))
            return cls(None, settings, problem=str(exc))

    async def _refresh(self) -> None:
        if self._source is None:
            raise KeysUnavailable(self._problem or "")
        self._tried_at = time.monotonic()
        try:
            self._keys = _verification_keys(await self._source.load())
            self._loaded_at = self._tried_at
        except (OSError, ValueError, httpx.HTTPError, jwt.PyJWTError) as exc:
            log.warning("tokens.jwks_unavailable", error=repr(exc))
            if not self._keys:
                raise KeysUnavailable(
                    f"无法获取验证公钥 / cannot load the verification keys: {exc}"
                ) from None

    async def key(self, kid: str) -> Ed25519PublicKey | None:
        now = time.monotonic()
        stale = now - self._loaded_at >= self._settings.jwks_cache_seconds
        limit = self._source.min_refresh_seconds if self._source else 0
        unknown = kid not in self._keys and now - self._tried_at >= limit
        if stale or unknown:
            await self._refresh()
        return self._keys.get(kid)

    async def claims(self, token: str) -> dict[str, Any]:
        """The claims of a valid token; TokenError says why one is not.

        A token verified before is taken from memory while it has not expired and its key is
        still published (a retired key's tokens are refused once the keys are reloaded)."""
        known = self._verified.get(token)
        if known is not None:
            claims, kid = known
            if claims["exp"] > time.time() and await self.key(kid) is not None:
                return claims
            del self._verified[token]
        claims, kid = await self._verify(token)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            self._verified.pop(next(iter(self._verified)))  # the oldest
        self._verified[token] = (claims, kid)
        return claims

    async def _verify(self, token: str) -> tuple[dict[str, Any], str]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise TokenError(f"令牌无效 / invalid token: {exc}") from None
        if header.get("alg") != ALGORITHM:
            raise TokenError(f"令牌无效 / invalid token: algorithm {header.get('alg')!r} is not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise TokenError("令牌无效 / invalid token: it names no key id (kid)")
        key = await self.key(kid)
        if key is None:
            raise TokenError(f"令牌无效 / invalid token: signed with an unknown key {kid!r}")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                issuer=self._settings.jwt_issuer,
                options={"require": ["sub", "exp", "iat", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise TokenError("令牌已过期 / token expired") from None
        except jwt.PyJWTError as exc:
            raise TokenError(f"令牌无效 / invalid token: {exc}") from None
        return claims, kid


# --- key file commands ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The registry's signing keys (a JWK Set file).")
    commands = parser.add_subparsers(dest="command", required=True)
    new_key = commands.add_parser(
        "new-key", help="create the file, or add a newer key that signs from now on"
    )
    new_key.add_argument("file", type=Path)
    retire = commands.add_parser(
        "retire", help="remove a key: tokens it signed are refused once the services reload the keys"
    )
    retire.add_argument("file", type=Path)
    retire.add_argument("kid")
    args = parser.parse_args(argv)
    keys = read_jwks(args.file.read_text()) if args.file.exists() else []
    if args.command == "new-key":
        keys.append(new_private_jwk())
        print(f"signing with {keys[-1]['kid']}; published: {', '.join(k['kid'] for k in keys)}")
    else:
        remaining = [k for k in keys if k["kid"] != args.kid]
        if len(remaining) == len(keys) or not remaining:
            parser.error(f"{args.kid} is not a key of {args.file}, or the only one")
        keys = remaining
    write_jwks(args.file, keys)


if __name__ == "__main__":
    main()
