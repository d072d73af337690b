from sqlalchemy.orm import DeclarativeBase

from shared.runtime import ServiceRuntime

runtime = ServiceRuntime("registry")


class Base(DeclarativeBase):
    metadata = runtime.metadata
