"""Reading a ledger the way safety offices keep it: an .xlsx workbook or a CSV file."""

import csv
import io
import zipfile
from collections.abc import Iterator

from services.registry.settings import get_registry_settings
from shared.errors import InvalidInput


def read_rows(content: bytes, filename: str | None) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Header and numbered data rows (row numbers as the user sees them in the sheet)."""
    rows = _xlsx_rows(content) if content.startswith(b"PK") else _csv_rows(content, filename)
    try:
        header = [str(cell or "").strip() for cell in next(rows)]
    except StopIteration:
        raise InvalidInput("文件为空 / the file is empty", field="file") from None

    max_rows = get_registry_settings().ledger_import_max_rows

    def numbered() -> Iterator[tuple[int, list[str]]]:
        for number, row in enumerate(rows, start=2):
            values = ["" if cell is None else str(cell).strip() for cell in row]
            if any(values):
                if number > max_rows + 1:
                    raise InvalidInput(
                        f"超过{max_rows}行,未导入任何记录 / more than {max_rows} rows; nothing imported",
                        field="file",
                    )
                yield number, values

    return header, numbered()


def _xlsx_rows(content: bytes) -> Iterator[tuple[object, ...]]:
    from openpyxl import load_workbook  # here, not at import: it loads numpy and PIL (~16 MB per process)

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput(f"不是有效的Excel文件 / not a valid .xlsx workbook: {exc}", field="file") from None
    return workbook.worksheets[0].iter_rows(values_only=True)


def _csv_rows(content: bytes, filename: str | None) -> Iterator[list[str]]:
    if b"\x00" in content[:4096]:
        raise InvalidInput(
            f"不是表格文件 / {filename or 'the file'} is not a spreadsheet (.xlsx or UTF-8 .csv)",
            field="file",
        )
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK more often than not
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("无法识别文件编码 / the CSV is neither UTF-8 nor GB18030", field="file")
    return iter(csv.reader(io.StringIO(text)))
