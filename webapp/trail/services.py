"""Writing the general audit log (the caller's unit of work commits it)."""

from webapp.extensions import db
from webapp.trail.models import AuditEvent


def record(
    kind: str,
    branch_id: int,
    actor_id: int | None,
    *,
    subject_id: int | None = None,
    customer_id: int | None = None,
    detail: str = "",
) -> AuditEvent:
    """Add one audit event: `kind` is a key of audit.sources.EVENT_KINDS (add a new kind
    there, with its label): "sign_in", "role_change", "hand_over"."""
    event = AuditEvent(
        kind=kind,
        branch_id=branch_id,
        actor_id=actor_id,
        subject_id=subject_id,
        customer_id=customer_id,
        detail=detail[:300],
    )
    db.session.add(event)
    return event
