"""Domain events. Domains send them; listeners (push notifications, reports) subscribe.

Senders pass the model instance as `sender` and keyword data as documented here, so no
domain needs to import another's listeners (STYLE.md: signals instead of cross-imports).
Signals are sent *before* the sender commits, so a listener that writes rows (the push
outbox) writes them in the same transaction: a rolled-back event notifies nobody.
"""

from blinker import Namespace

events = Namespace()

# sender: Referral; kwargs: none. A referral was sent to its receiver.
referral_sent = events.signal("referral-sent")
# sender: Referral; kwargs: none. A referral stayed unaccepted past the branch's limit.
referral_overdue = events.signal("referral-overdue")
# sender: Referral; kwargs: none. A referral was accepted by its receiver.
referral_accepted = events.signal("referral-accepted")
# sender: Appointment; kwargs: none. An appointment was confirmed for the person who will meet.
appointment_confirmed = events.signal("appointment-confirmed")
