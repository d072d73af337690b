"""Writing tables people open in Excel (.xlsx, streamed) and machines read (.csv)."""

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook


def write_xlsx(title: str, header: list[str], rows: Iterable[list[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(header: list[str], rows: Iterable[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
