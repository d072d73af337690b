import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.registry.certificate import service
from services.registry.certificate.schemas import (
    CertificateIn,
    CertificateOut,
    ExpiringCertificate,
    MissingCertificate,
)
from services.registry.deps import DbSession, permit
from shared.access import Access
from shared.clock import local_today
from shared.pagination import Page, PageQuery
from shared.settings import get_settings

router = APIRouter(tags=["certificates 三岗人员证书"])
Editor = Annotated[Access, permit("unit.edit")]
PersonReader = Annotated[Access, permit("person.read")]
UnitReader = Annotated[Access, permit("unit.read")]


@router.post(
    "/people/{person_id}/certificates",
    status_code=status.HTTP_201_CREATED,
    summary="登记证书 / record a certificate",
)
def add_certificate(
    person_id: uuid.UUID, data: CertificateIn, session: DbSession, user: Editor
) -> CertificateOut:
    return CertificateOut.model_validate(service.add_certificate(session, person_id, data, user))


@router.get("/people/{person_id}/certificates", summary="人员证书 / a person's certificates")
def certificates(
    person_id: uuid.UUID, session: DbSession, user: PersonReader, page: PageQuery
) -> Page[CertificateOut]:
    return service.certificates_of(session, person_id, user, page).map(CertificateOut.model_validate)


@router.get("/certificates/expiring", summary="即将到期或已过期的证书 / certificates to renew, soonest first")
def expiring(
    session: DbSession,
    user: PersonReader,
    page: PageQuery,
    enterprise_id: Annotated[uuid.UUID, Query()],
    within_days: Annotated[
        int | None,
        Query(ge=0, le=366, description="expiring within this many days (default CERTIFICATE_WARNING_DAYS)"),
    ] = None,
) -> Page[ExpiringCertificate]:
    days = get_settings().certificate_warning_days if within_days is None else within_days
    return service.expiring_certificates(session, enterprise_id, local_today(), days, user, page)


@router.get(
    "/certificates/missing", summary="无有效证书的持岗人员 / post holders without a valid certificate"
)
def missing(
    session: DbSession, user: UnitReader, page: PageQuery, enterprise_id: Annotated[uuid.UUID, Query()]
) -> Page[MissingCertificate]:
    return service.missing_certificates(session, enterprise_id, local_today(), user, page)
