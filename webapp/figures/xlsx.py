"""The monthly operating report as an .xlsx workbook (openpyxl) for Excel and WPS."""

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from webapp.figures.models import metric_label

YUAN = "#,##0.00"


def _unit_format(unit) -> str:
    """The cell format that shows a value with its unit: ¥ for yuan, the unit's name else
    (the number stays a number: Excel and WPS add and chart it)."""
    if unit is None:
        return "#,##0"
    if unit == "yuan":
        return '"¥"#,##0.00'
    name = unit.label.replace('"', "")
    return f'#,##0" {name}"'


def _sheet(book, title, header, rows, money_columns=()):
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in money_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = YUAN
    for i, _heading in enumerate(header, start=1):
        sheet.column_dimensions[chr(64 + i)].width = 18
    return sheet


def monthly_workbook(report: dict, branch_name: str, month) -> bytes:
    """Build the workbook: money in yuan as real numbers, accounts, cards and counts as
    integers, each category's cells formatted with its unit."""
    book = Workbook()
    book.remove(book.active)
    progress_rows, formats = [], []
    for metric, cell in report["progress"]["branch"].items():
        unit = cell["unit"]
        scale = 100 if unit == "yuan" else 1
        achieved = cell["achieved"] / scale
        target = None if cell["target"] is None else cell["target"] / scale
        unit_name = "" if unit is None else unit.label
        progress_rows.append([metric_label(metric), unit_name, target, achieved, cell["percent"]])
        formats.append(_unit_format(unit))
    sheet = _sheet(
        book,
        _("Targets by category"),
        [_("Category"), _("Unit"), _("Target"), _("Achieved"), _("Percent")],
        progress_rows,
    )
    # Each row in its own unit: the cells say yuan, accounts or cards, and no total adds them.
    for row, number_format in enumerate(formats, start=2):
        for column in (3, 4):
            sheet.cell(row=row, column=column).number_format = number_format
    _sheet(
        book,
        _("By person"),
        [
            _("Name"),
            _("Role"),
            _("Sales target (yuan)"),
            _("Credit (yuan)"),
            _("Referral credit (yuan)"),
        ],
        [
            [
                r["person"].name,
                r["person"].role_label,
                r["target_fen"] / 100,
                r["credit_fen"] / 100,
                r["referral_credit_fen"] / 100,
            ]
            for r in report["by_person"]
        ],
        money_columns=(3, 4, 5),
    )
    _sheet(
        book,
        _("Four sales behaviours"),
        [
            _("Behaviour"),
            _("New customers"),
            _("Bought"),
            _("Value (yuan)"),
            _("Days to first sale"),
        ],
        [
            [
                b["channel"].label,
                b["customers"],
                b["converted"],
                b["value_fen"] / 100,
                b["days_to_win"],
            ]
            for b in report["behaviours"]
        ],
        money_columns=(4,),
    )
    book.properties.title = f"{branch_name} {month:%Y-%m}"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
