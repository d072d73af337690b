"""Writing tables people open in Excel (.xlsx) and machines read (.csv), and handing them out.

Every .xlsx the system writes goes through `write_xlsx`, which takes care of what makes a sheet fit
to file and print: a bold, wrapped header row that stays in view (frozen) and is repeated on every
printed page, a width and a number format per column (dates as 2026-11-30, never `###`), an
autofilter over the table, A4 landscape fitted to one page wide, page numbers in the footer. A
table longer than one sheet may hold (`SHEET_MAX_ROWS`, below Excel's 1,048,576 rows) continues
on a second sheet with the same header, so no export is ever cut short.

xlsxwriter (in constant-memory mode, so rows go to disk as they come) lays out the workbook: the
formats, the header row, the print setup. The data rows, which are nearly all of a large export's
cells, are rendered here straight to the sheet's XML, the cell markup xlsxwriter would write: its
per-cell path costs about 4 µs a cell, 9 s of CPU for a 100,000-row ledger of 20 columns; this one
about 1.5 s (`python -m bench.reporting --ledger-only`). It writes into the worksheet's row file
(`row_data_fh`, after `_write_single_row` flushed the header) and widens its `<dimension>` with
`_check_dimensions`: internals of the locked xlsxwriter version, which the tests' read-backs check.

Text that a spreadsheet program would take for a formula (it starts with `=`, `+`, `-`, `@`, a
tab or a carriage return) is written with a leading `'`, as OWASP recommends against CSV/formula
injection; numbers are written as numbers, so negative figures stay figures.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import chain, islice
from math import isfinite
from typing import Any, Literal
from urllib.parse import quote

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


EXCEL_EPOCH = datetime(1899, 12, 30)
EXCEL_EPOCH_DAY = EXCEL_EPOCH.toordinal()
CELL_TEXT_MAX = 32767  # characters Excel keeps in a cell
PLAIN = frozenset({str, int, float, Decimal, date, datetime, bool})
# what xlsxwriter's escape of control characters changes (and text looking like such an escape)
CONTROL = re.compile("[\\x00-\\x08\\x0b-\\x1f\\ufffe\\uffff]")


def _plain(value: object) -> object:
    """An enum member (or another subclass of text or a number) as the plain value it stands for."""
    if isinstance(value, str):
        return str.__str__(value)
    for kind in (bool, int, float):
        if isinstance(value, kind):
            return kind(value)
    raise TypeError(f"a {type(value).__name__} is no spreadsheet value")


def _row_xml(number: int, row: Sequence[Any], cells: Sequence[tuple[str, str]]) -> str:
    """A data row as the sheet's XML (`number` counts from 1), the markup xlsxwriter writes: each
    cell with its column's format (`cells`: each column's letter and format attribute), text as an
    inline string, a date as Excel's day number."""
    xml = []
    for (letter, style), value in zip(cells, row, strict=False):
        if value is None:
            continue
        if (kind := type(value)) not in PLAIN:
            kind = type(value := _plain(value))
        if kind is str:
            text = ("'" + value if value.startswith(FORMULA_TRIGGERS) else value)[:CELL_TEXT_MAX]  # inert()
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            space = ' xml:space="preserve"' if text != text.strip() else ""
            xml.append(f'<c r="{letter}{number}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>')
        elif kind is int or ((kind is float or kind is Decimal) and isfinite(value)):
            xml.append(f'<c r="{letter}{number}"{style}><v>{value}</v></c>')
        elif kind is date:
            xml.append(f'<c r="{letter}{number}"{style}><v>{value.toordinal() - EXCEL_EPOCH_DAY}</v></c>')
        elif kind is datetime:
            xml.append(
                f'<c r="{letter}{number}"{style}><v>{(value - EXCEL_EPOCH) / timedelta(days=1)!r}</v></c>'
            )
        elif kind is bool:
            xml.append(f'<c r="{letter}{number}"{style} t="b"><v>{int(value)}</v></c>')
        else:
            raise ValueError(f"{value} in column {letter} of row {number}: Excel holds no such number")
    return f'<row r="{number}">{"".join(xml)}</row>'


def _escaped(rows: str) -> str:
    """Rows' XML with control characters escaped as xlsxwriter escapes them in a cell's text (no
    markup has any, so one pass over many rows does)."""
    if "_x" not in rows and not CONTROL.search(rows):
        return rows
    from xlsxwriter.xmlwriter import XMLwriter

    return XMLwriter._escape_control_characters(rows)


class _Sheets:
    """The sheets of one workbook that one table fills, each set up to file and print."""

    def __init__(self, workbook: Any, title: str, columns: Sequence[Column]) -> None:
        self.workbook, self.title, self.columns = workbook, title[:28], columns  # Excel: 31 characters
        self.header = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center", "bg_color": "#EDEDED", "border": 1}
        )  # fmt: skip
        formats = [
            workbook.add_format({"num_format": NUMBER_FORMATS[c.kind], "text_wrap": c.wrap, "valign": "top"})
            for c in columns
        ]
        self.formats = formats
        from xlsxwriter.utility import xl_col_to_name

        self.cells = [(xl_col_to_name(i), f' s="{f._get_xf_index()}"') for i, f in enumerate(formats)]
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
        sheet._write_single_row(1)  # the header goes to the sheet's file; the data rows follow it
        return sheet

    def fill(self, sheet: Any, rows: Iterable[Sequence[object]]) -> int:
        """Writes the rows below the header; how many it wrote."""
        cells, out, written, chunk = self.cells, sheet.row_data_fh, 0, []
        for written, row in enumerate(rows, start=1):
            chunk.append(_row_xml(written + 1, row, cells))
            if len(chunk) == 1000:
                out.write(_escaped("".join(chunk)))
                chunk.clear()
        out.write(_escaped("".join(chunk)))
        sheet._check_dimensions(written, len(self.columns) - 1)  # the <dimension> readers size the sheet by
        sheet.autofilter(0, 0, max(written, 1), len(self.columns) - 1)
        return written


def write_xlsx(
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    rows_per_sheet: int = SHEET_MAX_ROWS,
) -> bytes:
    """The table as an .xlsx set up to file and print; past `rows_per_sheet` rows it continues on
    another sheet."""
    import xlsxwriter  # only the processes that write spreadsheets load it

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_numbers": False})
    sheets, rows = _Sheets(workbook, title, columns), iter(rows)
    while sheets.fill(sheets.new(), islice(rows, rows_per_sheet)) == rows_per_sheet:
        if (following := next(rows, None)) is None:
            break
        rows = chain([following], rows)
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
