from sqlalchemy.orm import DeclarativeBase

from shared.runtime import ServiceRuntime

runtime = ServiceRuntime("reporting")


class Base(DeclarativeBase):
    metadata = runtime.metadata
