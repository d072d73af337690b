"""Demo data: a fictional development zone shaped like the work plan. Loading it twice changes nothing.

`python -m services.registry.demo [--data-dir .gridsafe]` (or `make run ARGS=--demo`). Each account
gets a random password when the zone is first loaded; they are printed once and written to
`<data dir>/demo-accounts.txt`, readable by its owner only. They are not stored anywhere else.
"""

import argparse
import os
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.enterprise.credit_code import check_character
from services.registry.enterprise.schemas import EnterpriseCreate
from services.registry.enterprise.service import register_enterprise, set_risk_colour
from services.registry.grid.models import Grid, Zone
from services.registry.grid.schemas import GridCreate, ZoneCreate
from services.registry.grid.service import create_grid, create_zone
from services.registry.people.passwords import random_password
from services.registry.people.schemas import AccountCreate, PersonCreate
from services.registry.people.service import create_account, create_person
from services.registry.responsibility.schemas import AssignmentCreate
from services.registry.responsibility.service import start_assignment
from services.registry.runtime import runtime
from shared.access import access_for
from shared.auth import Principal, Role
from shared.clock import local_today
from shared.events.contracts.registry import ProductionStatus, RiskColour, UnitKind

ZONE_CODE = "DEMO-JKQ"
WEST, SOUTH, CELL = 117.26, 31.78, 0.02  # 2 x 2 grids of 0.02 degrees
GRIDS = [
    ("W1", "一网格(西南片)"),
    ("W2", "二网格(东南片)"),
    ("W3", "三网格(西北片)"),
    ("W4", "四网格(东北片)"),
]
INDUSTRIES = ["化工", "机械制造", "食品加工", "纺织", "建材", "电子", "物流仓储"]
SYSTEM = access_for(
    Principal(user_id=uuid.UUID(int=0), name="demo loader", roles=frozenset({Role.zone_admin})),
    "unit.register",
)


def demo_credit_code(serial: int) -> str:
    first17 = f"91340700MA2D{serial:05d}"
    return first17 + check_character(first17)


