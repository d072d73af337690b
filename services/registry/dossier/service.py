"""一企一档: a unit's dossier, gathered from the registry's records and the sections of inspections
and reporting, which are read with the caller's own token so the access policy applies unchanged.

A section whose service does not answer (down, too slow, or not yet told of the unit) is reported
as unavailable with the reason; the rest of the dossier is still given.
"""

import uuid
from datetime import UTC, datetime
from typing import TypeVar

import httpx
import structlog
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.certificate.models import Certificate
from services.registry.certificate.schemas import CertificateOut
from services.registry.certificate.service import missing_certificates
from services.registry.checklist.api import SafetyRuleOut, TenHavesOut
from services.registry.checklist.service import safety_rules, ten_haves
from services.registry.dossier.schemas import Dossier, PersonWithCertificates, PlaceOut, Section
from services.registry.enterprise.api import enterprise_out
from services.registry.enterprise.service import get_enterprise
from services.registry.grid.models import Grid, Zone
from services.registry.hazard_source.api import HazardSourceOut
from services.registry.hazard_source.service import of_enterprise
from services.registry.organisation.service import organisation
from services.registry.people.api import person_out
from services.registry.people.models import Person
from services.registry.settings import get_registry_settings
from shared.access import Access
from shared.clock import local_today
from shared.dossier import InspectionsSection, ReportingSection
from shared.pagination import PageRequest

log = structlog.get_logger(__name__)

S = TypeVar("S", bound=BaseModel)

# The registry's own lists of a unit are short (16 rules, ten haves, a tree, a few sources): whole.
WHOLE = PageRequest(cursor=None, limit=100_000)


class SectionUnavailable(Exception):
    """Why a section could not be had (the message is shown in the dossier)."""


def fetch_section(service: str, unit_id: uuid.UUID, authorization: str, model: type[S]) -> S:
    """`GET /units/{id}/dossier` of `service` as the caller; SectionUnavailable saying why not."""
    settings = get_registry_settings()
    url = f"{settings.api_url(service)}/units/{unit_id}/dossier"
    try:
        response = httpx.get(
            url, headers={"Authorization": authorization}, timeout=settings.dossier_section_timeout_seconds
        )
    except httpx.HTTPError as error:
        log.warning("dossier.section_unavailable", service=service, unit_id=str(unit_id), error=str(error))
        raise SectionUnavailable(f"{service} 服务暂不可用 / not reachable ({type(error).__name__})") from None
    if response.status_code != 200:
        log.warning(
            "dossier.section_refused", service=service, unit_id=str(unit_id), status=response.status_code
        )
        try:  # a problem body says why; anything else is shown by its status alone
            detail = response.json().get("detail", "")
        except (ValueError, AttributeError):
            detail = ""
        raise SectionUnavailable(
            f"{service} 答复 {response.status_code} / answered {response.status_code} {detail}"
        )
    try:
        return model.model_validate_json(response.content)
    except ValidationError as error:
        log.error("dossier.section_invalid", service=service, unit_id=str(unit_id), error=str(error))
        raise SectionUnavailable(f"{service} 答复格式不符 / answered an unexpected body") from None


def section(
    service: str, unit_id: uuid.UUID, authorization: str, kind: type[Section[S]], model: type[S]
) -> Section[S]:
    try:
        return kind(available=True, data=fetch_section(service, unit_id, authorization, model))
    except SectionUnavailable as problem:
        return kind(available=False, problem=str(problem))


def dossier(session: Session, enterprise_id: uuid.UUID, user: Access, authorization: str) -> Dossier:
    enterprise = get_enterprise(session, enterprise_id, user)
    grid = session.get(Grid, enterprise.grid_id)
    assert grid is not None  # a unit is always in a grid (foreign key)
    zone = session.get(Zone, grid.zone_id)
    assert zone is not None
    people = session.scalars(
        select(Person).where(Person.enterprise_id == enterprise_id).order_by(Person.name, Person.id)
    ).all()
    certificates: dict[uuid.UUID, list[CertificateOut]] = {p.id: [] for p in people}
    for certificate in session.scalars(
        select(Certificate)
        .where(Certificate.person_id.in_(certificates))
        .order_by(Certificate.expires_on, Certificate.id)
    ):
        certificates[certificate.person_id].append(CertificateOut.model_validate(certificate))
    return Dossier(
        generated_at=datetime.now(UTC),
        enterprise=enterprise_out(user, enterprise),
        place=PlaceOut(
            zone_id=zone.id, zone_name=zone.name, grid_id=grid.id, grid_code=grid.code, grid_name=grid.name
        ),
        organisation=organisation(session, enterprise_id, user, WHOLE).items,
        people=[
            PersonWithCertificates(person=person_out(p, user), certificates=certificates[p.id])
            for p in people
        ],
        missing_certificates=missing_certificates(session, enterprise_id, local_today(), user, WHOLE).items,
        safety_rules=[
            SafetyRuleOut(**row) for row in safety_rules(session, enterprise_id, user, WHOLE).items
        ],
        ten_haves=[TenHavesOut(**row) for row in ten_haves(session, zone.id, WHOLE).items],
        hazard_sources=[
            HazardSourceOut.model_validate(s)
            for s in of_enterprise(session, enterprise_id, user, WHOLE).items
        ],
        inspections=section(
            "inspections", enterprise_id, authorization, Section[InspectionsSection], InspectionsSection
        ),
        reporting=section(
            "reporting", enterprise_id, authorization, Section[ReportingSection], ReportingSection
        ),
    )
