"""Domain events. Domains send them; listeners (push notifications, reports) subscribe.

Senders pass the model instance as `sender` and keyword data as documented here, so no
domain needs to import another's listeners (STYLE.md: signals instead of cross-imports).
Signals are sent *before* the sender commits, so a listener that writes rows (the push
outbox) writes them in the same transaction: a rolled-back event notifies nobody.
"""

from blinker import Namespace

events = Namespace()

# The Referral sender has: id, branch_id, receiver_id, referrer (Staff, .name), customer
# (Customer, .name, .masked_mobile), need_label (str, translated), created_at (naive UTC),
# and the endpoint "referrals.detail" takes referral_id. The Appointment sender has: id,
# branch_id, staff_id (who meets), customer (Customer), starts_at (naive UTC), place (str),
# and the endpoint "appointments.detail" takes appointment_id.

# sender: Referral; kwargs: none. A referral was sent to its receiver.
referral_sent = events.signal("referral-sent")
# sender: Referral; kwargs: none. A referral stayed unaccepted past the branch's limit.
referral_overdue = events.signal("referral-overdue")
# sender: Referral; kwargs: none. A referral was accepted by its receiver.
referral_accepted = events.signal("referral-accepted")
# sender: Appointment; kwargs: none. An appointment was confirmed for the person who will meet.
appointment_confirmed = events.signal("appointment-confirmed")
# sender: HandOver (webapp/auth/models.py: to_staff_id, from_staff (Staff, .name), customers,
# prospects, referrals, schedule_entries, appointments, total); kwargs: none. A leaving or
# moving person's book was handed to a colleague.
book_handed_over = events.signal("book-handed-over")
