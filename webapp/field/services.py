"""Every state change of market running: planning sweeps, recording and editing visits."""

from collections.abc import Mapping
from datetime import date

from webapp.auth.models import SALES_ROLES, Staff
from webapp.customers.models import Acquisition, Customer, CustomerKind
from webapp.customers.services import create_customer
from webapp.extensions import db
from webapp.field.models import AreaKind, Outcome, PositionStatus, Stop, Sweep, Visit
from webapp.schedule import services as schedule_services
from webapp.schedule.models import EntryKind
from webapp.sync.protocol import check_version, create_once
from webapp.timeutil import now_naive


def plan_sweep(
    staff: Staff,
    *,
    area: str,
    area_kind: AreaKind,
    day: date,
    customers: list[Customer],
    new_targets: list[tuple[str, str]],
) -> Sweep:
    """Create a sweep with one stop per chosen customer and per new name, in that order."""
    sweep = Sweep(
        branch_id=staff.branch_id,
        staff_id=staff.id,
        area=area.strip(),
        area_kind=area_kind,
        day=day,
    )
    position = 0
    for customer in customers:
        sweep.stops.append(Stop(position=position, customer_id=customer.id, name=customer.name))
        position += 1
    for name, address in new_targets:
        sweep.stops.append(Stop(position=position, name=name[:120], address=address[:200]))
        position += 1
    db.session.add(sweep)
    db.session.flush()
    # The sweep takes the morning of its day in the salesperson's schedule.
    schedule_services.sync_source_entry(
        source_type="sweep",
        source_id=sweep.id,
        on=day,
        staff_id=staff.id,
        branch_id=staff.branch_id,
        kind=EntryKind.FIELD_VISIT,
        title=sweep.area,
    )
    return sweep


def parse_new_targets(text: str) -> list[tuple[str, str]]:
    """Lines of "name, address" (a Chinese comma works too) as (name, address) pairs."""
    targets = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        name, _, address = line.replace("，", ",").partition(",")
        targets.append((name.strip(), address.strip()))
    return targets


def record_visit(
    staff: Staff, values: Mapping, *, client_id: str, payload: Mapping
) -> tuple[Visit, bool]:
    """Store a visit once per client_id; a replay returns the first row (created=False)."""

    def build() -> Visit:
        visit = Visit(branch_id=staff.branch_id, staff_id=staff.id, **values)
        if visit.position_status != PositionStatus.OK or visit.latitude is None:
            visit.position_status = (
                visit.position_status
                if visit.position_status != PositionStatus.OK
                else PositionStatus.UNAVAILABLE
            )
            visit.latitude = visit.longitude = visit.accuracy_m = None
        visit.checked_in_at = visit.checked_in_at or now_naive()
        _locate_stop(visit)
        return visit

    return create_once(Visit, client_id, payload, build)


def contact_to_customer(
    staff: Staff, *, name: str, mobile: str | None, stop: Stop | None, client_id: str, payload
) -> tuple[Customer, bool]:
    """The contact met at a stop as a customer won by market running, owned by whoever met them
    (a salesperson), made once per client id; a stop with no customer yet becomes theirs.
    DuplicateCustomer when the branch has the mobile already."""

    def build() -> Customer:
        return create_customer(
            branch_id=staff.branch_id,
            kind=CustomerKind.INDIVIDUAL,
            name=name,
            mobile=mobile or None,
            owner_id=staff.id if staff.role in SALES_ROLES else None,
            acquired_via=Acquisition.MARKET_RUNNING,
        )

    def link_stop(customer: Customer) -> None:
        if stop is not None and stop.customer_id is None:
            stop.customer_id = customer.id

    return create_once(Customer, client_id, payload, build, then=link_stop)


def _locate_stop(visit: Visit) -> None:
    """A stop with no coordinates takes the position of its first located visit."""
    if visit.stop_id is None or visit.position_status != PositionStatus.OK:
        return
    stop = db.session.get(Stop, visit.stop_id)
    if stop is not None and stop.latitude is None:
        stop.latitude, stop.longitude = visit.latitude, visit.longitude


def edit_visit(
    visit: Visit,
    *,
    version: int,
    edit_id: str,
    outcome: Outcome,
    notes: str,
    shown: str | None = None,
) -> bool:
    """Apply an edit made from `version`; a replay of the last edit is a no-op (False). The
    sales-kit pages change only when the edit carries them (`shown` not None).

    Raises StaleVersion when someone else changed the visit since the edit started.
    """
    if visit.last_edit_id == edit_id:
        return False
    if not check_version(visit, version, edit_id):
        return False
    visit.outcome = outcome
    visit.notes = notes
    if shown is not None:
        visit.shown = shown
    return True
