"""Uploaded files (photos, PDFs): accepted only when they decode whole, their size bounded, and a
photo's EXIF time taken and GPS position kept."""

import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Form, Response
from PIL import ExifTags, Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import DateTime, Float, Integer, LargeBinary, String, func, select
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, mapped_column

from shared.errors import InvalidInput, NotFound
from shared.inputs import Instant
from shared.pagination import Keyset, Page, PageRequest
from shared.settings import get_settings

ACCEPTED = "仅限 JPEG、PNG、WebP 照片或 PDF / only JPEG, PNG, WebP photos or PDF files are accepted"
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# Larger than any camera's photo; a file declaring more pixels is a decompression bomb.
MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class Decoded:
    """What decoding a whole upload tells: its type and, for a photo, where and when it was taken."""

    content_type: str
    taken_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Told:
    """When and where the uploader says a photo was taken (the phone's clock and GPS): kept where the
    photo's own EXIF says nothing, as for a photo the phone made smaller before sending."""

    taken_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Upload:
    """An uploaded file as read from the request, with what its form told of it."""

    filename: str
    content: bytes
    told: Told | None = None


def told_by_form(
    taken_at: Annotated[Instant | None, Form(description="拍摄时间 / when the phone took it")] = None,
    latitude: Annotated[float | None, Form(ge=-90, le=90, description="纬度 WGS-84 from the phone")] = None,
    longitude: Annotated[float | None, Form(ge=-180, le=180, description="经度 WGS-84")] = None,
) -> Told:
    """The upload form's time and position fields (a dependency); both coordinates or neither."""
    if (latitude is None) != (longitude is None):
        missing = "latitude" if latitude is None else "longitude"
        raise InvalidInput("纬度与经度须同时提供 / latitude and longitude go together", field=missing)
    if taken_at is not None and taken_at.tzinfo is None:
        taken_at = taken_at.replace(tzinfo=get_settings().zone)
    return Told(taken_at, latitude, longitude)


def _refuse(filename: str, why: str) -> InvalidInput:
    return InvalidInput(f"文件“{filename}”无法读取,{ACCEPTED}: {why}", field="file")


def _decode_image(content: bytes) -> Decoded:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # refused, not only warned of
        with Image.open(io.BytesIO(content), formats=list(IMAGE_TYPES)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError(f"{image.width}x{image.height}")
            image.verify()  # the container's structure (chunks, checksums)
    with Image.open(io.BytesIO(content), formats=list(IMAGE_TYPES)) as image:
        image.load()  # every pixel: a truncated or corrupt image fails here
        assert image.format is not None  # an opened image knows its format
        return Decoded(IMAGE_TYPES[image.format], *_exif(image))


def _exif(image: Image.Image) -> tuple[datetime | None, float | None, float | None]:
    """(time taken, latitude, longitude) from the photo's EXIF, each None where absent."""
    try:
        exif = image.getexif()
        taken_at = _taken_at(exif.get_ifd(ExifTags.IFD.Exif))
        return taken_at, *_position(exif.get_ifd(ExifTags.IFD.GPSInfo))
    except Exception:  # a photo whose EXIF does not parse is still a photo, of unknown time and place
        return None, None, None


def _decode_pdf(content: bytes) -> Decoded:
    import pypdf  # about 8 MB, loaded by the first PDF uploaded rather than by every process

    if len(pypdf.PdfReader(io.BytesIO(content)).pages) == 0:
        raise ValueError("a PDF without pages")
    return Decoded("application/pdf")


def decode(content: bytes, filename: str) -> Decoded:
    """Decode the whole file as a JPEG, PNG or WebP photo or a PDF; 422 naming the file otherwise."""
    try:
        if content.startswith(b"%PDF-"):
            return _decode_pdf(content)
        return _decode_image(content)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise _refuse(filename, f"图像过大 / more than {MAX_PIXELS} pixels") from error
    except UnidentifiedImageError as error:
        raise _refuse(filename, "不是照片或PDF / neither a photo nor a PDF") from error
    except Exception as error:  # parsers of foreign input fail in many ways; each means "refused"
        raise _refuse(filename, str(error) or type(error).__name__) from error


def _taken_at(exif: dict[int, Any]) -> datetime | None:
    """DateTimeOriginal, in its own offset if the camera wrote one, else in the zone's time."""
    try:
        taken = datetime.strptime(
            str(exif[ExifTags.Base.DateTimeOriginal]).strip("\x00 "), "%Y:%m:%d %H:%M:%S"
        )
    except (KeyError, ValueError):
        return None
    offset = str(exif.get(ExifTags.Base.OffsetTimeOriginal, "")).strip("\x00 ")
    try:
        sign = -1 if offset.startswith("-") else 1
        hours, minutes = offset.lstrip("+-").split(":")
        return taken.replace(tzinfo=timezone(sign * timedelta(hours=int(hours), minutes=int(minutes))))
    except ValueError:
        return taken.replace(tzinfo=get_settings().zone)


def _degrees(value: Any, ref: Any, negative: str, limit: float) -> float | None:
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = (degrees + minutes / 60 + seconds / 3600) * (-1 if str(ref).strip("\x00 ") == negative else 1)
    return round(result, 7) if abs(result) <= limit else None


def _position(gps: dict[int, Any]) -> tuple[float | None, float | None]:
    """(latitude, longitude) in decimal degrees, or (None, None) when either is missing or wrong."""
    latitude = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "S", 90)
    longitude = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "W", 180)
    return (latitude, longitude) if latitude is not None and longitude is not None else (None, None)


