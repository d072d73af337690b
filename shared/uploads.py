"""Uploaded files (photos, PDFs): their type told by their content, not their name, and their size bounded."""

import hashlib
import uuid
from datetime import datetime
from typing import Any, TypeVar

from fastapi import Response
from sqlalchemy import DateTime, Integer, LargeBinary, String, func, select
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, mapped_column

from shared.errors import InvalidInput, NotFound
from shared.pagination import Keyset, Page, PageRequest

# Leading bytes of the types accepted (照片、PDF).
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
    b"RIFF": "image/webp",  # checked further below
}


def sniff(content: bytes) -> str:
    for signature, content_type in SIGNATURES.items():
        if content.startswith(signature):
            if content_type == "image/webp" and content[8:12] != b"WEBP":
                break
            return content_type
    raise InvalidInput(
        "文件类型不允许,仅限 JPEG、PNG、WebP 照片或 PDF / only JPEG, PNG, WebP photos or PDF files are accepted",
        field="file",
    )


def check(content: bytes, max_bytes: int) -> tuple[str, str]:
    """(content type, sha256) of an acceptable file; 4xx for an empty, oversized or foreign one."""
    if not content:
        raise InvalidInput("文件为空 / the file is empty", field="file")
    if len(content) > max_bytes:
        raise InvalidInput(
            f"文件超过{max_bytes // (1024 * 1024)}MB / larger than {max_bytes} bytes", field="file"
        )
    return sniff(content), hashlib.sha256(content).hexdigest()


class StoredFile:
    """The columns every uploaded file keeps (a mixin for each service's file table)."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[uuid.UUID]
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


StoredFileT = TypeVar("StoredFileT", bound=StoredFile)


def stored(filename: str, content: bytes, max_bytes: int, uploader: uuid.UUID) -> dict[str, Any]:
    """The StoredFile values of an acceptable upload (4xx for an empty, oversized or foreign one)."""
    content_type, digest = check(content, max_bytes)
    return {
        "filename": filename[:200],
        "content_type": content_type,
        "size": len(content),
        "sha256": digest,
        "content": content,
        "uploaded_by": uploader,
    }


# what `download` may answer with: the types `check` accepts
DOWNLOAD_TYPES = tuple(dict.fromkeys(SIGNATURES.values()))


def download(record: StoredFile) -> Response:
    return Response(record.content, media_type=record.content_type)


def attach(
    session: Session, model: type[StoredFileT], owner: InstrumentedAttribute[uuid.UUID], owner_id: uuid.UUID,
    filename: str, content: bytes, max_bytes: int, uploader: uuid.UUID,
) -> StoredFileT:  # fmt: skip
    """Store an acceptable upload in `model`'s table under its owner (`owner` is that table's owner column)."""
    record = model(**{owner.key: owner_id}, **stored(filename, content, max_bytes, uploader))
    session.add(record)
    session.flush()
    return record


def files_of(
    session: Session,
    model: type[StoredFileT],
    owner: InstrumentedAttribute[uuid.UUID],
    owner_id: uuid.UUID,
    page: PageRequest,
) -> Page[StoredFileT]:
    """The files of one owner (a hazard, a training session, a filing), oldest first."""
    oldest_first = Keyset(owner.class_.__tablename__, model.uploaded_at, model.id)
    return oldest_first.fetch(session, select(model).where(owner == owner_id), page)


def file_of(
    session: Session,
    model: type[StoredFileT],
    owner: InstrumentedAttribute[uuid.UUID],
    owner_id: uuid.UUID,
    file_id: uuid.UUID,
) -> StoredFileT:
    record = session.get(model, file_id)
    if record is None or getattr(record, owner.key) != owner_id:
        raise NotFound(f"文件不存在 / file {file_id} not found")
    return record
