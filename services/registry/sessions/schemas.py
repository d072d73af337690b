from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TokenOut(BaseModel):
    """An access token (short) and the refresh token that gets the next one."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(title="访问令牌有效秒数 / seconds the access token is valid")
    refresh_token: str
    refresh_expires_in: int = Field(title="刷新令牌有效秒数 / seconds the refresh token is valid")


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=200, title="刷新令牌 / refresh token")


class ServiceTokenRequest(BaseModel):
    """A GridSafe service proving who it is with its own secret (`<SERVICE>_SERVICE_SECRET`)."""

    model_config = ConfigDict(extra="forbid")

    service: Literal["registry", "inspections", "notifications", "reporting"] = Field(title="服务 / service")
    secret: str = Field(min_length=1, max_length=500, title="服务密钥 / the service's secret")


class ServiceTokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(title="有效秒数 / seconds the token is valid")
