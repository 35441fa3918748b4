"""`demo-data --scale large`: a regional bank's worth of rows, written in bulk.

First the small demo is loaded exactly as `--scale small` loads it (same sign-ins, same two
demo branches with the same records), then generated regions and branches are added until the
totals of `Counts` are reached: 200 branches, 3,000 staff, 1,000,000 customers (a third of them
SMEs), 300,000 prospects and 3,000,000 activity records (lobby check-ins, market-running
visits, appointments and referrals, with the sales and credit lines of those won), two years of
targets, morning commitments (with the calls behind the last eight weeks), huddle notes and
one-on-ones.

Rows are written with PostgreSQL COPY (executemany on SQLite, which only the tests use with
tiny counts), with primary keys assigned here in blocks and sequences reset afterwards. Every
column the ORM would have defaulted is filled here from the model's own default, because COPY
skips the ORM. The demo branches keep the same page data at both scales, so a page measured
for a demo user on both scales shows how its cost grows with the tables, not with its data.
"""

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

import click
from sqlalchemy import func, select, text

from webapp import demo
from webapp.auth.models import ACCOUNT_MANAGERS, Role, Staff
from webapp.customers.validators import USCC_CHARS, uscc_check_char
from webapp.demo import names
from webapp.demo.customers import company_name, person_name
from webapp.extensions import db
from webapp.names import initials, sort_key
from webapp.sales.services import split_amount
from webapp.timeutil import day_start_utc, local_date, now_naive


@dataclass(frozen=True)
class Counts:
    """What the large data set holds in all (the demo's own rows included)."""

    branches: int = 200  # regions included
    staff: int = 3_000
    customers: int = 1_000_000
    prospects: int = 300_000
    check_ins: int = 1_200_000
    visits: int = 800_000
    appointments: int = 500_000
    referrals: int = 500_000
    days: int = 730  # history: two years

    @classmethod
    def parse(cls, spec: str) -> "Counts":
        """Counts from "customers=3000,staff=40" (the rest default): for tests and trials."""
        values = {}
        for part in filter(None, spec.split(",")):
            key, _, value = part.partition("=")
            if key not in {f.name for f in fields(cls)}:
                raise click.BadParameter(f"unknown count {key!r}")
            values[key] = int(value)
        return cls(**values)


