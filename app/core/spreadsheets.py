"""Reading uploaded tables and writing XLSX downloads, shared by every feature.

Exports go through `stream_xlsx`: an openpyxl write-only workbook (rows go to
disk as they come, so memory stays flat however many there are) saved into an
anonymous temporary file that is sent and then deleted. Every exported cell
passes through `safe_cell`, so text a user typed cannot become a formula in
the recipient's spreadsheet program.

Imports go through `read_table`, which turns an .xlsx or .csv upload into
(row number, {header: value}) pairs, or raises SpreadsheetError with a message
a person can act on.
"""
import codecs
import csv
import io
import tempfile
import zipfile
from datetime import date, datetime, time
from decimal import Decimal

from flask import send_file
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.core.timeutil import LOCAL_TZ

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000

# A cell starting with one of these is run as a formula (or DDE command) by Excel,
# WPS and LibreOffice; tab and carriage return are used to smuggle the others past filters.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(ValueError):
    """The upload cannot be read as a table; str(error) says why, in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def safe_cell(value):
    """A value ready for an exported cell.

    Text beginning with = + - @ tab or CR gets a leading single quote so it is
    shown, never evaluated; characters XML cannot carry are dropped; aware
    datetimes become Asia/Shanghai wall time (Excel has no time zones).
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    if isinstance(value, (bool, int, float, Decimal, date, time)):
        return value
    return safe_cell(str(value))


def stream_xlsx(filename: str, headers, rows, *, sheet_title: str = "Sheet1", widths=None):
    """Send `rows` (any iterable of sequences, e.g. a generator over a yield_per query)
    as an .xlsx download named `filename`.

    The workbook is write-only: each row is serialised to a temporary file as it
    is produced, so memory does not grow with the number of rows.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(sheet_title)[:31])
    headers = [str(h) for h in headers]
    for index, header in enumerate(headers, start=1):
        width = (widths or {}).get(header) or min(max(10, _display_width(header) + 4), 40)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    return send_xlsx_workbook(workbook, filename)


def send_xlsx_workbook(workbook: Workbook, filename: str):
    """Save a workbook to an anonymous temporary file (deleted when closed) and send it."""
    out = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(out)
    size = out.tell()
    out.seek(0)
    response = send_file(
        out, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename,
        max_age=0, etag=False, conditional=False,
    )
    response.content_length = size
    response.headers["Cache-Control"] = "no-store"  # exports hold scoped data: never kept on disk
    return response


def _display_width(text: str) -> int:
    """Approximate column width: CJK characters take two cells."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


# --- reading uploads -------------------------------------------------------


def read_table(file_storage, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS):
    """Read the first sheet of an uploaded .xlsx or .csv file.

    Row 1 holds the headers. Returns [(row_number, {header: value})] for every
    non-empty data row, row numbers as the user's spreadsheet shows them (the
    first data row is 2). Text is stripped and blank cells are None; .xlsx
    numbers and dates keep their type. Raises SpreadsheetError for an unknown
    type, an unreadable or oversized file, or more than `max_rows` data rows.
    """
    filename = (getattr(file_storage, "filename", "") or "").strip()
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ("xls", "et", "wps", "numbers", "ods"):
        raise SpreadsheetError(_l("不支持 .%(ext)s 格式，请在表格软件中另存为 .xlsx 或 .csv 后再上传。", ext=extension))
    if extension not in ("xlsx", "csv"):
        raise SpreadsheetError(_l("只能上传 .xlsx 或 .csv 文件。"))
    data = file_storage.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SpreadsheetError(_l("文件超过 %(mb)d MB，请分批导入。", mb=max_bytes // (1024 * 1024)))
    if not data.strip():
        raise SpreadsheetError(_l("文件是空的。"))
    raw_rows = _xlsx_rows(data) if extension == "xlsx" else _csv_rows(data)
    return _to_records(raw_rows, max_rows)


def _xlsx_rows(data: bytes):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise SpreadsheetError(_l("无法读取该 .xlsx 文件（文件损坏或不是 Excel 工作簿）。")) from exc
    try:
        if not workbook.worksheets:
            raise SpreadsheetError(_l("工作簿中没有工作表。"))
        sheet = workbook.worksheets[0]
        # A file written by some tools declares a wrong size; let openpyxl read what is really there.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except SpreadsheetError:
        raise
    except Exception as exc:  # a broken part inside an otherwise valid zip
        raise SpreadsheetError(_l("无法读取该 .xlsx 文件（文件损坏或不是 Excel 工作簿）。")) from exc
    finally:
        workbook.close()


def _decode_csv(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)  # Excel's "Unicode text"
    else:
        # utf-8-sig also reads plain UTF-8; GB18030 is what Excel in China saves "CSV" as (a GBK superset).
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_l("无法识别 CSV 文件的编码，请另存为“CSV UTF-8”或 .xlsx 后再上传。"))


def _csv_rows(data: bytes):
    text = _decode_csv(data)
    if "\x00" in text:
        raise SpreadsheetError(_l("CSV 文件中含有无法识别的内容，请另存为“CSV UTF-8”或 .xlsx 后再上传。"))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise SpreadsheetError(_l("CSV 文件格式有误：%(error)s", error=str(exc))) from exc


def _clean_value(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _to_records(raw_rows, max_rows: int):
    rows = enumerate(raw_rows, start=1)
    headers = None
    for _number, header_row in rows:
        cleaned = [_clean_value(v) for v in header_row]
        if any(v is not None for v in cleaned):
            headers = ["" if v is None else str(v).strip() for v in cleaned]
            break
    if headers is None:
        raise SpreadsheetError(_l("文件中没有表头，第1行应为列名。"))
    seen = set()
    for header in headers:
        if header and header in seen:
            raise SpreadsheetError(_l("表头“%(header)s”出现了不止一次。", header=header))
        seen.add(header)
    records = []
    for number, raw in rows:
        values = [_clean_value(v) for v in raw]
        if not any(v is not None for v in values):
            continue
        if len(records) >= max_rows:
            raise SpreadsheetError(_l("数据超过 %(n)d 行，请分批导入。", n=max_rows))
        record = {}
        for index, header in enumerate(headers):
            if header:
                record[header] = values[index] if index < len(values) else None
        records.append((number, record))
    return records
