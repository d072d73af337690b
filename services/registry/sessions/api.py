from typing import Any

from fastapi import APIRouter, HTTPException, status

from services.registry.deps import DbSession
from services.registry.runtime import runtime
from services.registry.sessions import service
from services.registry.sessions.schemas import RefreshRequest, ServiceTokenOut, ServiceTokenRequest, TokenOut
from shared.service_auth import TOKEN_PATH, mint_service_token
from shared.settings import get_settings
from shared.tokens import JWKS_PATH, SigningKeys

router = APIRouter(tags=["people 人员与账号"])


# what a refresh token that is unknown, expired, revoked or reused answers
REFUSED: dict[int | str, dict[str, Any]] = {
    401: {"description": "刷新令牌无效 / the refresh token is unknown, expired or revoked"}
}


@router.post(
    "/auth/refresh",
    summary="刷新令牌 / a refresh token for a new access token and refresh token",
    responses=REFUSED,
)
def refresh(data: RefreshRequest) -> TokenOut:
    # Its own transaction: a reused token's family is revoked and committed, then refused.
    with runtime.transaction() as session:
        try:
            return service.refresh(session, data.refresh_token)
        except service.RefreshRefused as refused:
            failure = refused
    raise HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=str(failure), headers={"WWW-Authenticate": "Bearer"}
    )


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="退出登录 / revoke the session of a refresh token",
)
def logout(data: RefreshRequest, session: DbSession) -> None:
    service.logout(session, data.refresh_token)


@router.get(
    JWKS_PATH, summary="令牌公钥 / the public keys that verify access tokens (JWK Set, no token needed)"
)
def jwks() -> dict[str, list[dict[str, str]]]:
    return SigningKeys.load(get_settings()).published()


@router.post(
    TOKEN_PATH,
    summary="服务令牌 / a short token for a GridSafe service that proves itself with its secret",
    responses={401: {"description": "服务密钥无效 / unknown service secret"}},
)
def service_token(data: ServiceTokenRequest) -> ServiceTokenOut:
    settings = get_settings()
    token = mint_service_token(data.service, data.secret, settings)
    if token is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="服务密钥无效 / unknown service or secret",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return ServiceTokenOut(access_token=token, expires_in=settings.service_token_minutes * 60)
