"""Writing tables people open in Excel (.xlsx) and machines read (.csv).

xlsxwriter in constant-memory mode streams rows to disk as they come, about twice as fast as
openpyxl (which the project uses to read spreadsheets).
"""

import csv
import io
from collections.abc import Iterable

import xlsxwriter


def write_xlsx(title: str, header: list[str], rows: Iterable[list[object]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "default_date_format": "yyyy-mm-dd", "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet(title[:31])  # Excel's limit on sheet names
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, row)
    workbook.close()
    return buffer.getvalue()


def write_csv(header: list[str], rows: Iterable[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
