"""How GridSafe services authenticate to one another (today: to read each other's event feeds).

Tokens stay the registry's alone to sign (shared/tokens.py). Each service has a secret of its
own, `<SERVICE>_SERVICE_SECRET` (at least 32 characters; the run command generates them in its
data folder, compose takes them from the environment). The registry holds all four. A service
sends its name and secret to the registry's `POST /auth/service-token` and gets a short access
token (SERVICE_TOKEN_MINUTES) whose only role is `service`; it calls other APIs with it, which
verify it like any token, with the registry's public keys. The access policy grants the `service`
role the event feed and nothing else, and no account can hold that role.
"""

import secrets
import time

import httpx
import structlog

from shared.auth import issue_token, service_principal
from shared.settings import SERVICE_NAMES, Settings

log = structlog.get_logger(__name__)

TOKEN_PATH = "/auth/service-token"
RENEW_BEFORE_SECONDS = 30


class ServiceAuthUnavailable(Exception):
    """This service cannot get a token (no secret configured, or the registry refused it)."""


def mint_service_token(service: str, secret: str, settings: Settings) -> str | None:
    """The registry's side: a service token for `service` if `secret` is its secret, else None."""
    expected = settings.service_secret(service) if service in SERVICE_NAMES else None
    if expected is None or not secrets.compare_digest(secret.encode(), expected.encode()):
        log.warning("service_token.refused", service=service)
        return None
    return issue_token(service_principal(service), settings, minutes=settings.service_token_minutes)


class ServiceTokens:
    """A service's own token for calling other services, kept until shortly before it expires."""

    def __init__(self, service: str, settings: Settings) -> None:
        self.service = service
        self.settings = settings
        self._token: str | None = None
        self._renew_at = 0.0

    def token(self) -> str:
        if self._token is None or time.monotonic() >= self._renew_at:
            self._token = self._fetch()
            lifetime = self.settings.service_token_minutes * 60
            self._renew_at = time.monotonic() + max(lifetime - RENEW_BEFORE_SECONDS, lifetime / 2)
        return self._token

    def forget(self) -> None:
        """Drop the kept token (e.g. after a 401: the keys may have rotated)."""
        self._token = None

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}

    def _fetch(self) -> str:
        secret = self.settings.service_secret(self.service)
        if secret is None:
            raise ServiceAuthUnavailable(
                f"no service secret: set {self.service.upper()}_SERVICE_SECRET (and give the registry the same)"
            )
        response = httpx.post(
            self.settings.api_url("registry") + TOKEN_PATH,
            json={"service": self.service, "secret": secret},
            timeout=10.0,
        )
        if response.status_code == 401:
            raise ServiceAuthUnavailable(f"the registry refused the secret of {self.service}")
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token
