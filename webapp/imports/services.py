"""Every state change of imports: upload, check and import (as jobs), cancel and undo."""

import json
from types import SimpleNamespace

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from webapp.auth.models import Staff
from webapp.customers.models import Acquisition, Customer, CustomerKind, IndividualSheet, SmeSheet
from webapp.customers.sheets import completeness
from webapp.extensions import db
from webapp.imports import checks, others
from webapp.imports.columns import CUSTOMER_KINDS, KINDS
from webapp.imports.models import CustomerImport, ImportedRow, ImportStatus
from webapp.imports.parsing import MissingColumns, UnreadableFile, read_rows
from webapp.jobs import runner
from webapp.jobs.models import Job, JobStatus
from webapp.timeutil import now_naive

CHECK_JOB = "imports.check"
RUN_JOB = "imports.run"
BATCH = 500
# At most this many findings are kept for the preview (the counts are always whole).
KEEP_FINDINGS = 2000


class UndoRefused(Exception):
    """Some rows the import wrote were changed or used since; `args[0]` says how many."""


def start(staff: Staff, kind: str, filename: str, data: bytes, update_existing: bool):
    """Keep the uploaded file and queue its check; the preview follows when the job is done."""
    record = CustomerImport(
        branch_id=staff.branch_id,
        staff_id=staff.id,
        kind=kind,
        filename=filename[:200],
        content=data,
        update_existing=update_existing,
    )
    db.session.add(record)
    db.session.flush()
    record.job_id = runner.enqueue(CHECK_JOB, record.id).id
    return record


def confirm(record: CustomerImport) -> None:
    """Import the checked file's valid rows: queue the job."""
    if record.status is not ImportStatus.CHECKED:
        return
    record.status = ImportStatus.IMPORTING
    record.job_id = runner.enqueue(RUN_JOB, record.id, total=record.valid_rows).id
    db.session.flush()


def cancel(record: CustomerImport) -> None:
    """Stop the import's job (what it already committed stays, and can be undone)."""
    job = db.session.get(Job, record.job_id) if record.job_id else None
    if job is not None:
        runner.request_cancel(job)
        if job.status is JobStatus.CANCELLED:
            _on_end(job)


def _load(job: Job):
    record = db.session.get(CustomerImport, job.ref_id)
    kind = KINDS[record.kind]
    try:
        rows = read_rows(kind, record.content, record.filename)
    except UnreadableFile:
        return record, kind, None, [[0, "", "unreadable"]]
    except MissingColumns as missing:
        return record, kind, None, [[0, key, "missing_column"] for key in missing.args[0]]
    return record, kind, rows, []


@runner.handler(CHECK_JOB)
def run_check(job: Job) -> None:
    """Check every row of the file without saving a customer; keep the findings."""
    record, kind, rows, problems = _load(job)
    if rows is None:
        record.findings = json.dumps({"errors": problems, "changes": []})
        record.error_rows = 1
        return
    job.total = len(rows)
    result = _check(kind, record, rows)
    names = _customer_names([p.customer_id for p in result.update[:KEEP_FINDINGS]])
    owners = staff_names(
        {v for p in result.update for k, pair in p.changes.items() if k == "owner" for v in pair}
    )
    changes = [
        [p.row, names.get(p.customer_id, ""), key, *_shown_pair(key, old, new, owners)]
        for p in result.update[:KEEP_FINDINGS]
        for key, (old, new) in p.changes.items()
    ]
    record.findings = json.dumps(
        {"errors": result.errors[:KEEP_FINDINGS], "changes": changes[:KEEP_FINDINGS]},
        ensure_ascii=False,
    )
    record.total_rows = result.total
    record.error_rows = result.error_rows
    record.new_rows = len(result.create)
    record.changed_rows = len(result.update)
    record.same_rows = len(result.same)
    record.valid_rows = len(result.create) + len(result.update)
    runner.progress(job, len(rows))


@runner.on_finish(CHECK_JOB)
def _check_finished(job: Job) -> None:
    record = db.session.get(CustomerImport, job.ref_id)
    record.status = {
        JobStatus.DONE: ImportStatus.CHECKED,
        JobStatus.CANCELLED: ImportStatus.CANCELLED,
    }.get(job.status, ImportStatus.FAILED)


