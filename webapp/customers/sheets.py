"""The two customer information sheets: their choice lists and the completeness score."""

from flask_babel import lazy_gettext as _l

AGE_BANDS = [
    ("", _l("Not known")),
    ("u30", _l("Under 30")),
    ("30s", _l("30 to 39")),
    ("40s", _l("40 to 49")),
    ("50s", _l("50 to 59")),
    ("60p", _l("60 or over")),
]
ASSET_BANDS = [
    ("", _l("Not known")),
    ("a0", _l("Under 50,000")),
    ("a1", _l("50,000 to 500,000")),
    ("a2", _l("500,000 to 3 million")),
    ("a3", _l("3 million or more")),
]
RISK_LEVELS = [
    ("", _l("Not assessed")),
    ("c1", _l("Conservative")),
    ("c2", _l("Cautious")),
    ("c3", _l("Balanced")),
    ("c4", _l("Growth")),
    ("c5", _l("Aggressive")),
]
TURNOVER_BANDS = [
    ("", _l("Not known")),
    ("t0", _l("Under 1 million")),
    ("t1", _l("1 to 10 million")),
    ("t2", _l("10 to 50 million")),
    ("t3", _l("50 million or more")),
]
NEEDS = [
    ("saving", _l("Saving")),
    ("wealth", _l("Wealth management")),
    ("insurance", _l("Insurance")),
    ("fund", _l("Funds")),
    ("loan", _l("Loan")),
    ("card", _l("Credit card")),
    ("payroll", _l("Payroll")),
    ("pension", _l("Pension")),
]

# The sheet's own columns (the rest live on Customer).
INDIVIDUAL_SHEET_FIELDS = (
    "occupation",
    "employer",
    "age_band",
    "family",
    "assets_here",
    "assets_elsewhere",
    "products_held",
    "risk_appetite",
    "contact_time",
    "resident_id",
    "notes",
    "next_step",
)
SME_SHEET_FIELDS = (
    "industry",
    "address",
    "employees",
    "turnover_band",
    "main_banks",
    "settlement",
    "payroll",
    "credit_needs",
    "cash_management",
    "decision_maker",
    "contact_name",
    "visit_history",
    "notes",
    "next_step",
)

# The fields that matter for each sheet: what the manager checks in the one-on-one.
INDIVIDUAL_FIELDS = (
    "mobile",
    "occupation",
    "employer",
    "age_band",
    "family",
    "assets_here",
    "assets_elsewhere",
    "products_held",
    "needs",
    "risk_appetite",
    "contact_time",
    "next_step",
)
SME_FIELDS = (
    "credit_code",
    "mobile",
    "industry",
    "address",
    "employees",
    "turnover_band",
    "main_banks",
    "settlement",
    "payroll",
    "credit_needs",
    "decision_maker",
    "contact_name",
    "next_step",
)
CUSTOMER_FIELDS = frozenset({"mobile", "credit_code"})


def label_of(choices, key: str) -> str:
    """The label of a key in one of the choice lists, or the key itself."""
    return str(dict(choices).get(key, key))


def completeness(customer) -> int:
    """The percentage (0-100) of the sheet's fields that matter which are filled."""
    is_sme = customer.kind == "sme"
    sheet = customer.sme_sheet if is_sme else customer.individual_sheet
    fields = SME_FIELDS if is_sme else INDIVIDUAL_FIELDS
    filled = 0
    for name in fields:
        source = customer if name in CUSTOMER_FIELDS else sheet
        value = getattr(source, name, None) if source is not None else None
        if value not in (None, ""):
            filled += 1
    return round(100 * filled / len(fields))


def missing_fields(customer) -> list[str]:
    """The names of the fields that matter which are still empty."""
    is_sme = customer.kind == "sme"
    sheet = customer.sme_sheet if is_sme else customer.individual_sheet
    fields = SME_FIELDS if is_sme else INDIVIDUAL_FIELDS
    out = []
    for name in fields:
        source = customer if name in CUSTOMER_FIELDS else sheet
        value = getattr(source, name, None) if source is not None else None
        if value in (None, ""):
            out.append(name)
    return out