def _grid_square(index: int) -> dict:
    west = WEST + (index % 2) * CELL
    south = SOUTH + (index // 2) * CELL
    ring = [
        [west, south],
        [west + CELL, south],
        [west + CELL, south + CELL],
        [west, south + CELL],
        [west, south],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _person(
    session: Session, name: str, phone: str, title: str, enterprise_id: uuid.UUID | None = None
) -> uuid.UUID:
    email = f"{phone}@demo-gridsafe.cn"
    return create_person(
        session,
        PersonCreate(name=name, phone=phone, email=email, title=title, enterprise_id=enterprise_id),
        SYSTEM,
    ).id


def _account(
    session: Session, passwords: dict[str, str], person_id: uuid.UUID, username: str, *roles: Role
) -> None:
    passwords[username] = random_password()
    create_account(
        session,
        AccountCreate(
            person_id=person_id, username=username, password=passwords[username], roles=list(roles)
        ),
    )


def _assign(session: Session, person_id: uuid.UUID, duty: str, scope_id: uuid.UUID) -> None:
    """A duty held from today: the demo zone, its grids and units start on the day it is loaded, so
    nothing is owed for a period before that."""
    start_assignment(
        session,
        AssignmentCreate(person_id=person_id, duty=duty, scope_id=scope_id, valid_from=local_today()),
        SYSTEM,
    )


def load(session: Session) -> dict[str, str] | None:
    """Load the demo zone: its accounts' new passwords by user name (None if it is already there)."""
    if session.scalar(select(Zone.id).where(Zone.code == ZONE_CODE)):
        return None
    passwords: dict[str, str] = {}
    zone = create_zone(session, ZoneCreate(code=ZONE_CODE, name="示范经济开发区 (演示)"))
    director = _person(session, "周主任", "13900000001", "管委会主任")
    _assign(session, director, "committee_director", zone.id)
    _account(session, passwords, director, "director", Role.committee_leader)
    office = _person(session, "安监站 吴工", "13900000002", "安监站站长")
    _assign(session, office, "safety_office", zone.id)
    _account(session, passwords, office, "admin", Role.zone_admin, Role.safety_office)
    officer = _person(session, "执法大队 郑队", "13900000003", "区执法大队")
    _assign(session, officer, "enforcement_officer", zone.id)
    _account(session, passwords, officer, "officer", Role.enforcement_officer)
    auditor = _person(session, "审计 王老师", "13900000004", "审计")
    _account(session, passwords, auditor, "auditor", Role.auditor)

    grids: list[Grid] = []
    for index, (code, name) in enumerate(GRIDS):
        grid = create_grid(
            session, GridCreate(zone_id=zone.id, code=code, name=name, boundary=_grid_square(index))
        )
        grids.append(grid)
        leader = _person(session, f"{name[:2]}分管领导 陈{index + 1}", f"1390000010{index}", "管委会副主任")
        _assign(session, leader, "grid_leader", grid.id)
        _account(session, passwords, leader, f"leader{index + 1}", Role.leader)
        for member in range(2):
            number = index * 2 + member + 1
            person = _person(session, f"网格员 李{number}", f"139000002{number:02d}", "网格员")
            _assign(session, person, "grid_member", grid.id)
            _account(session, passwords, person, f"member{number}", Role.grid_member)

    for serial in range(1, 34):  # 28 enterprises and 5 construction sites
        site = serial > 28
        grid_index = serial % 4
        column, row = grid_index % 2, grid_index // 2
        x_share, y_share = ((serial * 37) % 17 + 1) / 19, ((serial * 53) % 13 + 1) / 15  # spread, repeatable
        enterprise = register_enterprise(
            session,
            EnterpriseCreate(
                name=f"示范{'建设项目' if site else '实业'}{serial:02d}{'工地' if site else '有限公司'}",
                credit_code=demo_credit_code(serial),
                kind=UnitKind.construction_site if site else UnitKind.enterprise,
                industry="建筑施工" if site else INDUSTRIES[serial % len(INDUSTRIES)],
                address=f"示范开发区{['纬一', '纬二', '经一', '经二'][grid_index]}路{serial * 8}号",
                longitude=round(WEST + (column + x_share) * CELL, 6),
                latitude=round(SOUTH + (row + 0.04 + y_share * 0.92) * CELL, 6),
                production_status=ProductionStatus.under_construction if site else ProductionStatus.operating,
                key_supervision=serial % 4 == 0 or INDUSTRIES[serial % len(INDUSTRIES)] == "化工",
                legal_representative=f"法人{serial:02d}",
                responsible_head=f"负责人{serial:02d}",
                responsible_phone=f"1370000{serial:04d}",
            ),
            SYSTEM,
        )
        head = _person(session, f"负责人{serial:02d}", f"1370000{serial:04d}", "主要负责人", enterprise.id)
        _assign(session, head, "principal_person", enterprise.id)
        if serial <= 5:
            _account(session, passwords, head, f"ent{serial:02d}", Role.enterprise_user)
        colour = [RiskColour.red, RiskColour.orange, RiskColour.yellow, RiskColour.blue, RiskColour.blue][
            serial % 5
        ]
        set_risk_colour(session, enterprise.id, colour, "初始风险评估 / initial assessment", SYSTEM)
    return passwords


def write_passwords(passwords: dict[str, str], data_dir: Path) -> Path:
    """Write the accounts and passwords to a file only its owner may read (made so before the write)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "demo-accounts.txt"
    path.unlink(missing_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as file:
        file.writelines(f"{username}\t{password}\n" for username, password in sorted(passwords.items()))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="load the demo zone once")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(".gridsafe"), help="where the passwords file goes"
    )
    args = parser.parse_args()
    with runtime.transaction() as session:
        passwords = load(session)
    if passwords is None:
        print("demo data already present; nothing changed (the passwords were shown when it was loaded)")
        return
    path = write_passwords(passwords, args.data_dir)
    print("demo data loaded; the accounts' passwords, shown this once:")
    for username, password in sorted(passwords.items()):
        print(f"  {username:10} {password}")
    print(f"also written to {path.resolve()} (readable by you only)")


if __name__ == "__main__":
    main()
