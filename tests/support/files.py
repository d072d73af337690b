"""Real files to upload, made by the libraries that read them: photos (with or without EXIF) and PDFs."""

import io
from datetime import datetime

import pypdf
from PIL import ExifTags, Image


def _dms(degrees: float) -> tuple[int, int, float]:
    """Degrees as EXIF writes them: degrees, minutes, seconds."""
    minutes = (degrees - int(degrees)) * 60
    return int(degrees), int(minutes), round((minutes - int(minutes)) * 60, 4)


def photo(
    kind: str = "PNG",
    *,
    taken: datetime | None = None,
    position: tuple[float, float] | None = None,
    size: tuple[int, int] = (64, 48),
) -> bytes:
    """A photo, small unless `size` says (a phone camera's: 4000 x 3000); a JPEG may carry EXIF
    DateTimeOriginal and a GPS position (north, east)."""
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if position is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        latitude, longitude = position
        gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", _dms(latitude)
        gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", _dms(longitude)
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, kind, exif=exif)
    return out.getvalue()


def pdf(pages: int = 1) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
