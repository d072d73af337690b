"""Standard checklists shipped as data (标准检查表): one JSON file per checklist in `data/`.

Each file is a checklist as `POST /checklists` takes it, and every item also names the clause it
comes from (`basis`); items of a major-hazard judgement standard carry `major_criterion: true`, so
that a failed answer on one is reported as a major hazard. Loading publishes a file as its code's
next version only when it differs from the latest version: loading twice publishes nothing.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.orm import Session

from services.inspections.inspection.models import ChecklistTemplate
from services.inspections.inspection.schemas import ChecklistIn
from services.inspections.inspection.service import publish_if_changed

DATA = Path(__file__).parent / "data"


class ChecklistFileError(Exception):
    """A checklist file that cannot be loaded: the message names the file and what is wrong where."""


def _location(parts: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in parts) or "(file)"


def read_checklist(path: Path) -> ChecklistIn:
    """One checklist file, checked: valid JSON, the checklist's schema, every item with its basis."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ChecklistFileError(f"{path}: 无法读取 / cannot read: {error}") from error
    except json.JSONDecodeError as error:
        raise ChecklistFileError(
            f"{path}: 第 {error.lineno} 行第 {error.colno} 列 JSON 格式错误 / invalid JSON: {error.msg}"
        ) from error
    try:
        checklist = ChecklistIn.model_validate(raw)
    except ValidationError as error:
        found = "; ".join(f"{_location(e['loc'])}: {e['msg']}" for e in error.errors())
        raise ChecklistFileError(f"{path}: 内容不符合检查表格式 / not a checklist: {found}") from error
    problems = [f"items.{i}.basis: 须注明依据 / the clause is required" for i, item in enumerate(checklist.items)
                if not item.basis]  # fmt: skip
    keys = [item.key for item in checklist.items]
    problems += [
        f"items: 检查项编号重复 / repeated key {key}"
        for key in sorted({k for k in keys if keys.count(k) > 1})
    ]
    if problems:
        raise ChecklistFileError(f"{path}: {'; '.join(problems)}")
    return checklist


def read_folder(folder: Path = DATA) -> list[ChecklistIn]:
    """Every `*.json` checklist in `folder`, by file name; one code per file."""
    files = sorted(folder.glob("*.json"))
    if not files:
        raise ChecklistFileError(f"{folder}: 没有检查表文件 / no *.json checklist files")
    checklists = [read_checklist(path) for path in files]
    codes = [c.code for c in checklists]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise ChecklistFileError(
            f"{folder}: 多个文件使用同一编码 / one code in several files: {', '.join(repeated)}"
        )
    return checklists


@dataclass(frozen=True)
class Loaded:
    code: str
    name: str
    published: ChecklistTemplate | None  # None: the latest version already reads the same


def publish(session: Session, checklists: list[ChecklistIn]) -> list[Loaded]:
    """Publish each checklist that differs from its code's latest version (read them all first,
    with `read_folder`, so that a bad file changes nothing)."""
    return [Loaded(c.code, c.name, publish_if_changed(session, c)) for c in checklists]
