import uuid
from datetime import date, datetime

from sqlalchemy import ARRAY, Date, DateTime, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.notifications.runtime import Base


class UnitContact(Base):
    """Who to tell about a unit (单位联系人): the notifications service's copy, fed by registry events."""

    __tablename__ = "unit_contact"

    unit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_name: Mapped[str] = mapped_column(String(200))
    grid_id: Mapped[uuid.UUID | None]
    key_supervision: Mapped[bool]
    responsible_head: Mapped[str | None] = mapped_column(String(100))
    responsible_phone: Mapped[str | None] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(server_default="0")  # the registry's version of the entity
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # time of the event it came from


class GridStaff(Base):
    """A grid and who staffs it today (网格分管领导、网格员); an abolished grid stays as a tombstone
    (`valid_to` set, no staff) that no older snapshot brings back."""

    __tablename__ = "grid_staff"

    grid_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    grid_name: Mapped[str | None] = mapped_column(String(200))  # unknown to a tombstone that came first
    leader_person_id: Mapped[uuid.UUID | None]
    member_person_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)  # set: abolished, a tombstone with no staff
    version: Mapped[int] = mapped_column(server_default="0")  # the registry's version of the entity
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PersonContact(Base):
    """How to reach a person: phone, email, and their user id for the in-app inbox."""

    __tablename__ = "person_contact"

    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    enterprise_id: Mapped[uuid.UUID | None]
    user_id: Mapped[uuid.UUID | None]
    version: Mapped[int] = mapped_column(server_default="0")  # the registry's version of the entity
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DutyHolder(Base):
    """A responsibility assignment as notifications routes by it (who holds which duty, when)."""

    __tablename__ = "duty_holder"

    assignment_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    duty: Mapped[str] = mapped_column(String(40))
    scope_type: Mapped[str] = mapped_column(String(20))
    scope_id: Mapped[uuid.UUID] = mapped_column(index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(server_default="0")  # the registry's version of the entity
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
