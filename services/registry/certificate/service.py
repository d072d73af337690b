"""Certificates of the three posts (三岗人员: principal persons, safety managers, special-operation
workers): recorded with their holders, warned of before they expire, and who lacks a valid one."""

import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, aliased

from services.registry.certificate.models import Certificate, CertificateNotice
from services.registry.certificate.schemas import (
    SPECIAL_OPERATION_REVIEW_YEARS,
    CertificateIn,
    CertificateOut,
    ExpiringCertificate,
    MissingCertificate,
    years_later,
)
from services.registry.people.models import Person
from services.registry.people.service import get_person
from services.registry.responsibility.models import Assignment
from services.registry.responsibility.service import on_day
from services.registry.runtime import runtime
from shared.access import Access
from shared.errors import Conflict
from shared.events.contracts.registry import CertificateExpiredV1, CertificateExpiringV1, CertificateKind
from shared.pagination import Keyset, Page, PageRequest, Positions

# Which duty needs which certificate (the posts that need one).
DUTY_CERTIFICATE = {
    "principal_person": CertificateKind.principal_person,
    "safety_manager": CertificateKind.safety_manager,
}


BY_EXPIRY = Keyset("certificates", Certificate.expires_on, Certificate.id)
MISSING = Positions("missing-certificates")


def add_certificate(session: Session, person_id: uuid.UUID, data: CertificateIn, user: Access) -> Certificate:
    person = get_person(session, person_id)
    user.ensure_person(person.id, person.enterprise_id)
    if session.scalar(
        select(Certificate.id).where(Certificate.kind == data.kind, Certificate.number == data.number)
    ):
        raise Conflict(
            f"证书编号已存在 / a {data.kind} certificate numbered {data.number} is already recorded",
            field="number",
        )
    review_on = None
    if data.kind == CertificateKind.special_operation:
        review_on = years_later(data.issued_on, SPECIAL_OPERATION_REVIEW_YEARS)
    certificate = Certificate(person_id=person.id, **data.model_dump(), review_on=review_on)
    session.add(certificate)
    session.flush()
    return certificate


def certificates_of(
    session: Session, person_id: uuid.UUID, user: Access, page: PageRequest
) -> Page[Certificate]:
    person = get_person(session, person_id)
    user.ensure_person(person.id, person.enterprise_id)
    return BY_EXPIRY.fetch(session, select(Certificate).where(Certificate.person_id == person_id), page)


def expiring_certificates(
    session: Session, enterprise_id: uuid.UUID, today: date, within_days: int, user: Access, page: PageRequest
) -> Page[ExpiringCertificate]:
    """The enterprise's certificates to renew: of each person's certificates of one kind (and
    special-operation category) the newest, when it expires within `within_days` or has expired;
    the soonest first. A certificate already renewed is not listed."""
    user.ensure_unit(enterprise_id)
    newer = aliased(Certificate)
    renewed = (
        select(newer.id)
        .where(
            newer.person_id == Certificate.person_id,
            newer.kind == Certificate.kind,
            newer.category.is_not_distinct_from(Certificate.category),
            newer.expires_on > Certificate.expires_on,
        )
        .exists()
    )
    query = (
        select(Certificate)
        .join(Person, Person.id == Certificate.person_id)
        .where(
            Person.enterprise_id == enterprise_id,
            Certificate.expires_on <= today + timedelta(days=within_days),
            ~renewed,
        )
    )
    found = BY_EXPIRY.fetch(session, query, page)
    holders = {c.person_id for c in found.items}
    names = {p.id: p.name for p in session.scalars(select(Person).where(Person.id.in_(holders)))}
    return found.map(
        lambda c: ExpiringCertificate(
            **CertificateOut.model_validate(c).model_dump(),
            holder_name=names[c.person_id],
            days_left=(c.expires_on - today).days,
        )
    )


def missing_certificates(
    session: Session, enterprise_id: uuid.UUID, today: date, user: Access, page: PageRequest
) -> Page[MissingCertificate]:
    """Who holds a post of the enterprise that needs a certificate, and has no valid one today."""
    user.ensure_unit(enterprise_id)
    holders = session.execute(
        select(Assignment.duty, Person)
        .join(Person, Person.id == Assignment.person_id)
        .where(
            Assignment.scope_id == enterprise_id, Assignment.duty.in_(list(DUTY_CERTIFICATE)), on_day(today)
        )
        .order_by(Person.name, Assignment.id)
    ).all()
    missing = []
    for duty, person in holders:
        needs = DUTY_CERTIFICATE[duty]
        valid = session.scalar(
            select(Certificate.id).where(
                Certificate.person_id == person.id, Certificate.kind == needs, Certificate.expires_on >= today
            )
        )
        if valid is None:
            missing.append(
                MissingCertificate(
                    person_id=person.id, name=person.name, enterprise_id=enterprise_id, duty=duty, needs=needs
                )
            )
    return MISSING.slice(missing, page)


def check_expiry(session: Session, today: date, warning_days: int) -> int:
    """Publish certificate.expiring (within `warning_days`) and certificate.expired, once per
    certificate and expiry date, however often it runs."""
    published = 0
    due = session.execute(
        select(Certificate, Person.enterprise_id)
        .join(Person, Person.id == Certificate.person_id)
        .where(Certificate.expires_on <= today + timedelta(days=warning_days))
    ).all()
    for certificate, enterprise_id in due:
        notice, contract = (
            ("expired", CertificateExpiredV1)
            if certificate.expires_on < today
            else ("expiring", CertificateExpiringV1)
        )
        claimed = session.execute(
            insert(CertificateNotice)
            .values(certificate_id=certificate.id, notice=notice, expires_on=certificate.expires_on)
            .on_conflict_do_nothing()
            .returning(CertificateNotice.certificate_id)
        ).first()
        if claimed is None:
            continue
        runtime.publish(
            session,
            contract(
                certificate_id=certificate.id,
                person_id=certificate.person_id,
                enterprise_id=enterprise_id,
                kind=certificate.kind,
                category=certificate.category,
                number=certificate.number,
                expires_on=certificate.expires_on,
                days_left=(certificate.expires_on - today).days,
            ),
            subject=str(certificate.person_id),
        )
        published += 1
    return published
