from sqlalchemy.orm import DeclarativeBase

from shared.runtime import ServiceRuntime

runtime = ServiceRuntime("inspections")


class Base(DeclarativeBase):
    metadata = runtime.metadata
