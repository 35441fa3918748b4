"""The template to download for each kind: Chinese headers, an example row, drop-down lists."""

import io

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from webapp.imports.columns import Kind


def template_bytes(kind: Kind) -> bytes:
    """An .xlsx with the kind's headers (required ones marked *), one example row, text format
    on the columns that hold long numbers, and a drop-down list on each fixed-choice column."""
    book = Workbook()
    sheet = book.active
    with force_locale("zh_CN"):
        sheet.title = str(kind.label)[:31]
        choices_sheet = _("Choices")
        lists = book.create_sheet(choices_sheet)
        lists.sheet_state = "hidden"
        for index, column in enumerate(kind.columns, start=1):
            letter = get_column_letter(index)
            header = sheet.cell(1, index, str(column.header) + ("*" if column.required else ""))
            header.font = Font(bold=True)
            header.fill = PatternFill("solid", fgColor="DDEBF7")
            sheet.column_dimensions[letter].width = max(12, 2 * len(header.value) + 4)
            example = column.example
            if column.choices:
                labels = [str(label) for _key, label in column.choices]
                example = str(dict(column.choices).get(example, example))
                for row, label in enumerate(labels, start=1):
                    lists.cell(row, index, label)
                source = f"{quote_sheetname(choices_sheet)}!${letter}$1:${letter}${len(labels)}"
                check = DataValidation(type="list", formula1=source, allow_blank=True)
                check.error = _("Choose from the drop-down list.")
                check.showErrorMessage = True
                sheet.add_data_validation(check)
                check.add(f"{letter}2:{letter}10001")
            cell = sheet.cell(2, index, int(example) if not column.text and example else example)
            if column.text:
                sheet.column_dimensions[letter].number_format = "@"
                cell.number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