REGIONS = ("浦西管辖行", "浦东新区管辖行", "徐汇管辖行", "闵行管辖行", "嘉定管辖行", "宝山管辖行", "松江管辖行", "青浦管辖行", "奉贤管辖行", "崇明管辖行")  # fmt: skip
PLACES = ("人民广场", "南京西路", "徐家汇", "五角场", "七宝", "莘庄", "九亭", "安亭", "南翔", "大场", "泗泾", "朱家角", "南桥", "堡镇", "曹路", "川沙", "周浦", "惠南", "新场", "高桥", "杨行", "罗店", "江桥", "华漕", "虹桥", "漕河泾", "龙华", "田林", "长风", "真如")  # fmt: skip
# One branch's staff, by role: generated branches cycle through it until the total is reached.
BRANCH_ROLES = (
    (Role.BRANCH_MANAGER, "支行长"),
    (Role.LOBBY_MANAGER, "大堂经理"),
    (Role.WEALTH_MANAGER, "理财经理"),
    (Role.RETAIL_AM, "零售客户经理"),
    (Role.CREDIT_AM, "信贷客户经理"),
    (Role.CORPORATE_AM, "对公客户经理"),
    (Role.TELLER, "综合柜员"),
    (Role.WEALTH_MANAGER, "理财经理"),
    (Role.RETAIL_AM, "零售客户经理"),
    (Role.TELLER, "综合柜员"),
    (Role.RETAIL_AM, "零售客户经理"),
    (Role.CREDIT_AM, "信贷客户经理"),
    (Role.TELLER, "综合柜员"),
    (Role.WEALTH_MANAGER, "理财经理"),
    (Role.CORPORATE_AM, "对公客户经理"),
)
SELLERS = ACCOUNT_MANAGERS | {Role.WEALTH_MANAGER}
CATEGORIES = ("deposit", "wealth_management", "insurance", "fund", "loan", "card", "corporate_settlement")  # fmt: skip
PRODUCTS = {
    "deposit": "大额存单", "wealth_management": "稳享 90 天理财", "insurance": "安享年金保险",
    "fund": "沪深 300 指数基金", "loan": "经营快贷", "card": "白金信用卡",
    "corporate_settlement": "对公结算套餐",
}  # fmt: skip
NEEDS = ("deposit", "transfer", "account_opening", "card", "e_banking", "wealth", "loan", "featured", "enquiry", "other")  # fmt: skip
NEED_WEIGHTS = (30, 15, 8, 6, 10, 12, 5, 4, 6, 4)
# The seed's default bands as (floor, ceiling) in fen: 5万以下, 5万–10万, 10万–50万, 50万以上.
BANDS = ((0, 50_000_00), (50_000_00, 100_000_00), (100_000_00, 500_000_00), (500_000_00, None))
OUTCOMES = ("not_interested", "info_collected", "sme_sheet", "appointment", "lead")
OUTCOME_WEIGHTS = (35, 30, 12, 15, 8)
AREA_KINDS = ("street", "market", "industrial_park", "community")
REASONS = ("internal_referral", "could_not_finish", "external_referral", "campaign")
RECEIVER_FOR_NEED = {"wealth": Role.WEALTH_MANAGER, "loan": Role.CREDIT_AM}
STAGES = ("new", "contacted", "appointment_set", "met", "proposal", "won", "lost")
STAGE_WEIGHTS = (25, 20, 12, 10, 8, 15, 10)
CREDIT_LINE_COLUMNS = ("id", "sale_id", "staff_id", "role", "share_bp", "amount_fen", "sold_at", "category", "created_at")  # fmt: skip
# The default credit split phases (seed 004): referrer's share in basis points by period.
PHASES = (("推广期", 8_000), ("巩固期", 6_000), ("常态期", 5_000))


class Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany elsewhere.

    Rows come as tuples in the order of `columns`; every other column gets the model's scalar
    default, or `now` where the default is a function (created_at, updated_at)."""

    def __init__(self, connection, now: datetime):
        self.connection = connection
        self.cursor = connection.cursor()
        self.postgres = db.engine.dialect.name == "postgresql"
        self.now = now
        self.written: dict[str, int] = {}

    def next_id(self, table: str) -> int:
        """The first free primary key of a table."""
        self.cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        return int(self.cursor.fetchone()[0])

    def _filler(self, table: str, columns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple]:
        extra_names, extra_values = [], []
        for column in db.metadata.tables[table].columns:
            if column.name in columns:
                continue
            default = column.default
            if default is None:
                if not column.nullable:
                    raise ValueError(f"{table}.{column.name} needs a value")
                continue
            value = self.now if callable(default.arg) else default.arg
            extra_names.append(column.name)
            extra_values.append(value.value if hasattr(value, "value") else value)
        return tuple(extra_names), tuple(extra_values)

    def write(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        """Write every row; return how many."""
        extra_names, extra_values = self._filler(table, columns)
        names = columns + extra_names
        count = 0
        if self.postgres:
            with self.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + extra_values)
                    count += 1
        else:
            marks = ", ".join("?" for _ in names)
            statement = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608
            batch: list[tuple] = []
            for row in rows:
                batch.append(row + extra_values)
                if len(batch) == 5_000:
                    self.cursor.executemany(statement, batch)
                    count += len(batch)
                    batch.clear()
            self.cursor.executemany(statement, batch)
            count += len(batch)
        self.written[table] = self.written.get(table, 0) + count
        return count

    def finish(self) -> None:
        """Move every sequence past the ids written here, then refresh the planner's stats."""
        if not self.postgres:
            return
        for table in self.written:
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


@dataclass
class Branch:
    """A generated branch and what later tables pick from."""

    id: int
    staff: list[tuple[int, Role]]
    customers: range  # ids
    manager: int = 0
    sellers: tuple[int, ...] = ()
    by_role: dict = field(default_factory=dict)


