"""JWT bearer authentication and role checks shared by every API.

The registry issues the tokens, signed with its private key; every service verifies them with the
registry's public keys (shared/tokens.py). A token carries the user's id, their person, roles and
enterprise; what they may do is the access policy's (shared.access).
"""

import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPBearer
from pydantic import AfterValidator, BaseModel, Field, ValidationError

from shared.settings import Settings, get_settings
from shared.tokens import TokenError, TokenVerifier, sign_access_token


class Role(StrEnum):
    zone_admin = "zone_admin"  # 系统管理员: keeps the registry, accounts and rules
    committee_leader = (
        "committee_leader"  # 管委会领导 / 领导小组: zone-wide read, lists hazards for supervision
    )
    safety_office = "safety_office"  # 管委会安全办(安监站): zone-wide supervision, closes major hazards
    leader = "leader"  # 分管领导
    grid_member = "grid_member"  # 网格员
    enterprise_user = "enterprise_user"  # 企业用户
    enforcement_officer = "enforcement_officer"  # 区级执法人员
    auditor = "auditor"  # 只读审计
    # Not a person's: a GridSafe service reading another's event feed. Only the registry's
    # /auth/service-token grants it (to a service proving itself with its secret), never an account.
    service = "service"


PEOPLE_ROLES = tuple(role for role in Role if role is not Role.service)


def _person_role(role: Role) -> Role:
    if role is Role.service:
        raise ValueError("service 角色只属于系统服务 / the service role belongs to services, not accounts")
    return role


PersonRole = Annotated[Role, AfterValidator(_person_role)]  # a role an account may hold


class Principal(BaseModel):
    """Who is calling, as the token says."""

    user_id: uuid.UUID
    name: str = ""
    roles: frozenset[Role] = Field(min_length=1)
    person_id: uuid.UUID | None = None  # the person the account belongs to (the ledger's key)
    enterprise_id: uuid.UUID | None = None
    # The grids staffed when the token was issued: for display only. Authority reads the ledger
    # as of today (shared.access).
    grid_ids: frozenset[uuid.UUID] = frozenset()

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


def issue_token(principal: Principal, settings: Settings | None = None, minutes: int | None = None) -> str:
    """An access token saying who `principal` is, signed with the registry's newest private key."""
    claims = {
        "sub": str(principal.user_id),
        "name": principal.name,
        "person_id": str(principal.person_id) if principal.person_id else None,
        "roles": sorted(principal.roles),
        "enterprise_id": str(principal.enterprise_id) if principal.enterprise_id else None,
        "grid_ids": sorted(str(g) for g in principal.grid_ids),
    }
    return sign_access_token(claims, settings or get_settings(), minutes)


def service_principal(service: str) -> Principal:
    """Who a service is in its tokens: a fixed id per service name, the `service` role only."""
    return Principal(
        user_id=uuid.uuid5(uuid.NAMESPACE_URL, f"urn:gridsafe:service:{service}"),
        name=service,
        roles=frozenset({Role.service}),
    )


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=message, headers={"WWW-Authenticate": "Bearer"})


async def decode_token(token: str, verifier: TokenVerifier) -> Principal:
    try:
        claims: dict[str, Any] = await verifier.claims(token)
    except TokenError as exc:
        raise _unauthorized(str(exc)) from None
    try:
        return Principal(
            user_id=claims["sub"],
            name=claims.get("name") or "",
            roles=claims.get("roles") or [],
            person_id=claims.get("person_id"),
            enterprise_id=claims.get("enterprise_id"),
            grid_ids=claims.get("grid_ids") or [],
        )
    except ValidationError as exc:
        raise _unauthorized(f"令牌内容无效 / invalid token claims: {exc.errors()[0]['msg']}") from None


class BearerPrincipal(HTTPBearer):
    """The dependency naming the caller from the request's bearer token, 401 without a valid one.

    One dependency rather than a chain (token scheme, then decoding): each level costs FastAPI
    more per request than the decoding itself. OpenAPI shows it as the `HTTPBearer` scheme."""

    def __init__(self) -> None:
        super().__init__(auto_error=False, scheme_name="HTTPBearer")

    # no blocking I/O, so `async`: FastAPI runs it without a thread hop (the verifier awaits its
    # rare key fetches)
    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        credentials = await super().__call__(request)
        if credentials is None:
            raise _unauthorized("缺少认证令牌 / missing bearer token")
        # Each service's app keeps its own verifier (shared.web.create_app).
        return await decode_token(credentials.credentials, request.app.state.token_verifier)


authenticate = BearerPrincipal()
CurrentUser = Annotated[Principal, Depends(authenticate)]


def main() -> None:
    """`python -m shared.auth --role zone_admin`: print a token signed with the registry's key (bootstrap, scripts).

    The key is the one of JWT_PRIVATE_KEYS_FILE, or else the one the run command made in `.gridsafe/`.
    """
    import argparse
    from pathlib import Path

    from shared.launcher import DEFAULT_DATA_DIR
    from shared.tokens import KeysUnavailable, local_key_file

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--role", action="append", choices=[r.value for r in PEOPLE_ROLES], required=True)
    parser.add_argument("--name", default="bootstrap")
    parser.add_argument("--enterprise-id", type=uuid.UUID)
    parser.add_argument("--minutes", type=int, default=None)
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="the run command's data folder"
    )
    args = parser.parse_args()
    settings = get_settings()
    if settings.jwt_private_keys_file is None:
        settings = settings.model_copy(update={"jwt_private_keys_file": local_key_file(args.data_dir)})
    principal = Principal(
        user_id=uuid.uuid4(), name=args.name, roles=frozenset(args.role), enterprise_id=args.enterprise_id
    )
    try:
        print(issue_token(principal, settings, minutes=args.minutes))
    except KeysUnavailable as exc:
        parser.error(f"{exc}; `make run` makes one in its data folder at first start")


if __name__ == "__main__":
    main()
