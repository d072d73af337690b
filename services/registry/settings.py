"""Settings of the registry: login throttling, the password policy, ledger imports and the map."""

from functools import lru_cache

from pydantic import Field, field_validator

from shared.settings import Settings


class RegistrySettings(Settings):
    # Login throttling (登录限制), per account and per client address: the n-th failure in a row
    # from the threshold on locks for lockout_seconds * 2^(n - threshold), at most the maximum.
    login_max_failures: int = Field(5, ge=1, description="failed logins of an account before it is locked")
    login_address_max_failures: int = Field(
        20, ge=1, description="failed logins from one client address before the address is locked"
    )
    login_lockout_seconds: int = Field(
        60, ge=1, description="the first lockout; each further failure doubles it"
    )
    login_lockout_max_seconds: int = Field(3600, ge=1, description="the longest lockout")
    login_failure_memory_seconds: int = Field(
        900, ge=1, description="failures are forgotten after this long without one (or after a lockout ends)"
    )
    ledger_import_max_bytes: int = Field(
        20 * 1024 * 1024, ge=1024, description="largest ledger file an import takes (larger: 413)"
    )
    ledger_import_max_rows: int = Field(
        100_000, ge=1, description="most data rows a ledger import takes (more: refused, nothing imported)"
    )
    # The office map draws grids and units on a blank background; a zone with a tile server of its
    # own (no internet) names it here, e.g. http://tiles.zone.local/{z}/{x}/{y}.png.
    map_tile_url: str | None = Field(
        None,
        pattern=r"^(https?://|/)\S*\{z\}\S*\{x\}\S*\{y\}",
        description="URL template {z}/{x}/{y} of an offline tile server for the office map (default: none)",
    )
    map_tile_attribution: str = Field("", max_length=200, description="the tiles' attribution line")
    dossier_section_timeout_seconds: float = Field(
        10.0, gt=0, description="how long the dossier waits for inspections' and reporting's sections"
    )
    password_min_length: int = Field(10, ge=8, le=128, description="shortest password accepted")

    @field_validator("map_tile_url", mode="before")
    @classmethod
    def _no_tile_server(cls, value: object) -> object:
        return value or None  # MAP_TILE_URL set empty (compose passes it through): no tile server


@lru_cache
def get_registry_settings() -> RegistrySettings:
    return RegistrySettings()