@runner.handler(RUN_JOB)
def run_import(job: Job) -> None:
    """Check the file again (the branch may have changed) and write its valid rows in batches,
    each committed with the job's progress. Run again after a crash, the rows already written
    match their customers and are left alone, so nothing is written twice."""
    record, kind, rows, _problems = _load(job)
    if rows is None:
        return
    result = _check(kind, record, rows)
    done = job.done
    todo = result.create + result.update
    job.total = max(job.total, done + len(todo))
    create = CREATORS.get(kind.key, _create_customers)
    for start_at in range(0, len(result.create), BATCH):
        create(record, result.create[start_at : start_at + BATCH])
        done += len(result.create[start_at : start_at + BATCH])
        runner.progress(job, done)
    for start_at in range(0, len(result.update), BATCH):
        _update(record, result.update[start_at : start_at + BATCH])
        done += len(result.update[start_at : start_at + BATCH])
        runner.progress(job, done)


@runner.on_finish(RUN_JOB)
def _run_finished(job: Job) -> None:
    _on_end(job)


def _on_end(job: Job) -> None:
    record = db.session.get(CustomerImport, job.ref_id)
    written = (
        db.session.execute(select(ImportedRow.created).where(ImportedRow.import_id == record.id))
        .scalars()
        .all()
    )
    record.created_count = sum(1 for created in written if created)
    record.updated_count = len(written) - record.created_count
    record.imported_at = now_naive()
    record.status = {
        JobStatus.DONE: ImportStatus.IMPORTED,
        JobStatus.CANCELLED: ImportStatus.CANCELLED,
    }.get(job.status, ImportStatus.FAILED)


CUSTOMER_FIELDS = ("name", "mobile", "credit_code")


def _check(kind, record: CustomerImport, rows: list) -> checks.Result:
    """Check the rows as their kind is checked (customers may be matched for an update)."""
    if kind.key in CUSTOMER_KINDS:
        return checks.check(kind, record.branch_id, rows, record.update_existing)
    return CHECKERS[kind.key](kind, record.branch_id, rows)


CHECKERS = {"staff": others.check_staff, "prospect": others.check_prospects}
CREATORS = {"staff": others.create_staff, "prospect": others.create_prospects}


