"""Demo step: a past import in the history, and a fortnight of the audit (views, sign-ins,
owner changes, a role change, a hand-over)."""

import io
import json
from datetime import timedelta

from openpyxl import Workbook

from webapp.auth.models import Role
from webapp.customers.models import Acquisition, CustomerKind, CustomerView, ViewReason
from webapp.extensions import db
from webapp.imports.models import CustomerImport, ImportedRow, ImportStatus
from webapp.trail.models import AuditEvent


def load(ctx) -> None:
    """The import of the branch's existing customers ten days ago, and audit rows of each kind."""
    home = ctx.branches["home"]
    staff = ctx.staff_of("home")
    manager = next(s for s in staff if s.role == Role.BRANCH_MANAGER)
    sales = [s for s in staff if s.role in (Role.WEALTH_MANAGER, Role.RETAIL_AM)]
    customers = ctx.customers["home"]
    _past_import(ctx, home, manager, customers)
    events = []
    for days in range(14):
        for member in staff:
            if ctx.rng.random() < 0.8:
                at = ctx.now - timedelta(days=days, hours=ctx.rng.randint(8, 10))
                address = f"10.12.3.{40 + member.id % 20}"
                events.append(AuditEvent(kind="sign_in", branch_id=home.id, actor_id=member.id,
                                         detail=address, at=at))  # fmt: skip
    # Owner changes and sheet edits are the customers' own record (demo/sheets.py).
    lobby = ctx.staff["lobby1"]
    events.append(
        AuditEvent(kind="role_change", branch_id=home.id, actor_id=manager.id,
                   subject_id=lobby.id, detail="柜员 → 大堂经理",
                   at=ctx.now - timedelta(days=12, hours=3))
    )  # fmt: skip
    events.append(
        AuditEvent(kind="hand_over", branch_id=home.id, actor_id=manager.id,
                   subject_id=sales[0].id, detail="12 位管户客户、3 个商机",
                   at=ctx.now - timedelta(days=6, hours=4))
    )  # fmt: skip
    views = [
        CustomerView(customer_id=c.id, staff_id=(c.owner_id or manager.id), branch_id=home.id,
                     viewed_at=ctx.now - timedelta(days=ctx.rng.randint(0, 13), hours=2),
                     ip_address="10.12.3.45", reason=ViewReason.OPENED)
        for c in [c for c in customers if c.kind is CustomerKind.SME][:25]
    ]  # fmt: skip
    db.session.add_all(events + views)
    ctx.made["audit events"] = len(events) + len(views)


def _past_import(ctx, home, manager, customers) -> None:
    """The branch's existing customers brought in from its spreadsheet ten days ago."""
    existing = [
        c for c in customers
        if c.acquired_via is Acquisition.EXISTING and c.kind is CustomerKind.INDIVIDUAL
    ][:30]  # fmt: skip
    book = Workbook()
    book.active.append(["姓名*", "手机", "管户人（用户名）"])
    usernames = {s.id: s.username for s in ctx.staff.values()}
    for customer in existing:
        book.active.append([customer.name, customer.mobile, usernames.get(customer.owner_id, "")])
    book.active.append(["", "1380000", ""])
    out = io.BytesIO()
    book.save(out)
    at = ctx.now - timedelta(days=10, hours=6)
    record = CustomerImport(
        branch_id=home.id, staff_id=manager.id, kind="individual", filename="存量客户名单.xlsx",
        content=out.getvalue(), status=ImportStatus.IMPORTED, total_rows=len(existing) + 1,
        valid_rows=len(existing), error_rows=1, new_rows=len(existing),
        created_count=len(existing), created_at=at, imported_at=at + timedelta(minutes=2),
        findings=json.dumps({"errors": [[len(existing) + 2, "name", "required"],
                                        [len(existing) + 2, "mobile", "mobile"]], "changes": []}),
    )  # fmt: skip
    db.session.add(record)
    db.session.flush()
    db.session.add_all(
        ImportedRow(import_id=record.id, record_id=c.id, created=True, version_after=c.version)
        for c in existing
    )
    ctx.made["imports"] = 1
