"""Checking every row of an import against the rules and the branch, without saving anything."""

from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.auth.models import Staff
from webapp.customers.models import Customer, CustomerKind, IndividualSheet, SmeSheet
from webapp.customers.validators import (
    is_credit_code,
    is_mobile,
    is_resident_id,
    normalise_code,
    normalise_mobile,
)
from webapp.extensions import db
from webapp.imports.columns import Kind

# Every finding's message, by code; stored as the code, shown in the reader's language.
MESSAGES = {
    "required": _l("Required: fill it in."),
    "too_long": _l("Too long for this column."),
    "mobile": _l("Not a mainland mobile number (11 digits starting 13 to 19)."),
    "resident_id": _l("Not a valid ID number: the check digit or the birth date is wrong."),
    "credit_code": _l("Not a valid unified social credit code: the check character is wrong."),
    "owner": _l("Unknown owner: no active member of staff of this branch has this username."),
    "choice": _l("Not one of the choices of the drop-down list."),
    "number": _l("Not a whole number."),
    "dup_file": _l("Same as an earlier row of this file."),
    "dup_existing": _l("Already a customer of the branch: this row is left out."),
    "two_customers": _l("Matches two different customers of the branch."),
    "other_kind": _l("Already a customer of the other kind."),
}
# Findings that leave a row out without making it an error of the file.
NOTICES = frozenset({"dup_existing", "dup_staff", "dup_prospect"})
MATCH_KEYS = ("credit_code", "resident_id", "mobile")


@dataclass
class Planned:
    """A valid row and what importing it does: create, update (with its changes) or nothing."""

    row: int
    values: dict
    customer_id: int | None = None
    changes: dict = field(default_factory=dict)  # column key -> (old, new)


@dataclass
class Result:
    """The outcome of a check: findings by cell, and the plan for the valid rows."""

    total: int = 0
    errors: list = field(default_factory=list)  # [row, column key, code]
    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    same: list = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        """How many rows hold an error (notices excluded)."""
        return len({row for row, _key, code in self.errors if code not in NOTICES})


def _existing(kind: Kind, branch_id: int) -> tuple[dict, dict]:
    """The branch's customers by match key ({(key, value): id}) and their current values."""
    customer_kind = CustomerKind(kind.key)
    sheet = IndividualSheet if kind.key == "individual" else SmeSheet
    names = [c.key for c in kind.columns if c.target == "sheet"]
    rows = db.session.execute(
        select(
            Customer.id,
            Customer.kind,
            Customer.name,
            Customer.mobile,
            Customer.credit_code,
            Customer.owner_id,
            *[getattr(sheet, n) for n in names],
        )
        .outerjoin(sheet, sheet.customer_id == Customer.id)
        .where(Customer.branch_id == branch_id)
        .execution_options(yield_per=2000)
    ).all()
    by_key, current = {}, {}
    for row in rows:
        values = row._asdict()
        if values["mobile"]:
            by_key[("mobile", values["mobile"])] = values["id"]
        if values["credit_code"]:
            by_key[("credit_code", values["credit_code"])] = values["id"]
        if values.get("resident_id"):
            by_key[("resident_id", values["resident_id"])] = values["id"]
        if row.kind == customer_kind:
            current[values["id"]] = values
        else:
            current[values["id"]] = {"other_kind": True, **values}
    return by_key, current