def generate(counts: Counts = Counts(), seed: int = 20261124, echo: Callable = print) -> dict:
    """Load the small demo, then add the generated branches and their history."""
    made = demo.load_demo()
    rng = random.Random(seed)
    now = now_naive().replace(microsecond=0)  # naive UTC, as stored
    today = local_date(now)
    connection = db.session.connection().connection.dbapi_connection
    writer = Writer(connection, now)
    existing = {
        "branches": db.session.scalar(select(func.count()).select_from(text("branch"))),
        "staff": db.session.scalar(select(func.count(Staff.id))),
    }
    started = time.monotonic()

    def step(label: str, count: int) -> None:
        echo(f"  {label:<16} {count:>10,} rows  {time.monotonic() - started:6.1f} s")

    # -- regions and branches ----------------------------------------------------------------
    to_make = max(counts.branches - existing["branches"], 0)
    regions = min(len(REGIONS), max(1, to_make // 20)) if to_make else 0
    branch_count = to_make - regions
    first = writer.next_id("branch")
    region_ids = list(range(first, first + regions))
    branch_ids = list(range(first + regions, first + regions + branch_count))

    def branch_rows():
        for i, rid in enumerate(region_ids):
            yield (rid, f"SH-R{i + 1:02d}", REGIONS[i], None, "region")
        for i, bid in enumerate(branch_ids):
            place = PLACES[i % len(PLACES)]
            suffix = "" if i < len(PLACES) else str(i // len(PLACES) + 1)
            yield (
                bid, f"SH-B{i + 1:03d}", f"{place}{suffix}支行", region_ids[i % regions], "branch"
            )  # fmt: skip

    columns = ("id", "code", "name", "parent_id", "kind")
    step("branch", writer.write("branch", columns, branch_rows()))
    if not branch_ids:
        writer.finish()
        return made

    # -- staff --------------------------------------------------------------------------------
    staff_total = max(counts.staff - existing["staff"] - regions, len(branch_ids))
    branches: list[Branch] = [Branch(bid, [], range(0)) for bid in branch_ids]
    for n in range(staff_total):
        branch = branches[n % len(branches)]
        role, _title = BRANCH_ROLES[len(branch.staff) % len(BRANCH_ROLES)]
        branch.staff.append((0, role))
    password = db.session.scalar(select(Staff.password_hash).where(Staff.username == "manager"))
    staff_id = writer.next_id("staff")

    def staff_rows():
        nonlocal staff_id
        for i, rid in enumerate(region_ids):
            name = person_name(rng)
            yield (staff_id, f"admin{i + 1:02d}", name, sort_key(name), "管辖行管理员", "", Role.ADMIN.value, rid, password)  # fmt: skip
            staff_id += 1
        for b, branch in enumerate(branches):
            people = []
            for k, (_zero, role) in enumerate(branch.staff):
                title = next(t for r, t in BRANCH_ROLES if r == role)
                mobile = f"136{b:04d}{k:04d}"
                username = f"b{b + 1:03d}_{role.value}{k + 1:02d}"
                name = person_name(rng)
                yield (staff_id, username, name, sort_key(name), title, mobile, role.value, branch.id, password)  # fmt: skip
                people.append((staff_id, role))
                staff_id += 1
            branch.staff = people
            branch.manager = next(sid for sid, role in people if role == Role.BRANCH_MANAGER)
            branch.sellers = tuple(sid for sid, role in people if role in SELLERS) or (branch.manager,)  # fmt: skip
            branch.by_role = {}
            for sid, role in people:
                branch.by_role.setdefault(role, []).append(sid)

    columns = ("id", "username", "name", "name_key", "title", "mobile", "role", "branch_id", "password_hash")  # fmt: skip
    step("staff", writer.write("staff", columns, staff_rows()))

    # -- credit split phases: the defaults, over the two years ---------------------------------
    phase_id = writer.next_id("split_phase")
    start = today - timedelta(days=counts.days)
    third = counts.days // 3
    edges = [
        start - timedelta(days=1),
        start + timedelta(days=third),
        start + timedelta(days=2 * third),
        None,
    ]
    phases: dict[int, list[tuple[int, date, date | None, int]]] = {}

    def phase_rows():
        nonlocal phase_id
        for branch in branches:
            for k, (name, share) in enumerate(PHASES):
                ends = edges[k + 1] - timedelta(days=1) if edges[k + 1] else None
                phases.setdefault(branch.id, []).append((phase_id, edges[k], ends, share))
                yield (phase_id, branch.id, name, edges[k], ends, share, branch.manager)
                phase_id += 1

    columns = ("id", "branch_id", "name", "starts_on", "ends_on", "referrer_bp", "created_by_id")
    step("split_phase", writer.write("split_phase", columns, phase_rows()))
    # Each branch comes with its referral criteria (the seed's defaults), as create_criteria.
    criteria_id = writer.next_id("referral_criteria")
    rows = ((criteria_id + k, branch.id) for k, branch in enumerate(branches))
    step("referral_criteria", writer.write("referral_criteria", ("id", "branch_id"), rows))

    # -- customers ----------------------------------------------------------------------------
    existing_customers = db.session.scalar(select(func.count()).select_from(text("customer")))
    customer_total = max(counts.customers - existing_customers, len(branches))
    per_branch = customer_total // len(branches)
    customer_id = writer.next_id("customer")
    history = counts.days * 86_400
    owner_of: dict[int, int | None] = {}

    def moment(max_age: int = history) -> datetime:
        return now - timedelta(seconds=rng.randrange(max_age))

    def customer_rows():
        nonlocal customer_id
        for b, branch in enumerate(branches):
            size = per_branch + (1 if b < customer_total % len(branches) else 0)
            branch.customers = range(customer_id, customer_id + size)
            for seq in range(size):
                sme = seq % 3 == 0
                created = moment()
                owner = rng.choice(branch.sellers) if rng.random() < 0.85 else None
                owner_of[customer_id] = owner
                mobile = names.MOBILE_PREFIXES[seq % len(names.MOBILE_PREFIXES)] + f"{(seq * 7919 + b * 104_729) % 100_000_000:08d}"  # fmt: skip
                code = None
                if sme:
                    body = "913101" + f"{b % 100:02d}" + _base31(seq, 9)
                    code = body + uscc_check_char(body)
                name = company_name(rng) if sme else person_name(rng)
                yield (
                    customer_id, branch.id, "sme" if sme else "individual",
                    name, sort_key(name), initials(name), mobile, code, owner,
                    rng.choices(("lobby", "referral", "appointment", "market_running", "existing"), (4, 3, 2, 2, 5))[0],
                    created, min(created + timedelta(days=rng.randrange(30)), now),
                    rng.randrange(20, 101),
                )  # fmt: skip
                customer_id += 1

    columns = ("id", "branch_id", "kind", "name", "name_key", "name_initials", "mobile", "credit_code", "owner_id", "acquired_via", "created_at", "updated_at", "completeness")  # fmt: skip
    step("customer", writer.write("customer", columns, customer_rows()))

    def customer_of(branch: Branch) -> int:
        return branch.customers[rng.randrange(len(branch.customers))]

    # -- prospects and their first stage change ---------------------------------------------
    existing_prospects = db.session.scalar(select(func.count()).select_from(text("prospect")))
    prospect_total = max(counts.prospects - existing_prospects, 0)
    prospect_id = writer.next_id("prospect")
    changes: list[tuple] = []

    def prospect_rows():
        nonlocal prospect_id
        for n in range(prospect_total):
            branch = branches[n % len(branches)]
            customer = customer_of(branch)
            owner = owner_of.get(customer) or rng.choice(branch.sellers)
            stage = rng.choices(STAGES, STAGE_WEIGHTS)[0]
            category = rng.choice(CATEGORIES)
            created = moment()
            follow = None
            if stage not in ("won", "lost"):
                follow = today + timedelta(days=rng.randrange(-14, 30))
            changes.append((prospect_id, owner, stage, created))
            yield (
                prospect_id, branch.id, customer, owner, category, PRODUCTS[category], stage,
                "客户暂无需求" if stage == "lost" else "", rng.randrange(1, 500) * 10_000_00,
                follow, rng.choice(("他行理财到期", "经营流水大", "代发工资客户", "")), created,
                min(created + timedelta(days=rng.randrange(60)), now),
            )  # fmt: skip
            prospect_id += 1

    columns = ("id", "branch_id", "customer_id", "owner_id", "category", "product_name", "stage", "lost_reason", "expected_amount_fen", "next_follow_up", "potential", "created_at", "updated_at")  # fmt: skip
    step("prospect", writer.write("prospect", columns, prospect_rows()))
    change_id = writer.next_id("stage_change")
    rows = ((change_id + i, pid, owner, None, "new", created) for i, (pid, owner, _s, created) in enumerate(changes))  # fmt: skip
    columns = ("id", "prospect_id", "staff_id", "from_stage", "to_stage", "changed_at")
    step("stage_change", writer.write("stage_change", columns, rows))

    # -- lobby check-ins ----------------------------------------------------------------------
    existing_activity = {
        table: db.session.scalar(select(func.count()).select_from(text(table)))
        for table in ("check_in", "visit", "appointment", "referral")
    }
    check_in_id = writer.next_id("check_in")
    check_ins_of: dict[int, list[tuple[int, int, datetime, str]]] = {}

    def check_in_rows():
        nonlocal check_in_id
        total = max(counts.check_ins - existing_activity["check_in"], 0)
        for n in range(total):
            branch = branches[n % len(branches)]
            lobby = branch.by_role.get(Role.LOBBY_MANAGER, [branch.manager])[0]
            tellers = branch.by_role.get(Role.TELLER, [lobby])
            created = moment()
            customer = customer_of(branch) if rng.random() < 0.7 else None
            need = rng.choices(NEEDS, NEED_WEIGHTS)[0]
            band = rng.choice(BANDS)
            served = created + timedelta(minutes=rng.randrange(1, 25))
            if customer and len(check_ins_of.setdefault(branch.id, [])) < 4_000:
                check_ins_of[branch.id].append((check_in_id, customer, created, need))
            yield (
                check_in_id, branch.id, n // len(branches) % 300 + 1, customer, need, *band,
                "done", lobby, rng.choice(tellers), created, served,
                served + timedelta(minutes=rng.randrange(3, 20)),
            )  # fmt: skip
            check_in_id += 1

    columns = ("id", "branch_id", "ticket", "customer_id", "first_need", "band_floor_fen", "band_ceiling_fen", "state", "checked_in_by_id", "served_by_id", "created_at", "served_at", "done_at")  # fmt: skip
    step("check_in", writer.write("check_in", columns, check_in_rows()))

    # -- market running: sweeps of five visits ------------------------------------------------
    sweep_id, visit_id = writer.next_id("sweep"), writer.next_id("visit")
    sweeps: list[tuple] = []

    def visit_rows():
        nonlocal sweep_id, visit_id
        total = max(counts.visits - existing_activity["visit"], 0)
        n = 0
        while n < total:
            branch = branches[(n // 5) % len(branches)]
            staff = rng.choice(branch.sellers)
            # 09:00 at the branch, stored as naive UTC.
            day_start = day_start_utc(today - timedelta(days=rng.randrange(counts.days))) + timedelta(hours=9)  # fmt: skip
            area = rng.choice(PLACES) + rng.choice(("商业街", "农贸市场", "产业园", "社区"))
            sweeps.append((sweep_id, branch.id, staff, area, rng.choice(AREA_KINDS), local_date(day_start), day_start))  # fmt: skip
            for stop in range(min(5, total - n)):
                industry, _ = rng.choice(names.INDUSTRIES)
                at = day_start + timedelta(minutes=30 * stop + rng.randrange(25))
                located = rng.random() < 0.85
                yield (
                    visit_id, branch.id, staff, sweep_id, f"{area}{industry}{stop + 1}号",
                    area, industry, person_name(rng),
                    31.2 + rng.random() / 5 if located else None,
                    121.4 + rng.random() / 5 if located else None,
                    rng.randrange(5, 60) if located else None,
                    "ok" if located else rng.choice(("refused", "unavailable")),
                    at, rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0], at, at,
                )  # fmt: skip
                visit_id += 1
                n += 1
            sweep_id += 1

    columns = ("id", "branch_id", "staff_id", "sweep_id", "business_name", "place", "industry", "contact_name", "latitude", "longitude", "accuracy_m", "position_status", "checked_in_at", "outcome", "created_at", "updated_at")  # fmt: skip
    # Visits point at their sweep (a foreign key checked per statement): the rows are made
    # first, then the sweeps gathered on the way are written before the visits.
    visit_batch = list(visit_rows())
    columns_sweep = ("id", "branch_id", "staff_id", "area", "area_kind", "day", "created_at")
    step("sweep", writer.write("sweep", columns_sweep, sweeps))
    step("visit", writer.write("visit", columns, visit_batch))

    # -- appointments -------------------------------------------------------------------------
    appointment_id = writer.next_id("appointment")

    def appointment_rows():
        nonlocal appointment_id
        total = max(counts.appointments - existing_activity["appointment"], 0)
        for n in range(total):
            branch = branches[n % len(branches)]
            maker = rng.choice(branch.sellers)
            made_at = moment()
            starts = made_at + timedelta(days=rng.randrange(1, 8), hours=rng.randrange(0, 8))
            starts = starts.replace(minute=0, second=0)
            past = starts < now
            state = rng.choices(("held", "no_show", "rescheduled", "cancelled"), (70, 10, 10, 10))[0] if past else "confirmed"  # fmt: skip
            yield (
                appointment_id, branch.id, maker, maker if rng.random() < 0.8 else rng.choice(branch.sellers),
                customer_of(branch), rng.choice(REASONS), starts, starts + timedelta(days=1),
                starts, True, "网点贵宾室", state, made_at, made_at,
            )  # fmt: skip
            appointment_id += 1

    columns = ("id", "branch_id", "created_by_id", "staff_id", "customer_id", "reason", "option_1", "option_2", "starts_at", "reconfirmed", "place", "state", "created_at", "updated_at")  # fmt: skip
    step("appointment", writer.write("appointment", columns, appointment_rows()))

    # -- referrals; those won with their sale and credit lines --------------------------------
    referral_id, sale_id = writer.next_id("referral"), writer.next_id("sale")
    line_id, event_id = writer.next_id("credit_line"), writer.next_id("referral_event")
    sales: list[tuple] = []
    lines: list[tuple] = []
    events: list[tuple] = []

    def referral_rows():
        nonlocal referral_id, sale_id, line_id, event_id
        total = max(counts.referrals - existing_activity["referral"], 0)
        for n in range(total):
            branch = branches[n % len(branches)]
            pool = check_ins_of.get(branch.id) or []
            if pool and rng.random() < 0.6:
                check_in, customer, created, need = rng.choice(pool)
                created = created + timedelta(minutes=2)
                referrer = branch.by_role.get(Role.LOBBY_MANAGER, [branch.manager])[0]
            else:
                check_in, customer, created, need = None, customer_of(branch), moment(), rng.choice(("wealth", "loan", "deposit", "card"))  # fmt: skip
                referrer = rng.choice([s for s, _r in branch.staff])
            wanted = RECEIVER_FOR_NEED.get(need)
            receivers = branch.by_role.get(wanted) if wanted else None
            receiver = rng.choice(receivers or list(branch.sellers))
            state = rng.choices(("won", "lost", "declined", "met", "contacted", "accepted", "referred"), (30, 25, 5, 10, 10, 10, 10))[0]  # fmt: skip
            accepted = created + timedelta(minutes=rng.randrange(1, 15)) if state != "referred" else None  # fmt: skip
            closed = created + timedelta(days=rng.randrange(1, 20)) if state in ("won", "lost", "declined") else None  # fmt: skip
            if closed and closed > now:
                closed = now
            amount = rng.randrange(1, 200) * 10_000_00 if state == "won" else None
            phase = next(p for p in reversed(phases[branch.id]) if p[1] <= local_date(created))  # fmt: skip
            category = rng.choice(CATEGORIES)
            sale = None
            if state == "won":
                sale = sale_id
                sales.append((sale_id, branch.id, customer, receiver, category, PRODUCTS[category], amount, closed, "referral", referral_id, closed))  # fmt: skip
                share = phase[3]
                for staff, role, bp, part in zip(
                    (referrer, receiver), ("referrer", "seller"), (share, 10_000 - share),
                    split_amount(amount, [share, 10_000 - share]), strict=True,
                ):  # fmt: skip
                    lines.append(
                        (line_id, sale_id, staff, role, bp, part, closed, category, closed)
                    )
                    line_id += 1
                sale_id += 1
            events.append((event_id, referral_id, created, referrer, "referred", "", "referred"))
            event_id += 1
            yield (
                referral_id, branch.id, referrer, receiver, customer, check_in, need,
                state, local_date(created), created, accepted, closed,
                "settled" if sale else "none", phase[0] if sale else None, sale,
                category if sale else "", PRODUCTS[category] if sale else "", amount,
            )  # fmt: skip
            referral_id += 1

    referral_batch = list(referral_rows())
    step("sale", writer.write("sale", ("id", "branch_id", "customer_id", "seller_id", "category", "product_name", "amount_fen", "sold_at", "source", "source_id", "created_at"), sales))  # fmt: skip
    columns = ("id", "branch_id", "referrer_id", "receiver_id", "customer_id", "check_in_id", "need", "state", "referred_on", "created_at", "accepted_at", "closed_at", "credit_state", "phase_id", "sale_id", "won_category", "won_product", "won_amount_fen")  # fmt: skip
    step("referral", writer.write("referral", columns, referral_batch))
    step("credit_line", writer.write("credit_line", CREDIT_LINE_COLUMNS, lines))  # fmt: skip
    step("referral_event", writer.write("referral_event", ("id", "referral_id", "at", "by_id", "action", "from_state", "to_state"), events))  # fmt: skip

    # -- direct sales (not referred): a seller's own, credited to them ------------------------
    sale_id, line_id = writer.next_id("sale"), writer.next_id("credit_line")
    direct: list[tuple] = []

    def direct_sale_rows():
        nonlocal sale_id, line_id
        for n in range(counts.referrals // 2):
            branch = branches[n % len(branches)]
            seller = rng.choice(branch.sellers)
            at = moment()
            amount = rng.randrange(1, 100) * 10_000_00
            category = rng.choice(CATEGORIES)
            direct.append((line_id, sale_id, seller, "seller", 10_000, amount, at, category, at))
            line_id += 1
            yield (sale_id, branch.id, customer_of(branch), seller, category, PRODUCTS[category], amount, at, "other", None, at)  # fmt: skip
            sale_id += 1

    step("sale", writer.write("sale", ("id", "branch_id", "customer_id", "seller_id", "category", "product_name", "amount_fen", "sold_at", "source", "source_id", "created_at"), direct_sale_rows()))  # fmt: skip
    step("credit_line", writer.write("credit_line", CREDIT_LINE_COLUMNS, direct))  # fmt: skip

    # -- two years of targets, commitments, huddle notes and one-on-ones ----------------------
    months = sorted({(today - timedelta(days=d)).replace(day=1) for d in range(0, counts.days, 28)})
    target_id = writer.next_id("target")

    def target_rows():
        nonlocal target_id
        for branch in branches:
            for month in months:
                for metric in (*CATEGORIES, "new_customers", "referrals"):
                    value = rng.randrange(50, 400) if metric in ("new_customers", "referrals") else rng.randrange(100, 3_000) * 10_000_00  # fmt: skip
                    yield (target_id, branch.id, None, month, metric, value, branch.manager)
                    target_id += 1
                for seller in branch.sellers:
                    for metric in ("deposit", "wealth_management", "new_customers"):
                        value = rng.randrange(5, 40) if metric == "new_customers" else rng.randrange(20, 500) * 10_000_00  # fmt: skip
                        yield (target_id, branch.id, seller, month, metric, value, branch.manager)
                        target_id += 1

    step("target", writer.write("target", ("id", "branch_id", "staff_id", "month", "metric", "value", "set_by_id"), target_rows()))  # fmt: skip

    workdays = [today - timedelta(days=d) for d in range(1, counts.days) if (today - timedelta(days=d)).weekday() < 5]  # fmt: skip
    commitment_id, note_id = writer.next_id("commitment"), writer.next_id("huddle_note")

    # The call log behind the last eight weeks of commitments: what the huddles, one-on-ones
    # and their trend read (older calls are read by nothing and would only slow the load).
    recent_from = today - timedelta(weeks=8)
    committed_calls = []

    def commitment_rows():
        nonlocal commitment_id
        for branch in branches:
            for seller in branch.sellers:
                for day in workdays:
                    if rng.random() < 0.5:
                        calls = rng.randrange(3, 12)
                        yield (commitment_id, branch.id, seller, day, calls, rng.randrange(0, 4), rng.randrange(0, 3), rng.randrange(0, 6), rng.randrange(0, 3), seller)  # fmt: skip
                        commitment_id += 1
                        if day >= recent_from:
                            committed_calls.append((branch, seller, day, calls))

    step("commitment", writer.write("commitment", ("id", "branch_id", "staff_id", "day", "calls", "appointments", "referrals", "visits", "sales", "entered_by_id"), commitment_rows()))  # fmt: skip

    call_id = writer.next_id("appointment_call")

    def call_rows():
        nonlocal call_id
        for branch, seller, day, committed in committed_calls:
            opening = day_start_utc(day) + timedelta(hours=9, minutes=30)
            for _ in range(max(committed - rng.choice((0, 0, 1, 2, 4)), 0)):
                outcome = rng.choice(("call_back", "no_answer", "no_answer", "declined"))
                at = opening + timedelta(minutes=rng.randrange(0, 480))
                yield (call_id, branch.id, seller, customer_of(branch), outcome, "", at)
                call_id += 1

    step("appointment_call", writer.write("appointment_call", ("id", "branch_id", "staff_id", "customer_id", "outcome", "note", "called_at"), call_rows()))  # fmt: skip

    def note_rows():
        nonlocal note_id
        for branch in branches:
            for day in workdays:
                seller = branch.sellers[day.toordinal() % len(branch.sellers)]
                for kind, note in (("morning", "先约见存量客户，再跑市场"), ("evening", "约见目标完成，转介还差一个")):  # fmt: skip
                    yield (note_id, branch.id, seller, day, kind, note, branch.manager)
                    note_id += 1

    step("huddle_note", writer.write("huddle_note", ("id", "branch_id", "staff_id", "day", "kind", "note", "author_id"), note_rows()))  # fmt: skip

    weeks = sorted({d - timedelta(days=d.weekday()) for d in workdays})
    one_id = writer.next_id("one_on_one")

    def one_on_one_rows():
        nonlocal one_id
        for branch in branches:
            for seller in branch.sellers:
                for week in weeks:
                    if rng.random() < 0.7:
                        yield (one_id, branch.id, seller, branch.manager, week, "本周约见量达标，转介偏少。", "下周多跑两个园区。", rng.random() < 0.6)  # fmt: skip
                        one_id += 1

    step("one_on_one", writer.write("one_on_one", ("id", "branch_id", "staff_id", "manager_id", "week", "manager_notes", "own_notes", "folder_checked"), one_on_one_rows()))  # fmt: skip

    writer.finish()
    made.update({f"generated {table}": n for table, n in writer.written.items()})
    return made


def analyse() -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL), outside a transaction."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))


def _base31(number: int, width: int) -> str:
    """`number` written with the USCC alphabet (no I, O, S, V, Z), `width` characters."""
    digits = []
    for _ in range(width):
        number, digit = divmod(number, len(USCC_CHARS))
        digits.append(USCC_CHARS[digit])
    return "".join(reversed(digits))
