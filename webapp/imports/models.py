"""An import of a file (its record, counts and findings) and the rows it wrote."""

import enum
import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from webapp.auth.models import Staff
from webapp.extensions import db, enum_column
from webapp.i18n import Labels
from webapp.timeutil import now_naive


class ImportStatus(enum.StrEnum):
    """An import's way from upload to import (or undo)."""

    CHECKING = "checking"
    CHECKED = "checked"
    IMPORTING = "importing"
    IMPORTED = "imported"
    CANCELLED = "cancelled"
    FAILED = "failed"
    UNDONE = "undone"

    @property
    def label(self) -> str:
        return STATUS_LABELS.text(self)


STATUS_LABELS = Labels(
    {
        ImportStatus.CHECKING: _l("Checking"),
        ImportStatus.CHECKED: _l("Checked, not imported"),
        ImportStatus.IMPORTING: _l("Importing"),
        ImportStatus.IMPORTED: _l("Imported"),
        ImportStatus.CANCELLED: _l("Cancelled"),
        ImportStatus.FAILED: _l("Failed"),
        ImportStatus.UNDONE: _l("Undone"),
    }
)


class CustomerImport(db.Model):
    """One uploaded file: who, which file, into which branch, what the check found, what the
    import wrote. The file itself is kept so the job can read it (and check it again)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    update_existing: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ImportStatus] = mapped_column(
        enum_column(ImportStatus, 12), default=ImportStatus.CHECKING
    )
    total_rows: Mapped[int] = mapped_column(default=0)
    valid_rows: Mapped[int] = mapped_column(default=0)
    error_rows: Mapped[int] = mapped_column(default=0)
    new_rows: Mapped[int] = mapped_column(default=0)
    changed_rows: Mapped[int] = mapped_column(default=0)
    same_rows: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    # The check's findings as JSON: errors [[row, column, code], ...] and changes to existing
    # customers [[row, customer name, column, old, new], ...].
    findings: Mapped[str] = deferred(mapped_column(Text, default=""))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_naive)
    imported_at: Mapped[datetime | None] = mapped_column()
    undone_at: Mapped[datetime | None] = mapped_column()

    staff: Mapped[Staff] = relationship()

    def found(self) -> dict:
        """The check's findings: errors and changes."""
        return json.loads(self.findings) if self.findings else {"errors": [], "changes": []}


class ImportedRow(db.Model):
    """A row an import created or updated, the version it left, and what it replaced."""

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("customer_import.id", ondelete="CASCADE"), index=True
    )
    # The customer, member of staff or prospect (by the import's kind). No foreign key: an
    # undone import deletes what it created but keeps this record.
    record_id: Mapped[int] = mapped_column(index=True)
    created: Mapped[bool] = mapped_column(default=True)
    version_after: Mapped[int] = mapped_column(default=1)
    # For an update: the replaced values as JSON, restored by an undo.
    before: Mapped[str] = mapped_column(Text, default="")
