"""Spreadsheet bombs, built here: small files that decompress into millions of cells or megabytes
of text. Each is refused within seconds with one Chinese message, memory stays bounded (traced
with tracemalloc) and nothing is imported. Formula cells are named by row and column."""
import io
import time
import tracemalloc
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage

from app.companies.models import Company
from app.core.spreadsheets import SpreadsheetError, read_table

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
TAIL = b"</sheetData></worksheet>"
SECONDS = 5
PEAK_BYTES = 40 * 1024 * 1024  # Python allocations while reading; the bombs asked for 0.5–1.3 GB


def _workbook(**parts) -> bytes:
    """A real .xlsx from openpyxl (one cell of text, so it has shared strings) with some parts
    replaced by streamed content: {zip name: iterable of byte chunks}."""
    book = Workbook()
    book.active["A1"] = "企业名称"
    plain = io.BytesIO()
    book.save(plain)
    parts = {name.replace("__", "/").replace("_xml", ".xml"): chunks for name, chunks in parts.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in source.infolist():
            if info.filename in parts:
                with bomb.open(info.filename, "w", force_zip64=True) as target:
                    for chunk in parts[info.filename]:
                        target.write(chunk)
            else:
                bomb.writestr(info, source.read(info.filename))
        for name in set(parts) - set(source.namelist()):  # e.g. shared strings, which openpyxl writes inline
            with bomb.open(name, "w", force_zip64=True) as target:
                for chunk in parts[name]:
                    target.write(chunk)
    return out.getvalue()


def _sheet(rows_xml):
    yield HEAD
    yield from rows_xml
    yield TAIL


def one_row_of_two_million_cells() -> bytes:
    def rows():
        yield b'<row r="1">'
        chunk = b"<c><v>1</v></c>" * 10_000
        for _n in range(200):
            yield chunk
        yield b"</row>"
    return _workbook(xl__worksheets__sheet1_xml=_sheet(rows()))


def eighty_five_mb_of_shared_strings() -> bytes:
    def strings():
        yield (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
               b"<si><t>")
        chunk = b"A" * (1024 * 1024)
        for _n in range(85):
            yield chunk
        yield b"</t></si></sst>"
    return _workbook(xl__sharedStrings_xml=strings())


def five_million_empty_rows() -> bytes:
    def rows():
        chunk = b"<row/>" * 100_000
        for _n in range(50):
            yield chunk
    return _workbook(xl__worksheets__sheet1_xml=_sheet(rows()))


BOMBS = {
    "2,000,000 cells in one row": (one_row_of_two_million_cells, "列"),
    "85 MB of shared strings": (eighty_five_mb_of_shared_strings, "文字内容过多"),
    "5,000,000 empty rows": (five_million_empty_rows, "行（空行也计算在内）"),
}


@pytest.fixture(scope="module")
def bombs():
    return {name: build() for name, (build, _words) in BOMBS.items()}


def _upload(data: bytes, name: str = "企业.xlsx") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_bomb_is_refused_quickly_with_memory_bounded(bombs, name, app):
    data = bombs[name]
    assert len(data) < 400 * 1024  # small on the wire
    tracemalloc.start()
    started = time.monotonic()
    try:
        with app.test_request_context():
            with pytest.raises(SpreadsheetError) as refused:
                read_table(_upload(data))
            message = str(refused.value)
        elapsed = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert BOMBS[name][1] in message
    assert elapsed < SECONDS, elapsed
    assert peak < PEAK_BYTES, peak


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_the_import_page_refuses_a_bomb_and_imports_nothing(bombs, name, login_as, db_session):
    browser, _manager = login_as("manager")
    before = db_session.scalar(sa.select(sa.func.count()).select_from(Company))
    browser.get("/companies/import")
    response = browser.client.post("/companies/import", data={
        "csrf_token": browser._csrf, "file": (io.BytesIO(bombs[name]), "企业.xlsx")})
    assert response.status_code == 200
    assert BOMBS[name][1] in response.get_data(as_text=True)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Company)) == before


def test_formula_cells_are_reported_by_row_and_column(app):
    book = Workbook()
    sheet = book.active
    sheet.append(["企业名称", "统一社会信用代码", "从业人数"])
    sheet.append(["甲公司", "91330109MA2B000001", "=1+1"])
    sheet.append(["乙公司", "91330109MA2B000002", 12])
    sheet["C4"] = "=SUM(C2:C3)"
    data = io.BytesIO()
    book.save(data)
    with app.test_request_context(), pytest.raises(SpreadsheetError) as refused:
        read_table(_upload(data.getvalue()))
    message = str(refused.value)
    assert "2 个单元格是公式" in message
    assert "第2行第3列（C2）" in message and "第4行第3列（C4）" in message


def test_a_csv_with_too_many_columns_is_refused(app):
    data = ("企业名称," + ",".join(f"列{n}" for n in range(200)) + "\n甲," + ",".join("x" * 200) + "\n").encode()
    with app.test_request_context(), pytest.raises(SpreadsheetError) as refused:
        read_table(_upload(data, "企业.csv"))
    assert "超过 100 列" in str(refused.value)


def test_an_ordinary_workbook_still_reads(app):
    book = Workbook()
    sheet = book.active
    sheet.append(["企业名称", "从业人数"])
    for n in range(1, 501):
        sheet.append([f"企业{n}", n])
    data = io.BytesIO()
    book.save(data)
    with app.test_request_context():
        rows = read_table(_upload(data.getvalue()))
    assert len(rows) == 500 and rows[0] == (2, {"企业名称": "企业1", "从业人数": 1})
