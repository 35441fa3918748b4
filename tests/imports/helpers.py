"""Import files for tests: a customer workbook with known bad cells, CSV in each encoding."""

from datetime import date, timedelta

from openpyxl import Workbook

from webapp.customers.validators import id_check_char

HEADERS = ["姓名*", "手机", "身份证号码", "管户人（用户名）", "职业", "年龄段"]
# The kinds of bad row, in turn: (column header, how the row is spoiled).
BAD_KINDS = ("手机", "身份证号码", "管户人（用户名）", "姓名*")


def resident_id(n: int) -> str:
    """A valid 18-character ID number, different for each n."""
    born = date(1960, 1, 1) + timedelta(days=n)
    first17 = f"110105{born:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


def customer_rows(rows: int, bad: int, owner_username: str, start: int = 0) -> tuple[list, list]:
    """Rows of an individual-customer file and the (row number, column header) of each bad
    cell; bad rows are spread evenly and spoiled in turn (mobile, ID checksum, owner, name)."""
    data, bad_cells = [], []
    step = max(1, rows // bad) if bad else rows + 1
    spoiled = 0
    for i in range(rows):
        n = start + i
        row = [
            f"导入客户{n:05d}",
            f"139{n:08d}",
            resident_id(n),
            owner_username,
            "教师",
            "30–39 岁",
        ]
        if bad and i % step == step - 1 and spoiled < bad:
            column = BAD_KINDS[spoiled % len(BAD_KINDS)]
            if column == "手机":
                row[1] = f"123{n:08d}"
            elif column == "身份证号码":
                row[2] = row[2][:17] + ("0" if row[2][17] != "0" else "1")
            elif column == "管户人（用户名）":
                row[3] = "nobody-here"
            else:
                row[0] = ""
            bad_cells.append((i + 2, column.rstrip("*")))
            spoiled += 1
        data.append(row)
    return data, bad_cells


def write_customer_workbook(path, rows=1000, bad=20, owner_username="retail1", start=0) -> list:
    """Write an .xlsx of individual customers as a branch would fill the template: `rows` rows
    of which `bad` hold one error each. Returns the bad cells as (row number, column header)."""
    data, bad_cells = customer_rows(rows, bad, owner_username, start)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in data:
        sheet.append(row)
    book.save(path)
    return bad_cells


def customer_csv(rows: int, owner_username: str, encoding: str, bom: bool = False) -> bytes:
    """A CSV of individual customers as Excel or WPS saves it, in the given encoding."""
    data, _bad = customer_rows(rows, 0, owner_username)
    text = "\r\n".join(",".join(row) for row in [HEADERS, *data]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
