"""Customers (individuals and SMEs) of a branch, their sheets and the audit of full views."""

from flask import Blueprint

bp = Blueprint("customers", __name__, url_prefix="/customers")


def field_label(name: str, kind: str) -> str:
    """The label of a sheet field, as the form shows it."""
    from webapp.customers.forms import IndividualSheetForm, SmeSheetForm

    form_class = SmeSheetForm if kind == "sme" else IndividualSheetForm
    field = getattr(form_class, name, None)
    return str(field.args[0]) if field is not None and field.args else name


def sheet_facts(customer) -> list[tuple[str, str]]:
    """The sheet's fields as (label, shown value), the resident ID masked, choices by label."""
    from webapp.customers import sheets
    from webapp.customers.validators import mask_resident_id

    is_sme = customer.kind == "sme"
    sheet = customer.sme_sheet if is_sme else customer.individual_sheet
    if sheet is None:
        return []
    names = sheets.SME_SHEET_FIELDS if is_sme else ("needs", *sheets.INDIVIDUAL_SHEET_FIELDS)
    choices = {
        "age_band": sheets.AGE_BANDS,
        "assets_here": sheets.ASSET_BANDS,
        "assets_elsewhere": sheets.ASSET_BANDS,
        "risk_appetite": sheets.RISK_LEVELS,
        "turnover_band": sheets.TURNOVER_BANDS,
    }
    facts = []
    for name in names:
        value = getattr(sheet, name)
        if name == "needs":
            value = "、".join(sheets.label_of(sheets.NEEDS, n) for n in sheet.need_list)
        elif name == "resident_id":
            value = mask_resident_id(value or "")
        elif name in choices:
            value = sheets.label_of(choices[name], value) if value else ""
        facts.append((field_label(name, customer.kind), "" if value is None else str(value)))
    return facts


def masked_id(value: str | None) -> str:
    """A resident ID number with all but the first three and last four characters hidden."""
    from webapp.customers.validators import mask_resident_id

    return mask_resident_id(value or "")


def offline_sheet_urls(user) -> list[str]:
    """The edit forms of the recently opened SME sheets, kept on the phone for offline use."""
    from webapp.customers.queries import offline_sheet_urls as urls

    return urls(user)


def masked(mobile: str | None) -> str:
    """A mobile number with the middle four digits hidden."""
    from webapp.customers.models import mask_mobile

    return mask_mobile(mobile)


# What the app registers for this domain (webapp/__init__.py).
template_filters = {"field_label": field_label, "masked_id": masked_id, "masked": masked}
template_globals = {"sheet_facts": sheet_facts}
offline_pages = ("customers.new", "customers.new_sme", offline_sheet_urls)
