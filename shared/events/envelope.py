"""CloudEvents 1.0 envelope (JSON format) with two extensions: `dataversion`, `correlationid`."""

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.contracts import EventContract, schema_uri


class CloudEvent(BaseModel):
    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"] = "1.0"
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    subject: str | None = None
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str
    dataversion: int = Field(ge=1)
    correlationid: str | None = None
    data: dict[str, Any]

    @classmethod
    def wrap(
        cls, contract: EventContract, *, source: str, subject: str | None, correlation_id: str | None
    ) -> "CloudEvent":
        # constructed, not validated: the contract was validated when it was made, and the
        # envelope's own fields come from here, every one (a field left to its default costs
        # pydantic a look at the default factory's signature, on every event)
        return cls.model_construct(
            specversion="1.0",
            id=uuid.uuid4(),
            source=source,
            type=contract.event_type,
            subject=subject,
            time=datetime.now(UTC),
            datacontenttype="application/json",
            dataschema=schema_uri(contract.event_type, contract.event_version),
            dataversion=contract.event_version,
            correlationid=correlation_id,
            data=contract.model_dump(mode="json"),
        )

    def as_json(self) -> dict[str, Any]:
        """The envelope as JSON values; `data` is JSON already, so it is not walked again."""
        return {**self.model_dump(mode="json", exclude={"data"}), "data": self.data}
