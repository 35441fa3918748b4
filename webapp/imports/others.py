"""Importing staff and prospects: their checks, writes and undo (customers: checks.py and
services.py)."""

import re
import secrets
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, insert, select
from werkzeug.security import generate_password_hash

from webapp.auth.models import Role, Staff
from webapp.customers.models import Customer, IndividualSheet
from webapp.customers.validators import is_mobile, normalise_code, normalise_mobile
from webapp.extensions import db
from webapp.imports.checks import Planned, Result, choice_map
from webapp.imports.columns import Kind
from webapp.imports.models import ImportedRow
from webapp.prospects.models import Prospect, Stage, StageChange
from webapp.schedule.models import ScheduleEntry

USERNAME_RE = re.compile(r"^[a-z0-9_.-]{2,60}$")


def _common(kind: Kind, raw: dict, choices: dict, row: int, errors: list) -> dict | None:
    """Required, length and drop-down checks every kind shares; None with errors appended."""
    out, bad = {}, False
    for column in kind.columns:
        text = raw.get(column.key, "").strip()
        if not text:
            if column.required:
                errors.append([row, column.key, "required"])
                bad = True
            out[column.key] = None
            continue
        if column.choices:
            chosen = choices[column.key].get(text.lower())
            if chosen is None:
                errors.append([row, column.key, "choice"])
                bad = True
            text = chosen
        elif column.max_length and len(text) > column.max_length:
            errors.append([row, column.key, "too_long"])
            bad = True
        out[column.key] = text
    return None if bad else out


def check_staff(kind: Kind, branch_id: int, rows: list) -> Result:
    """Staff rows: a new username each (usernames are unique across the bank), a known role."""
    choices = {c.key: choice_map(c) for c in kind.columns if c.choices}
    taken = {u.lower() for u in db.session.scalars(select(Staff.username))}
    result, seen = Result(total=len(rows)), set()
    for row, raw in rows:
        values = _common(kind, raw, choices, row, result.errors)
        if values is None:
            continue
        username = values["username"].lower()
        mobile = normalise_mobile(values["mobile"] or "")
        if not USERNAME_RE.match(username):
            result.errors.append([row, "username", "username"])
        elif mobile and not is_mobile(mobile):
            result.errors.append([row, "mobile", "mobile"])
        elif username in seen:
            result.errors.append([row, "username", "dup_file"])
        elif username in taken:
            result.errors.append([row, "username", "dup_staff"])
            result.same.append(Planned(row, values))
        else:
            seen.add(username)
            values.update(username=username, mobile=mobile)
            result.create.append(Planned(row, values))
    return result


def create_staff(record, planned: list) -> None:
    """Bulk-insert new staff of the importer's branch. Nobody knows their password: a manager
    issues each a one-time password (the staff page), changed at the first sign-in."""
    unusable = generate_password_hash(secrets.token_urlsafe(24), method="scrypt")
    people = [
        {
            "username": p.values["username"],
            "name": p.values["name"],
            "role": Role(p.values["role"]),
            "mobile": p.values["mobile"] or "",
            "title": p.values["title"] or "",
            "branch_id": record.branch_id,
            "password_hash": unusable,
            "password_must_change": True,
            "session_token": secrets.token_hex(8),
        }
        for p in planned
    ]
    ids = db.session.scalars(
        insert(Staff).returning(Staff.id, sort_by_parameter_order=True), people
    ).all()
    _record_rows(record, ids)


