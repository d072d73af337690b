import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registry.enterprise.models import Enterprise
from services.registry.enterprise.schemas import EnterpriseCreate
from services.registry.runtime import runtime
from shared.auth import Principal
from shared.errors import Conflict, NotFound
from shared.events.contracts.registry import EnterpriseRegisteredV1


def register_enterprise(session: Session, data: EnterpriseCreate) -> Enterprise:
    """Register an enterprise or site and announce it (enterprise.registered) in one transaction."""
    # Serialise registrations of one code, so two concurrent requests cannot both pass the check.
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"credit_code:{data.credit_code}"))))
    if session.scalar(select(Enterprise.id).where(Enterprise.credit_code == data.credit_code)):
        raise Conflict(
            f"统一社会信用代码已登记 / credit code {data.credit_code} is already registered",
            field="credit_code",
        )
    enterprise = Enterprise(id=uuid.uuid4(), **data.model_dump())
    session.add(enterprise)
    session.flush()
    runtime.publish(
        session,
        EnterpriseRegisteredV1(
            enterprise_id=enterprise.id,
            name=enterprise.name,
            credit_code=enterprise.credit_code,
            kind=enterprise.kind,
            industry=enterprise.industry,
            production_status=enterprise.production_status,
            key_supervision=enterprise.key_supervision,
            grid_id=enterprise.grid_id,
            responsible_head=enterprise.responsible_head,
            responsible_phone=enterprise.responsible_phone,
        ),
        subject=str(enterprise.id),
    )
    return enterprise


def get_enterprise(session: Session, enterprise_id: uuid.UUID, user: Principal) -> Enterprise:
    user.ensure_may_see_enterprise(enterprise_id)
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(f"企业不存在 / enterprise {enterprise_id} not found")
    return enterprise


def list_enterprises(
    session: Session, user: Principal, *, after: uuid.UUID | None, limit: int
) -> list[Enterprise]:
    """Keyset-paged by id. Enterprise users see only their own enterprise."""
    query = select(Enterprise).order_by(Enterprise.id).limit(limit)
    if after is not None:
        query = query.where(Enterprise.id > after)
    if user.own_enterprise_only:
        query = query.where(Enterprise.id == user.enterprise_id)
    return list(session.scalars(query))
