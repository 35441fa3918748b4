"""Import pages: upload with the templates, the preview, progress, the history, undo."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth.access import get_or_404, roles, scoped
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.imports import bp, services
from webapp.imports.checks import MESSAGES, NOTICES
from webapp.imports.columns import KINDS
from webapp.imports.forms import ActionForm, UploadForm
from webapp.imports.models import CustomerImport, ImportStatus
from webapp.imports.workbook import template_bytes
from webapp.inputs import body_limit

IMPORTERS = (Role.BRANCH_MANAGER, Role.ADMIN)
HISTORY = 30
SHOWN_FINDINGS = 500


@bp.route("/", methods=["GET", "POST"])
@roles(*IMPORTERS)
@body_limit("IMPORT_MAX_CONTENT_LENGTH")
def index():
    """Upload a file to check; the templates; the branch's past imports."""
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        record = services.start(
            current_user,
            form.kind.data,
            upload.filename or "",
            upload.read(),
            form.update_existing.data,
        )
        return redirect(url_for("imports.show", import_id=record.id), 303)
    status = 422 if request.method == "POST" else 200
    history = db.session.scalars(
        scoped(CustomerImport).order_by(CustomerImport.id.desc()).limit(HISTORY)
    ).all()
    return render_template(
        "imports/index.html", form=form, history=history, kinds=KINDS.values()
    ), status


@bp.route("/template/<kind>.xlsx")
@roles(*IMPORTERS)
def template(kind: str):
    """The template of one kind, to fill in Excel or WPS."""
    if kind not in KINDS:
        abort(404)
    filename = f"branchkit-{kind}-template.xlsx"
    return template_bytes(KINDS[kind]), {
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f"attachment; filename={filename}",
    }


@bp.route("/<int:import_id>")
@roles(*IMPORTERS)
def show(import_id: int):
    """An import: its progress while a job runs, the preview, or what it wrote."""
    record = get_or_404(CustomerImport, import_id)
    kind = KINDS[record.kind]
    found = record.found()
    headers = {c.key: c.header for c in kind.columns}
    errors = [
        (row, headers.get(key, key), MESSAGES[code], code in NOTICES)
        for row, key, code in found["errors"][:SHOWN_FINDINGS]
    ]
    changes = [
        (row, name, headers.get(key, key), old, new)
        for row, name, key, old, new in found["changes"][:SHOWN_FINDINGS]
    ]
    return render_template(
        "imports/show.html",
        record=record,
        kind=kind,
        job=services.job_of(record),
        errors=errors,
        changes=changes,
        form=ActionForm(),
    )


@bp.route("/<int:import_id>/progress")
@roles(*IMPORTERS)
def progress(import_id: int):
    """The progress bar, polled while the job runs; the page reloads when it ends."""
    record = get_or_404(CustomerImport, import_id)
    job = services.job_of(record)
    response = render_template("imports/_progress.html", record=record, job=job)
    if job is None or job.status.finished:
        return response, {"HX-Refresh": "true"}
    return response


@bp.route("/<int:import_id>/confirm", methods=["POST"])
@roles(*IMPORTERS)
def confirm(import_id: int):
    """Import the checked file's valid rows (the job runs in the worker)."""
    record = get_or_404(CustomerImport, import_id)
    if ActionForm().validate_on_submit():
        services.confirm(record)
    return redirect(url_for("imports.show", import_id=record.id), 303)


@bp.route("/<int:import_id>/cancel", methods=["POST"])
@roles(*IMPORTERS)
def cancel(import_id: int):
    """Stop the import's job; what it already wrote stays, and can be undone."""
    record = get_or_404(CustomerImport, import_id)
    if ActionForm().validate_on_submit():
        services.cancel(record)
        flash(_("Import cancelled."), "ok")
    return redirect(url_for("imports.show", import_id=record.id), 303)


@bp.route("/<int:import_id>/undo", methods=["POST"])
@roles(*IMPORTERS)
def undo(import_id: int):
    """Take back what the import wrote, unless some of it was changed since."""
    record = get_or_404(CustomerImport, import_id)
    if not ActionForm().validate_on_submit() or record.status not in UNDOABLE:
        return redirect(url_for("imports.show", import_id=record.id), 303)
    try:
        count = services.undo(record)
    except services.UndoRefused as refused:
        flash(
            _(
                "Not undone: %(count)d of its rows were changed or used since the import.",
                count=refused.args[0],
            ),
            "error",
        )
    else:
        flash(_("Import undone: %(count)d rows taken back.", count=count), "ok")
    return redirect(url_for("imports.show", import_id=record.id), 303)


UNDOABLE = (ImportStatus.IMPORTED, ImportStatus.CANCELLED)
