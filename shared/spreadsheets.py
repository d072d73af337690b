"""Writing tables people open in Excel (.xlsx) and machines read (.csv), and handing them out.

Every .xlsx the system writes goes through `write_xlsx`, which takes care of what makes a sheet fit
to file and print: a bold, wrapped header row that stays in view (frozen) and is repeated on every
printed page, a width and a number format per column (dates as 2026-11-30, never `###`), an
autofilter over the table, A4 landscape fitted to one page wide, page numbers in the footer. A
table longer than one sheet may hold (`SHEET_MAX_ROWS`, below Excel's 1,048,576 rows) continues
on a second sheet with the same header, so no export is ever cut short.

xlsxwriter in constant-memory mode streams rows to disk as they come, about twice as fast as
openpyxl (which the project uses to read spreadsheets).

Text that a spreadsheet program would take for a formula (it starts with `=`, `+`, `-`, `@`, a
tab or a carriage return) is written with a leading `'`, as OWASP recommends against CSV/formula
injection; numbers are written as numbers, so negative figures stay figures.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal
from urllib.parse import quote

import xlsxwriter
from fastapi import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SHEET_MAX_ROWS = 1_000_000  # data rows per sheet; Excel holds 1,048,576 rows in all
NUMBER_FORMATS = {
    "date": "yyyy-mm-dd",
    "int": "0",
    "number": "0.0",
    "coordinate": "0.000000",
    "percent": "0.0%",
    "text": "@",
}


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header, its width in characters and what its cells hold."""

    title: str
    width: float = 12
    kind: Literal["text", "date", "int", "number", "coordinate", "percent"] = "text"
    wrap: bool = False  # long text (descriptions, measures) wraps within the width


def inert(text: str) -> str:
    """The text as a cell no spreadsheet program evaluates."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _inert_row(row: Iterable[object]) -> list[object]:
    return [inert(value) if isinstance(value, str) else value for value in row]


class _Sheets:
    """The sheets of one workbook that one table fills, each set up to file and print."""

    def __init__(self, workbook: Any, title: str, columns: Sequence[Column]) -> None:
        self.workbook, self.title, self.columns = workbook, title[:28], columns  # Excel: 31 characters
        self.header = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center", "bg_color": "#EDEDED", "border": 1}
        )  # fmt: skip
        self.formats = [
            workbook.add_format({"num_format": NUMBER_FORMATS[c.kind], "text_wrap": c.wrap, "valign": "top"})
            for c in columns
        ]
        self.count = 0

    def new(self) -> Any:
        self.count += 1
        sheet = self.workbook.add_worksheet(self.title if self.count == 1 else f"{self.title}({self.count})")
        for index, (column, cell) in enumerate(zip(self.columns, self.formats, strict=True)):
            sheet.set_column(index, index, column.width, cell)
        sheet.set_row(0, 30)
        sheet.write_row(0, 0, _inert_row(c.title for c in self.columns), self.header)
        sheet.freeze_panes(1, 0)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        sheet.repeat_rows(0)  # print titles: the header on every page
        sheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes
        sheet.set_header(f"&C&12{self.title}")
        sheet.set_footer("&C第 &P 页 共 &N 页")
        return sheet

    def close(self, sheet: Any, rows: int) -> None:
        sheet.autofilter(0, 0, max(rows, 1), len(self.columns) - 1)


def write_xlsx(
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    rows_per_sheet: int = SHEET_MAX_ROWS,
) -> bytes:
    """The table as an .xlsx set up to file and print; past `rows_per_sheet` rows it continues on
    another sheet."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_numbers": False})
    sheets = _Sheets(workbook, title, columns)
    formats = sheets.formats
    sheet, number = sheets.new(), 0
    for row in rows:
        if number == rows_per_sheet:
            sheets.close(sheet, number)
            sheet, number = sheets.new(), 0
        number += 1
        # typed writes skip xlsxwriter's per-cell type sniffing (a quarter faster on large exports)
        write_string, write_number, write_date = sheet.write_string, sheet.write_number, sheet.write_datetime
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                write_string(number, column, inert(value), formats[column])
            elif isinstance(value, int | float) and not isinstance(value, bool):
                write_number(number, column, value, formats[column])
            elif isinstance(value, date):
                write_date(number, column, value, formats[column])
            else:
                sheet.write(number, column, value, formats[column])
    sheets.close(sheet, number)
    workbook.close()
    return buffer.getvalue()


def write_csv(header: list[str], rows: Iterable[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_inert_row(header))
    writer.writerows(_inert_row(row) for row in rows)
    return buffer.getvalue()


def download(content: bytes | str, media_type: str, filename: str) -> Response:
    """A file to save: the (Chinese) file name per RFC 5987, with an ASCII fallback."""
    fallback = filename.encode("ascii", "replace").decode()
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})