def check_prospects(kind: Kind, branch_id: int, rows: list) -> Result:
    """Prospect rows: an existing customer of the branch (by mobile, ID number or credit code),
    an owner of the branch, a sound amount and date; the same open prospect twice is left out."""
    from webapp.imports.checks import owners_of

    choices = {c.key: choice_map(c) for c in kind.columns if c.choices}
    owners = owners_of(branch_id)
    customers = {}
    for customer_id, mobile, code, resident in db.session.execute(
        select(Customer.id, Customer.mobile, Customer.credit_code, IndividualSheet.resident_id)
        .outerjoin(IndividualSheet, IndividualSheet.customer_id == Customer.id)
        .where(Customer.branch_id == branch_id)
    ):
        for key in (mobile, code, resident):
            if key:
                customers[key] = customer_id
    open_ones = set(
        db.session.execute(
            select(Prospect.customer_id, Prospect.category, Prospect.owner_id).where(
                Prospect.branch_id == branch_id, Prospect.stage.not_in([Stage.WON, Stage.LOST])
            )
        ).all()
    )
    result, seen = Result(total=len(rows)), set()
    for row, raw in rows:
        values = _common(kind, raw, choices, row, result.errors)
        if values is None:
            continue
        text = values["customer"]
        customer_id = customers.get(normalise_mobile(text)) or customers.get(normalise_code(text))
        owner_id = owners.get(values["owner"].lower())
        problems = []
        if customer_id is None:
            problems.append(("customer", "unknown_customer"))
        if owner_id is None:
            problems.append(("owner", "owner"))
        fen = _fen(values["expected_amount"])
        if fen is None:
            problems.append(("expected_amount", "amount"))
        follow_up = _day(values["next_follow_up"])
        if follow_up is False:
            problems.append(("next_follow_up", "date"))
        if problems:
            result.errors.extend([row, key, code] for key, code in problems)
            continue
        key = (customer_id, values["category"], owner_id)
        if key in seen:
            result.errors.append([row, "customer", "dup_file"])
            continue
        seen.add(key)
        values.update(customer_id=customer_id, owner_id=owner_id, fen=fen, follow_up=follow_up)
        if (customer_id, values["category"], owner_id) in {
            (c, str(cat), o) for c, cat, o in open_ones
        }:
            result.errors.append([row, "customer", "dup_prospect"])
            result.same.append(Planned(row, values))
        else:
            result.create.append(Planned(row, values))
    return result


def _fen(text: str | None) -> int | None:
    """An amount in yuan as fen (0 when blank); None when it is not an amount."""
    if not text:
        return 0
    try:
        amount = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite() or not 0 <= amount <= 10**11:
        return None
    return int(amount * 100)


def _day(text: str | None):
    """A YYYY-MM-DD date, None when blank, False when it is not a date."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return False
    return day if 1900 <= day.year <= 2999 else False


def create_prospects(record, planned: list) -> None:
    """New prospects through the prospects service: stage "new", history, the follow-up in the
    owner's schedule."""
    from webapp.prospects.services import create_prospect

    customers = {
        c.id: c
        for c in db.session.scalars(
            select(Customer).where(Customer.id.in_({p.values["customer_id"] for p in planned}))
        )
    }
    owners = {
        s.id: s
        for s in db.session.scalars(
            select(Staff).where(Staff.id.in_({p.values["owner_id"] for p in planned}))
        )
    }
    ids = []
    for plan in planned:
        values = plan.values
        prospect = create_prospect(
            customer=customers[values["customer_id"]],
            owner=owners[values["owner_id"]],
            data={
                "category": values["category"],
                "product_name": values["product_name"],
                "expected_amount_fen": values["fen"],
                "next_follow_up": values["follow_up"],
                "potential": values["potential"],
            },
        )
        ids.append(prospect.id)
    _record_rows(record, ids)


def _record_rows(record, ids: list[int]) -> None:
    db.session.execute(
        insert(ImportedRow),
        [
            {"import_id": record.id, "record_id": i, "created": True, "version_after": 1}
            for i in ids
        ],
    )


def undo_prospects(ids: list[int]) -> int:
    """Delete imported prospects still at "new" and untouched (one stage change, the first);
    how many could not be, which refuses the undo."""
    from webapp.imports.services import used_elsewhere

    untouched = set(
        db.session.scalars(
            select(Prospect.id).where(
                Prospect.id.in_(ids), Prospect.stage == Stage.NEW, Prospect.sale_id.is_(None)
            )
        )
    )
    moved = set(
        db.session.scalars(
            select(StageChange.prospect_id).where(
                StageChange.prospect_id.in_(ids), StageChange.from_stage.is_not(None)
            )
        )
    )
    refused = (
        len(set(ids) - untouched) + len(moved) + used_elsewhere(Prospect, ids, {"stage_change"})
    )
    if refused:
        return refused
    db.session.execute(
        delete(ScheduleEntry).where(
            ScheduleEntry.source_type == "prospect", ScheduleEntry.source_id.in_(ids)
        )
    )
    db.session.execute(delete(StageChange).where(StageChange.prospect_id.in_(ids)))
    db.session.execute(delete(Prospect).where(Prospect.id.in_(ids)))
    return 0


def undo_staff(ids: list[int]) -> int:
    """Delete imported staff nobody has used yet (no sign-in, no customer, no row naming them);
    how many could not be, which refuses the undo."""
    from webapp.imports.services import used_elsewhere

    refused = used_elsewhere(Staff, ids, set())
    if refused:
        return refused
    db.session.execute(delete(Staff).where(Staff.id.in_(ids)))
    return 0
