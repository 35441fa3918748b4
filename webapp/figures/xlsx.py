"""The monthly operating report as an .xlsx workbook (openpyxl) for Excel and WPS."""

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from webapp.figures.models import COUNT_METRICS, metric_label

YUAN = "#,##0.00"


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
    """Build the workbook: money in yuan as real numbers, counts as integers."""
    book = Workbook()
    book.remove(book.active)
    progress_rows = []
    for metric, cell in report["progress"]["branch"].items():
        scale = 1 if metric in COUNT_METRICS else 100
        achieved = cell["achieved"] / scale
        target = None if cell["target"] is None else cell["target"] / scale
        progress_rows.append([metric_label(metric), target, achieved, cell["percent"]])
    _sheet(
        book,
        _("Targets by category"),
        [_("Category"), _("Target"), _("Achieved"), _("Percent")],
        progress_rows,
    )
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
