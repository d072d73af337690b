"""Bulk import of enterprises and people from a ledger, all or nothing, and the Excel export.

Every row is checked before anything is written; if any cell is wrong the answer lists every
problem by row and column and nothing is imported.
"""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.enterprise.models import Enterprise
from services.registry.enterprise.schemas import EnterpriseCreate
from services.registry.enterprise.service import register_many, resolve_grid
from services.registry.grid.models import Grid
from services.registry.ledger.spreadsheet import read_rows
from services.registry.people.schemas import PersonCreate
from services.registry.people.service import create_person
from shared.access import Access
from shared.errors import DomainError, InvalidInput
from shared.events.contracts.registry import ProductionStatus, UnitKind
from shared.labels import LABELS, zh
from shared.spreadsheets import Column as SheetColumn
from shared.spreadsheets import write_xlsx

YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"否", "n", "no", "false", "0", ""}
# The names a sheet may use: the catalogue's Chinese labels, and the short forms people also write
KIND_NAMES = {label.zh: UnitKind(code) for code, label in LABELS["unit_kind"].items()} | {
    "工地": UnitKind.construction_site
}
STATUS_NAMES = {label.zh: ProductionStatus(code) for code, label in LABELS["production_status"].items()} | {
    "正常": ProductionStatus.operating
}


def _boolean(value: str) -> bool:
    lowered = value.lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise ValueError("应填“是”或“否” / must be 是 (yes) or 否 (no)")


def _named(names: dict[str, Any]) -> Callable[[str], Any]:
    return lambda value: names.get(value, value or None)


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header in the sheet; the English key is accepted too
    required: bool = False
    parse: Callable[[str], Any] = lambda value: value or None


ENTERPRISE_COLUMNS = (
    Column("name", "企业名称", required=True),
    Column("credit_code", "统一社会信用代码", required=True),
    Column("kind", "类型", parse=_named(KIND_NAMES)),
    Column("industry", "行业"),
    Column("address", "地址"),
    Column("longitude", "经度"),
    Column("latitude", "纬度"),
    Column("grid_code", "网格编码"),
    Column("production_status", "生产状态", parse=_named(STATUS_NAMES)),
    Column("key_supervision", "重点监管", parse=_boolean),
    Column("legal_representative", "法定代表人"),
    Column("responsible_head", "企业负责人"),
    Column("responsible_phone", "负责人电话"),
)

# The export: the import's columns, each as wide as its contents usually are.
EXPORT_WIDTHS = {
    "name": 30,
    "credit_code": 22,
    "address": 36,
    "longitude": 11,
    "latitude": 11,
    "responsible_phone": 15,
}
EXPORT_COLUMNS = [
    SheetColumn(
        c.header,
        EXPORT_WIDTHS.get(c.key, 12),
        "coordinate" if c.key in ("longitude", "latitude") else "text",
        wrap=c.key == "address",
    )
    for c in ENTERPRISE_COLUMNS
]

PEOPLE_COLUMNS = (
    Column("name", "姓名", required=True),
    Column("phone", "电话"),
    Column("email", "邮箱"),
    Column("title", "职务"),
    Column("enterprise_credit_code", "所属企业信用代码"),
)


@dataclass
class ImportErrors:
    problems: list[dict[str, Any]]

    def add(self, row: int, column: str | None, message: str) -> None:
        loc = ["file", row, *([column] if column else [])]
        self.problems.append({"loc": loc, "row": row, "column": column, "message": message})


class LedgerRejected(DomainError):
    status_code = 422

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(
            f"台账有{len(problems)}处错误,未导入任何记录 / {len(problems)} problems; nothing imported",
            details=problems,
        )


