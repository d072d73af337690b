"""An enterprise's three-level safety organisation (公司、车间、班组) and its posts (岗位)."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.enterprise.service import get_enterprise
from services.registry.organisation.models import OrgLevel, OrgUnit, Post
from services.registry.organisation.schemas import OrgUnitCreate, OrgUnitOut, PostCreate, PostOut
from services.registry.responsibility.service import holders
from shared.access import Access
from shared.clock import local_today
from shared.errors import Conflict, InvalidInput, NotFound
from shared.pagination import Page, PageRequest, Positions

# Which level a unit's parent must have.
PARENT_LEVEL = {OrgLevel.company: None, OrgLevel.workshop: OrgLevel.company, OrgLevel.team: OrgLevel.workshop}


ORG_ROOTS = Positions("organisation")


def create_org_unit(session: Session, enterprise_id: uuid.UUID, data: OrgUnitCreate, user: Access) -> OrgUnit:
    get_enterprise(session, enterprise_id, user)
    expected_parent = PARENT_LEVEL[data.level]
    if expected_parent is None:
        if data.parent_id is not None:
            raise InvalidInput("公司层级没有上级 / a company level has no parent", field="parent_id")
        if session.scalar(
            select(OrgUnit.id).where(
                OrgUnit.enterprise_id == enterprise_id, OrgUnit.level == OrgLevel.company
            )
        ):
            raise Conflict("该企业已有公司层级 / the enterprise already has its company level", field="level")
    else:
        parent = session.get(OrgUnit, data.parent_id) if data.parent_id else None
        if parent is None or parent.enterprise_id != enterprise_id or parent.level != expected_parent:
            raise InvalidInput(
                f"{data.level.value} 的上级须为本企业的 {expected_parent.value} / the parent of a {data.level.value} "
                f"must be a {expected_parent.value} of this enterprise",
                field="parent_id",
            )
    unit = OrgUnit(id=uuid.uuid4(), enterprise_id=enterprise_id, **data.model_dump())
    session.add(unit)
    session.flush()
    return unit


def create_post(session: Session, org_unit_id: uuid.UUID, data: PostCreate, user: Access) -> Post:
    unit = session.get(OrgUnit, org_unit_id)
    if unit is None:
        raise NotFound(f"组织单元不存在 / org unit {org_unit_id} not found")
    user.ensure_unit(unit.enterprise_id)
    post = Post(id=uuid.uuid4(), org_unit_id=org_unit_id, **data.model_dump())
    session.add(post)
    session.flush()
    return post


def organisation(
    session: Session, enterprise_id: uuid.UUID, user: Access, page: PageRequest
) -> Page[OrgUnitOut]:
    """The tree, each unit and post with the person responsible for it today; paged by its roots."""
    get_enterprise(session, enterprise_id, user)
    today = local_today()
    units = session.scalars(
        select(OrgUnit).where(OrgUnit.enterprise_id == enterprise_id).order_by(OrgUnit.name, OrgUnit.id)
    ).all()
    posts = session.scalars(select(Post).where(Post.org_unit_id.in_([u.id for u in units]))).all()
    nodes: dict[uuid.UUID, OrgUnitOut] = {}
    for unit in units:
        heads = holders(session, unit.id, "org_unit_head", today)
        nodes[unit.id] = OrgUnitOut.model_validate(unit).model_copy(
            update={"head_person_id": heads[0].person_id if heads else None}
        )
    for post in posts:
        responsible = holders(session, post.id, "post_holder", today)
        nodes[post.org_unit_id].posts.append(
            PostOut.model_validate(post).model_copy(
                update={"responsible_person_id": responsible[0].person_id if responsible else None}
            )
        )
    roots: list[OrgUnitOut] = []
    for node in nodes.values():
        (nodes[node.parent_id].children if node.parent_id else roots).append(node)
    return ORG_ROOTS.slice(roots, page)
