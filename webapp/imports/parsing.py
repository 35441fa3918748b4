"""Reading an uploaded sheet: .xlsx through openpyxl, CSV as Excel and WPS save it."""

import csv
import io
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook

from webapp.imports.columns import Kind


class UnreadableFile(Exception):
    """The file is neither an .xlsx workbook nor a CSV in a known encoding."""


class MissingColumns(Exception):
    """The header row lacks required columns (their keys in `args[0]`)."""


def decode_csv(data: bytes) -> str:
    """CSV bytes as text: UTF-8 with or without a BOM (Excel's "CSV UTF-8", WPS), else GB18030
    (Excel and WPS on a Chinese Windows save plain "CSV" in the ANSI code page, GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise UnreadableFile from error


def cell_text(value) -> str:
    """A cell's value as the text a person typed: whole numbers without ".0", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """Every row of the file's first sheet as a list of texts (the header row included)."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # a damaged or non-Excel zip
            raise UnreadableFile from error
        try:
            sheet = book.worksheets[0]
            return [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    text = decode_csv(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return [
        [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]


def read_rows(kind: Kind, data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """The data rows as (row number as the spreadsheet shows it, {column key: text}), blank
    rows left out. The header row is the first non-blank one; columns are matched by header."""
    table = read_table(data, filename)
    header_at = next((i for i, row in enumerate(table) if any(row)), None)
    if header_at is None:
        raise MissingColumns([c.key for c in kind.columns if c.required])
    by_text = {text: column.key for column in kind.columns for text in column.header_texts()}
    positions = {}
    for index, text in enumerate(table[header_at]):
        key = by_text.get(text.strip().rstrip("*＊").strip().lower())
        if key and key not in positions:
            positions[key] = index
    missing = [c.key for c in kind.columns if c.required and c.key not in positions]
    if missing:
        raise MissingColumns(missing)
    rows = []
    for offset, row in enumerate(table[header_at + 1 :], start=header_at + 2):
        values = {key: row[i] if i < len(row) else "" for key, i in positions.items()}
        if any(values.values()):
            rows.append((offset, values))
    return rows