def _clean(
    kind: Kind, values: dict, owners: dict, choices: dict, row: int, errors: list
) -> dict | None:
    """The row's values as stored, or None with its errors appended."""
    out, bad = {}, False

    def fail(key: str, code: str) -> None:
        nonlocal bad
        bad = True
        errors.append([row, key, code])

    for column in kind.columns:
        text = values.get(column.key, "").strip()
        if not text:
            if column.required:
                fail(column.key, "required")
            out[column.key] = None
            continue
        if column.key == "mobile":
            text = normalise_mobile(text)
            if not is_mobile(text):
                fail("mobile", "mobile")
        elif column.key == "resident_id":
            text = normalise_code(text)
            if not is_resident_id(text):
                fail("resident_id", "resident_id")
        elif column.key == "credit_code":
            text = normalise_code(text)
            if not is_credit_code(text):
                fail("credit_code", "credit_code")
        elif column.key == "owner":
            owner_id = owners.get(text.lower())
            if owner_id is None:
                fail("owner", "owner")
            text = owner_id
        elif column.choices:
            chosen = choices[column.key].get(text.lower())
            if chosen is None:
                fail(column.key, "choice")
            text = chosen
        elif column.key == "employees":
            if not text.isdigit() or len(text) > 9:
                fail("employees", "number")
            else:
                text = int(text)
        elif column.max_length and len(text) > column.max_length:
            fail(column.key, "too_long")
        out[column.key] = text
    return None if bad else out


def choice_map(column) -> dict[str, str]:
    """A drop-down column's accepted texts (its keys, and labels in either language) -> key."""
    out = {}
    for locale in ("zh_CN", "en"):
        with force_locale(locale):
            out.update({str(label).strip().lower(): key for key, label in column.choices})
    out.update({key: key for key, _label in column.choices})
    return out


def owners_of(branch_id: int) -> dict[str, int]:
    """The branch's active staff by lower-case username: who may own what an import brings."""
    return {
        username.lower(): staff_id
        for staff_id, username in db.session.execute(
            select(Staff.id, Staff.username).where(
                Staff.branch_id == branch_id, Staff.active.is_(True)
            )
        )
    }


def check(kind: Kind, branch_id: int, rows: list, update_existing: bool) -> Result:
    """Check every row: each error by row and column, duplicates inside the file and of the
    branch's customers, and for the valid rows whether they create, change or repeat one."""
    owners = owners_of(branch_id)
    choices = {c.key: choice_map(c) for c in kind.columns if c.choices}
    by_key, current = _existing(kind, branch_id)
    result = Result(total=len(rows))
    seen: dict = {}
    for row, raw in rows:
        values = _clean(kind, raw, owners, choices, row, result.errors)
        if values is None:
            continue
        keys = [(k, values[k]) for k in MATCH_KEYS if values.get(k)]
        dup = next((k for k in keys if k in seen), None)
        if dup is not None:
            result.errors.append([row, dup[0], "dup_file"])
            continue
        seen.update(dict.fromkeys(keys, row))
        matches = {by_key[k] for k in keys if k in by_key}
        if len(matches) > 1:
            result.errors.append([row, keys[0][0], "two_customers"])
            continue
        if not matches:
            result.create.append(Planned(row, values))
            continue
        customer_id = matches.pop()
        existing = current[customer_id]
        key = next(k for k in keys if by_key.get(k) == customer_id)[0]
        if existing.get("other_kind"):
            result.errors.append([row, key, "other_kind"])
            continue
        changes = {
            name: (existing.get(_stored(name)), new)
            for name, new in values.items()
            if new not in (None, "") and existing.get(_stored(name)) != new
        }
        if not update_existing:
            result.errors.append([row, key, "dup_existing"])
            result.same.append(Planned(row, values, customer_id))
        elif changes:
            result.update.append(Planned(row, values, customer_id, changes))
        else:
            result.same.append(Planned(row, values, customer_id))
    return result


def _stored(name: str) -> str:
    """The name a column's value has among an existing customer's values."""
    return "owner_id" if name == "owner" else name


# Findings about the whole file, given as row 0.
MESSAGES.update(
    {
        "unreadable": _l("The file cannot be read: save it as .xlsx or CSV and upload it again."),
        "missing_column": _l("This column is missing from the header row."),
        "username": _l("A username is 2 to 60 lower-case letters, digits, dots, dashes or _."),
        "dup_staff": _l("This username is taken already: this row is left out."),
        "unknown_customer": _l(
            "No customer of the branch has this mobile, ID number or credit code."
        ),
        "amount": _l("Not an amount in yuan."),
        "date": _l("Not a date: write it as YYYY-MM-DD."),
        "dup_prospect": _l(
            "This customer is already an open prospect of this owner for this product: this row is left out."
        ),
    }
)