def _create_customers(record: CustomerImport, planned: list) -> None:
    """Bulk-insert a batch of new customers, their sheets and the import's record of them."""
    kind = record.kind
    sheet_model = IndividualSheet if kind == "individual" else SmeSheet
    sheet_names = [c.name for c in sheet_model.__table__.columns if c.name not in SHEET_KEYS]
    now = now_naive()
    customers, sheets = [], []
    for plan in planned:
        values = plan.values
        sheet = {n: values[n] for n in sheet_names if values.get(n) is not None}
        customer = {
            "branch_id": record.branch_id,
            "kind": CustomerKind(kind),
            "name": values["name"],
            "mobile": values.get("mobile"),
            "credit_code": values.get("credit_code"),
            "owner_id": values.get("owner"),
            "acquired_via": Acquisition.EXISTING,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        shape = SimpleNamespace(
            **customer,
            individual_sheet=SimpleNamespace(**sheet) if kind == "individual" else None,
            sme_sheet=SimpleNamespace(**sheet) if kind == "sme" else None,
        )
        customer["completeness"] = completeness(shape)
        customers.append(customer)
        sheets.append(sheet)
    ids = db.session.scalars(
        insert(Customer).returning(Customer.id, sort_by_parameter_order=True), customers
    ).all()
    rows = []
    for customer_id, sheet in zip(ids, sheets, strict=True):
        rows.append(
            {"customer_id": customer_id, "updated_at": now, **_sheet_defaults(sheet_model), **sheet}
        )
    db.session.execute(insert(sheet_model), rows)
    db.session.execute(
        insert(ImportedRow),
        [
            {"import_id": record.id, "record_id": i, "created": True, "version_after": 1}
            for i in ids
        ],
    )


SHEET_KEYS = ("id", "customer_id")


def _sheet_defaults(model) -> dict:
    """The empty value of every text column of a sheet (the bulk insert names every column)."""
    return {
        name: ""
        for name, column in model.__table__.columns.items()
        if name not in ("id", "customer_id", "updated_at", "resident_id", "employees")
    }


def _update(record: CustomerImport, planned: list) -> None:
    """Apply a batch of changes to existing customers, keeping what each replaced."""
    by_id = {p.customer_id: p for p in planned}
    customers = db.session.scalars(
        select(Customer)
        .where(Customer.id.in_(by_id))
        .options(selectinload(Customer.individual_sheet), selectinload(Customer.sme_sheet))
    ).all()
    written = []
    for customer in customers:
        plan = by_id[customer.id]
        sheet = customer.sme_sheet if customer.kind == "sme" else customer.individual_sheet
        if sheet is None:
            sheet = (SmeSheet if customer.kind == "sme" else IndividualSheet)(customer=customer)
            db.session.add(sheet)
        before = {}
        for key, (old, new) in plan.changes.items():
            before[key] = old
            if key == "owner":
                customer.owner_id = new
            elif key in CUSTOMER_FIELDS:
                setattr(customer, key, new)
            else:
                setattr(sheet, key, new)
        customer.version += 1
        customer.completeness = completeness(customer)
        written.append(
            {
                "import_id": record.id,
                "record_id": customer.id,
                "created": False,
                "version_after": customer.version,
                "before": json.dumps(before, ensure_ascii=False),
            }
        )
    db.session.flush()
    if written:
        db.session.execute(insert(ImportedRow), written)


def undo(record: CustomerImport) -> int:
    """Take back what the import wrote: delete what it created, restore the customers it
    changed. Refused (UndoRefused) when any of them was changed or used since."""
    rows = db.session.scalars(select(ImportedRow).where(ImportedRow.import_id == record.id)).all()
    ids = [r.record_id for r in rows]
    if record.kind in CUSTOMER_KINDS:
        _undo_customers(rows)
    else:
        refused = UNDOERS[record.kind](ids)
        if refused:
            raise UndoRefused(refused)
    record.status = ImportStatus.UNDONE
    record.undone_at = now_naive()
    db.session.flush()
    return len(rows)


UNDOERS = {"staff": others.undo_staff, "prospect": others.undo_prospects}


def _undo_customers(rows: list) -> None:
    versions = {}
    for start_at in range(0, len(rows), BATCH):
        chunk = [r.record_id for r in rows[start_at : start_at + BATCH]]
        versions.update(
            db.session.execute(
                select(Customer.id, Customer.version).where(Customer.id.in_(chunk))
            ).all()
        )
    changed = sum(1 for r in rows if versions.get(r.record_id, r.version_after) != r.version_after)
    created = [r.record_id for r in rows if r.created and r.record_id in versions]
    changed += used_elsewhere(Customer, created, OWN_TABLES)
    if changed:
        raise UndoRefused(changed)
    for start_at in range(0, len(created), BATCH):
        chunk = created[start_at : start_at + BATCH]
        db.session.execute(delete(IndividualSheet).where(IndividualSheet.customer_id.in_(chunk)))
        db.session.execute(delete(SmeSheet).where(SmeSheet.customer_id.in_(chunk)))
        db.session.execute(delete(Customer).where(Customer.id.in_(chunk)))
    for row in rows:
        if not row.created:
            _restore(row)


def _restore(row: ImportedRow) -> None:
    """Put back the values an import's update replaced."""
    customer = db.session.get(Customer, row.record_id)
    sheet = customer.sme_sheet if customer.kind == "sme" else customer.individual_sheet
    for key, old in json.loads(row.before or "{}").items():
        if key == "owner":
            customer.owner_id = old
        elif key in CUSTOMER_FIELDS:
            setattr(customer, key, old)
        elif sheet is not None:
            setattr(sheet, key, old if old is not None else _empty(sheet, key))
    customer.version += 1
    customer.completeness = completeness(customer)


def _empty(sheet, key: str):
    column = sheet.__table__.columns[key]
    return None if column.nullable else ""


# Tables whose rows belong to the customer and go with it; any other row pointing at a
# created customer means it is in use, and the undo is refused.
OWN_TABLES = frozenset({"individual_sheet", "sme_sheet"})


def used_elsewhere(model, ids: list[int], own_tables) -> int:
    """How many of these rows some other row (a prospect, a view, a sign-in...) points at."""
    used: set[int] = set()
    key = model.__table__.c.id
    for table in db.metadata.sorted_tables:
        if table.name in own_tables:
            continue
        for fk in table.foreign_keys:
            if fk.column is not key:
                continue
            for start_at in range(0, len(ids), BATCH):
                chunk = ids[start_at : start_at + BATCH]
                used.update(
                    db.session.scalars(select(fk.parent).where(fk.parent.in_(chunk)).distinct())
                )
    return len(used)


def _customer_names(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        db.session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids))).all()
    )


def _shown_pair(key: str, old, new, owners: dict) -> tuple[str, str]:
    """An old and a new value as the preview shows them (an owner by username)."""
    if key == "owner":
        old, new = owners.get(old, old), owners.get(new, new)
    return ("" if old is None else str(old)), ("" if new is None else str(new))


def job_of(record: CustomerImport) -> Job | None:
    """The import's current job."""
    return db.session.get(Job, record.job_id) if record.job_id else None


def staff_names(ids) -> dict[int, str]:
    """Usernames of owners by id (the preview shows an owner change by username)."""
    return dict(db.session.execute(select(Staff.id, Staff.username).where(Staff.id.in_(ids))).all())