class StoredFile:
    """The columns every uploaded file keeps (a mixin for each service's file table)."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[uuid.UUID]
    uploaded_by_name: Mapped[str | None] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # a photo's EXIF: when it was taken (拍摄时间) and where (WGS-84 degrees), where present
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


StoredFileT = TypeVar("StoredFileT", bound=StoredFile)


class StoredFileOut(BaseModel):
    """What an API shows of a stored file (each file table's schema adds its owner and tags)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: uuid.UUID
    uploaded_by_name: str | None
    uploaded_at: datetime
    taken_at: datetime | None = Field(title="拍摄时间 / EXIF time taken, else the uploader's")
    latitude: float | None = Field(title="拍摄位置纬度 / EXIF GPS, else the uploader's, WGS-84")
    longitude: float | None = Field(title="拍摄位置经度 / EXIF GPS, else the uploader's, WGS-84")


def stored(
    filename: str, content: bytes, max_bytes: int, uploader: uuid.UUID, uploader_name: str | None,
    told: Told | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The StoredFile values of an acceptable upload (422 for an empty, oversized or undecodable one)."""
    if not content:
        raise InvalidInput(f"文件“{filename}”为空 / the file is empty", field="file")
    if len(content) > max_bytes:
        raise InvalidInput(
            f"文件“{filename}”超过{max_bytes // (1024 * 1024)}MB / larger than {max_bytes} bytes",
            field="file",
        )
    decoded = decode(content, filename)
    if told is not None and decoded.content_type != "application/pdf":
        exif_place = decoded.latitude is not None
        decoded = Decoded(
            decoded.content_type,
            decoded.taken_at or told.taken_at,
            decoded.latitude if exif_place else told.latitude,
            decoded.longitude if exif_place else told.longitude,
        )
    return {
        "filename": filename[:200],
        "content_type": decoded.content_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": content,
        "uploaded_by": uploader,
        "uploaded_by_name": uploader_name,
        "taken_at": decoded.taken_at,
        "latitude": decoded.latitude,
        "longitude": decoded.longitude,
    }


# what `download` may answer with: the types `decode` accepts
DOWNLOAD_TYPES = (*IMAGE_TYPES.values(), "application/pdf")


def download(record: StoredFile) -> Response:
    """The file as stored, under its own name, never rendered as another type."""
    return Response(
        record.content,
        media_type=record.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(record.filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


def attach(
    session: Session, model: type[StoredFileT], owner: InstrumentedAttribute[uuid.UUID], owner_id: uuid.UUID,
    filename: str, content: bytes, max_bytes: int, uploader: uuid.UUID, uploader_name: str | None = None,
    told: Told | None = None, **extra: Any,
) -> StoredFileT:  # fmt: skip
    """Store an acceptable upload in `model`'s table under its owner (`owner` is that table's owner
    column); `told`: the uploader's time and place where the photo has none; `extra` fills the
    table's own further columns."""
    record = model(
        **{owner.key: owner_id},
        **stored(filename, content, max_bytes, uploader, uploader_name, told),
        **extra,
    )
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
