"""Who may change an appointment: its owner (the person who will meet: it is in their
schedule) and the branch manager. Booking one for a colleague does not make it the booker's;
branch scoping itself is done by get_or_404()."""

from webapp.appointments.models import Appointment
from webapp.auth.models import Role, Staff


def can_change(user: Staff, appointment: Appointment) -> bool:
    """Whether the user may move the appointment's state or time."""
    if user.role == Role.BRANCH_MANAGER:
        return appointment.branch_id == user.branch_id
    return appointment.staff_id == user.id
