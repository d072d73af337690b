from sqlalchemy.orm import DeclarativeBase

from shared.runtime import ServiceRuntime

runtime = ServiceRuntime("notifications")


class Base(DeclarativeBase):
    metadata = runtime.metadata
