import uuid
from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from services.registry.certificate.schemas import CertificateOut, MissingCertificate
from services.registry.checklist.api import SafetyRuleOut, TenHavesOut
from services.registry.enterprise.schemas import EnterpriseOut
from services.registry.hazard_source.api import HazardSourceOut
from services.registry.organisation.schemas import OrgUnitOut
from services.registry.people.schemas import PersonOut
from shared.dossier import InspectionsSection, ReportingSection

T = TypeVar("T")


class Section(BaseModel, Generic[T]):
    """A section another service keeps: its data, or why it is not available now."""

    available: bool
    problem: str | None = Field(None, description="why the section is missing (the service down, ...)")
    data: T | None = None


class PlaceOut(BaseModel):
    zone_id: uuid.UUID
    zone_name: str
    grid_id: uuid.UUID
    grid_code: str
    grid_name: str


class PersonWithCertificates(BaseModel):
    person: PersonOut
    certificates: list[CertificateOut]


class Dossier(BaseModel):
    """一企一档: everything on file about one unit, gathered when asked for."""

    generated_at: datetime
    enterprise: EnterpriseOut
    place: PlaceOut
    organisation: list[OrgUnitOut] = Field(description="公司、车间、班组 with posts and who holds them today")
    people: list[PersonWithCertificates]
    missing_certificates: list[MissingCertificate] = Field(description="post holders without a valid one")
    safety_rules: list[SafetyRuleOut] = Field(description="the 16 safety-management rules")
    ten_haves: list[TenHavesOut] = Field(description="the zone committee's ten haves (十有)")
    hazard_sources: list[HazardSourceOut]
    inspections: Section[InspectionsSection] = Field(
        description="from inspections: risk assessments, inspections, hazards, training and exams, penalties"
    )
    reporting: Section[ReportingSection] = Field(description="from reporting: filings")