def _column_map(header: list[str], columns: tuple[Column, ...]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        for column in columns:
            if title in (column.header, column.key):
                positions[column.key] = index
    missing = [f"{c.header} ({c.key})" for c in columns if c.required and c.key not in positions]
    if missing:
        raise InvalidInput(f"缺少必填列 / missing columns: {', '.join(missing)}", field="file")
    return positions


def _parse_rows(
    rows: Iterator[tuple[int, list[str]]],
    columns: tuple[Column, ...],
    positions: dict[str, int],
    errors: ImportErrors,
) -> Iterator[tuple[int, dict[str, Any]]]:
    headers = {c.key: c.header for c in columns}
    for number, values in rows:
        record: dict[str, Any] = {}
        for column in columns:
            if column.key not in positions:
                continue
            raw = values[positions[column.key]] if positions[column.key] < len(values) else ""
            try:
                record[column.key] = column.parse(raw)
            except ValueError as exc:
                errors.add(number, headers[column.key], str(exc))
        yield number, record


def _schema_errors(number: int, exc: ValidationError, headers: dict[str, str], errors: ImportErrors) -> None:
    for error in exc.errors():
        key = str(error["loc"][0]) if error["loc"] else None
        errors.add(number, headers.get(key, key) if key is not None else None, error["msg"])


def check_ledger(content: bytes, filename: str | None, people: bool = False) -> None:
    """Refuse at once (422) a file that is no spreadsheet or lacks a required column: only its header
    is read; the rows are the job's."""
    header, _ = read_rows(content, filename)
    _column_map(header, PEOPLE_COLUMNS if people else ENTERPRISE_COLUMNS)


def _no_progress(_: int) -> None:
    pass


def import_enterprises(
    session: Session,
    content: bytes,
    filename: str | None,
    zone_id: uuid.UUID | None,
    user: Access,
    progress: Callable[[int], None] = _no_progress,
) -> int:
    """Check every row, then register them all (a background job's work: see `KINDS`); `progress`
    hears the percent done."""
    header, rows = read_rows(content, filename)
    positions = _column_map(header, ENTERPRISE_COLUMNS)
    headers = {c.key: c.header for c in ENTERPRISE_COLUMNS}
    grid_query = select(Grid.code, Grid.id).where(Grid.valid_to.is_(None))  # abolished grids take no unit
    if zone_id is not None:
        grid_query = grid_query.where(Grid.zone_id == zone_id)
    grids = dict(session.execute(grid_query).all())
    known_codes = set(session.scalars(select(Enterprise.credit_code)))
    errors = ImportErrors([])
    valid: list[tuple[int, EnterpriseCreate]] = []
    seen: dict[str, int] = {}
    for number, record in _parse_rows(rows, ENTERPRISE_COLUMNS, positions, errors):
        grid_code = record.pop("grid_code", None)
        if grid_code:
            if grid_code not in grids:
                errors.add(number, headers["grid_code"], f"网格编码不存在 / no grid with code {grid_code}")
            record["grid_id"] = grids.get(grid_code)
        try:
            data = EnterpriseCreate.model_validate({k: v for k, v in record.items() if v is not None})
        except ValidationError as exc:
            _schema_errors(number, exc, headers, errors)
            continue
        if data.credit_code in known_codes:
            errors.add(number, headers["credit_code"], f"已登记 / {data.credit_code} is already registered")
        elif data.credit_code in seen:
            errors.add(
                number,
                headers["credit_code"],
                f"与第{seen[data.credit_code]}行重复 / repeats row {seen[data.credit_code]}",
            )
        seen.setdefault(data.credit_code, number)
        valid.append((number, data))
    progress(50)
    for number, data in valid:
        if data.grid_id is None:
            try:
                data.grid_id = resolve_grid(session, None, data.longitude, data.latitude)
            except DomainError as exc:  # e.g. coordinates outside every grid
                errors.add(number, headers.get(exc.field or "", exc.field), exc.message)
    if errors.problems:
        raise LedgerRejected(errors.problems)
    progress(60)
    register_many(session, [data for _, data in valid])
    return len(valid)


def import_people(
    session: Session,
    content: bytes,
    filename: str | None,
    user: Access,
    progress: Callable[[int], None] = _no_progress,
) -> int:
    header, rows = read_rows(content, filename)
    positions = _column_map(header, PEOPLE_COLUMNS)
    headers = {c.key: c.header for c in PEOPLE_COLUMNS}
    enterprises = dict(session.execute(select(Enterprise.credit_code, Enterprise.id)).all())
    errors = ImportErrors([])
    valid: list[PersonCreate] = []
    for number, record in _parse_rows(rows, PEOPLE_COLUMNS, positions, errors):
        code = record.pop("enterprise_credit_code", None)
        if code:
            if code.upper() not in enterprises:
                errors.add(
                    number, headers["enterprise_credit_code"], f"企业未登记 / no enterprise with code {code}"
                )
            record["enterprise_id"] = enterprises.get(code.upper())
        try:
            valid.append(PersonCreate.model_validate({k: v for k, v in record.items() if v is not None}))
        except ValidationError as exc:
            _schema_errors(number, exc, headers, errors)
    if errors.problems:
        raise LedgerRejected(errors.problems)
    progress(60)
    for data in valid:
        create_person(session, data, user)
    return len(valid)


def export_enterprises(session: Session, zone_id: uuid.UUID | None) -> tuple[bytes, int]:
    """The enterprise ledger as .xlsx, and how many rows it has."""
    query = (
        select(Enterprise, Grid.code)
        .join(Grid, Grid.id == Enterprise.grid_id)
        .order_by(Grid.code, Enterprise.name)
    )
    if zone_id is not None:
        query = query.where(Grid.zone_id == zone_id)

    written = 0

    def rows() -> Iterator[list[object]]:
        nonlocal written
        for enterprise, grid_code in session.execute(query).yield_per(2000):
            written += 1
            yield [
                enterprise.name,
                enterprise.credit_code,
                zh("unit_kind", enterprise.kind),
                enterprise.industry,
                enterprise.address,
                enterprise.longitude,
                enterprise.latitude,
                grid_code,
                zh("production_status", enterprise.production_status),
                "是" if enterprise.key_supervision else "否",
                enterprise.legal_representative,
                enterprise.responsible_head,
                enterprise.responsible_phone,
            ]

    content = write_xlsx("企业台账", EXPORT_COLUMNS, rows())
    return content, written
