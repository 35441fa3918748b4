"""Domain events. Domains send them; listeners (push notifications, reports) subscribe.

Senders pass the model instance as `sender` and keyword data as documented here, so no
domain needs to import another's listeners: a domain imports only those below it
(tests/test_import_direction.py), and those below reach it through a signal.
Signals are sent *before* the sender commits, so a listener that writes rows (the push
outbox) writes them in the same transaction: a rolled-back event notifies nobody.
"""

from blinker import Namespace

events = Namespace()

# The Referral sender has: id, branch_id, receiver_id, referrer (Staff, .name), customer
# (Customer, .name, .masked_mobile), need_label (str, translated), created_at (naive UTC),
# and the endpoint "referrals.detail" takes referral_id. The Appointment sender has: id,
# branch_id, staff_id (who meets), customer (Customer), starts_at (naive UTC), place (str),
# and the endpoint "appointments.detail" takes appointment_id. The CheckIn sender has: id,
# branch_id, ticket (the day's number), visitor_label (name or "Walk-in"), first_need (.label),
# created_at (naive UTC); the lobby board is the endpoint "lobby.board".

# sender: Referral; kwargs: none. A referral was sent to its receiver.
referral_sent = events.signal("referral-sent")
# sender: Referral; kwargs: none. A referral stayed unaccepted past the branch's limit.
referral_overdue = events.signal("referral-overdue")
# sender: Referral; kwargs: none. A referral was accepted by its receiver.
referral_accepted = events.signal("referral-accepted")
# sender: Appointment; kwargs: none. An appointment was confirmed for the person who will meet.
appointment_confirmed = events.signal("appointment-confirmed")

# Questions a lower domain asks the domains above it, which answer with the receivers' return
# values (blinker's send() lists them): the lower one names no domain above it.

# sender: CheckIn just recorded (id, branch_id, needs, deciding_amount_fen, flow_fen);
# kwargs: clear_intent (bool, the customer said what they want). A receiver answers None or a
# dict: "rules" (the referral criteria met, each with a .label, strongest first; a referral is
# proposed when there is one) and "simple_products" (names of products not grounds for one).
check_in_recorded = events.signal("check-in-recorded")
# sender: branch id; kwargs: check_in_ids (list of int), the lobby board's rows. A receiver
# answers {check_in_id: (referral_id, overdue)} for the check-ins with a referral (the latest).
lobby_board_shown = events.signal("lobby-board-shown")
# sender: the push worker's pass time (naive UTC); kwargs: none. A receiver does its domain's
# scheduled work for the pass (flushed, not committed) and answers how many things it did; the
# worker reports the count under the receiver's name.
worker_pass = events.signal("worker-pass")
# sender: CheckIn; kwargs: minutes (int). A walk-in has waited past the branch's limit.
walk_in_waiting = events.signal("walk-in-waiting")
# sender: branch id; kwargs: none. A receiver answers the branch's lobby settings as a dict:
# "wait_minutes" (a walk-in waiting longer is marked and told) and "bands" (the amount bands
# the check-in offers, cut at the branch's referral thresholds).
lobby_settings = events.signal("lobby-settings")
# sender: HandOver (webapp/auth/models.py: to_staff_id, from_staff (Staff, .name), customers,
# prospects, referrals, schedule_entries, appointments, total); kwargs: none. A leaving or
# moving person's book was handed to a colleague.
book_handed_over = events.signal("book-handed-over")
# sender: None; kwargs: none. The worker's short tick (every JOB_POLL seconds, between passes):
# a receiver runs queued background work (webapp/jobs), committing as it goes.
worker_tick = events.signal("worker-tick")
