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
import posixpath
import re
import tempfile
from time import monotonic
import zipfile
from datetime import date, datetime, time
from decimal import Decimal

from flask import send_file
from flask_babel import lazy_gettext as _l
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.core.timeutil import LOCAL_TZ

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000

# An .xlsx is a zip of XML: 20 MB compressed can hold gigabytes. These bounds are checked while
# streaming through the file (check_xlsx_bounds), before openpyxl reads any of it into memory.
MAX_COLUMNS = 100  # the import template has 13
MAX_SHEET_ROWS = 2 * MAX_ROWS  # <row> elements, empty ones included
MAX_SHEET_BYTES = 64 * 1024 * 1024  # a sheet's XML after decompression
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024  # the workbook's text, after decompression
MAX_UNCOMPRESSED_BYTES = 128 * 1024 * 1024  # every part together
MAX_FORMULAS_LISTED = 10
TIME_BUDGET_SECONDS = 10.0
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

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


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The zip member of the workbook's first sheet (the one imports read), from workbook.xml and its rels."""
    try:
        workbook = etree.fromstring(archive.read("xl/workbook.xml"), _SAFE_PARSER)
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), _SAFE_PARSER)
    except (KeyError, etree.XMLSyntaxError):
        return None
    sheet = workbook.find(f"{_MAIN_NS}sheets/{_MAIN_NS}sheet")
    if sheet is None:
        return None
    rel_id = sheet.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
    return None


_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def check_xlsx_bounds(data: bytes, *, max_rows: int = MAX_SHEET_ROWS, max_columns: int = MAX_COLUMNS,
                      time_budget: float = TIME_BUDGET_SECONDS) -> None:
    """Refuse an .xlsx whose content is too large to load, before anything of it is held in memory.

    Checked from the zip directory: each part's and all parts' size after decompression, and the
    shared strings' size (zipfile never inflates a part past its declared size). Then the first
    sheet's XML is streamed: rows, columns and cells are counted as they come (each parsed element
    is dropped at once), formula cells are collected, and the time spent is watched. Raises
    SpreadsheetError with one message; returns quietly for a file openpyxl may then read.
    """
    too_big = _l("文件解压后内容过大（超过 %(mb)d MB），请删除多余的行、列和工作表，或分批导入。",
                 mb=MAX_UNCOMPRESSED_BYTES // (1024 * 1024))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SpreadsheetError(_l("无法读取该 .xlsx 文件（文件损坏或不是 Excel 工作簿）。")) from exc
    with archive:
        if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
            raise SpreadsheetError(too_big)
        for member in members:
            name = member.filename.lower()
            if name.endswith("sharedstrings.xml") and member.file_size > MAX_SHARED_STRINGS_BYTES:
                raise SpreadsheetError(_l("文件中的文字内容过多（解压后超过 %(mb)d MB），请分批导入。",
                                          mb=MAX_SHARED_STRINGS_BYTES // (1024 * 1024)))
            if name.startswith("xl/worksheets/") and member.file_size > MAX_SHEET_BYTES:
                raise SpreadsheetError(too_big)
        part = _first_sheet_part(archive)
        if part is None or part not in archive.namelist():
            return  # openpyxl reports what is wrong with the workbook itself
        _stream_sheet(archive, part, max_rows=max_rows, max_columns=max_columns, time_budget=time_budget)


def _stream_sheet(archive, part: str, *, max_rows: int, max_columns: int, time_budget: float) -> None:
    started = monotonic()
    rows = 0
    formulas: list[str] = []
    formula_count = 0
    row_tag, cell_tag, formula_tag = f"{_MAIN_NS}row", f"{_MAIN_NS}c", f"{_MAIN_NS}f"
    with archive.open(part) as stream:
        events = etree.iterparse(stream, events=("start", "end"), tag=(row_tag, cell_tag, formula_tag),
                                 resolve_entities=False, no_network=True, huge_tree=False)
        cells_in_row = 0
        last_column = 0
        try:
            for count, (event, element) in enumerate(events):
                if count % 4096 == 0 and monotonic() - started > time_budget:
                    raise SpreadsheetError(_l("文件过于复杂，未能在 %(s)d 秒内读完，请删除多余内容或分批导入。",
                                              s=int(time_budget)))
                tag = element.tag
                if event == "start":
                    if tag == row_tag:
                        rows += 1
                        cells_in_row = last_column = 0
                        if rows > max_rows:
                            raise SpreadsheetError(_l("工作表超过 %(n)d 行（空行也计算在内），请删除多余的行或分批导入。",
                                                      n=max_rows))
                    continue
                if tag == cell_tag:
                    cells_in_row += 1
                    match = _CELL_REF.match(element.get("r") or "")
                    last_column = _column_number(match[1]) if match else last_column + 1
                    if last_column > max_columns or cells_in_row > max_columns:
                        raise SpreadsheetError(_l("工作表超过 %(n)d 列，请删除多余的列后再上传。", n=max_columns))
                elif tag == formula_tag:
                    formula_count += 1
                    if len(formulas) < MAX_FORMULAS_LISTED:
                        cell = element.getparent()
                        reference = cell.get("r") if cell is not None else None
                        formulas.append(_describe_cell(reference, rows, last_column))
                    continue  # the cell's end clears it
                # Drop what has been read: the tree never grows past one element.
                element.clear(keep_tail=False)
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as exc:
            raise SpreadsheetError(_l("无法读取该 .xlsx 文件（文件损坏或不是 Excel 工作簿）。")) from exc
    if formulas:
        cells = "、".join(formulas) + ("……" if formula_count > len(formulas) else "")
        raise SpreadsheetError(_l("以下 %(n)d 个单元格是公式，导入不会计算公式：%(cells)s。请在表格软件中把它们改为数值"
                                  "（复制后“选择性粘贴 → 数值”）再上传。", n=formula_count, cells=cells))


def _describe_cell(reference: str | None, row: int, column: int) -> str:
    match = _CELL_REF.match(reference or "")
    if match:
        row, column = int(match[2]), _column_number(match[1])
    else:
        reference = f"{get_column_letter(max(column, 1))}{row}"
    return str(_l("第%(row)d行第%(column)d列（%(ref)s）", row=row, column=column, ref=reference))


def _xlsx_rows(data: bytes):
    check_xlsx_bounds(data)
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
        if len(header_row) > MAX_COLUMNS and any(v not in (None, "") for v in header_row[MAX_COLUMNS:]):
            raise SpreadsheetError(_l("工作表超过 %(n)d 列，请删除多余的列后再上传。", n=MAX_COLUMNS))
        cleaned = [_clean_value(v) for v in header_row[:MAX_COLUMNS]]
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
        if len(raw) > MAX_COLUMNS and any(v not in (None, "") for v in raw[MAX_COLUMNS:]):
            raise SpreadsheetError(_l("工作表超过 %(n)d 列，请删除多余的列后再上传。", n=MAX_COLUMNS))
        values = [_clean_value(v) for v in raw[:MAX_COLUMNS]]
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
