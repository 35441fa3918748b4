"""The referral criteria (转介标准) and the dated phases of the credit split (绩效分润)."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from webapp.auth.models import Staff
from webapp.extensions import db
from webapp.lobby.models import TRANSACTION_NEEDS, Band, Need
from webapp.referrals.models import (
    DEFAULT_ACCEPT_MINUTES,
    DEFAULT_SIMPLE_PRODUCTS,
    DEFAULT_WAIT_MINUTES,
    CreditState,
    Referral,
    ReferralCriteria,
    Rule,
    SplitPhase,
)


class PolicyError(Exception):
    """A criteria or policy change the rules refuse; the message is shown beside the field."""

    def __init__(self, message, field: str = ""):
        super().__init__(str(message))
        self.message = message
        self.field = field


def criteria_for(branch_id: int) -> ReferralCriteria:
    """The branch's criteria (made with the branch, see create_criteria). A read never writes:
    a branch made outside the app without them reads the seed's defaults, unsaved."""
    criteria = db.session.scalar(
        select(ReferralCriteria).where(ReferralCriteria.branch_id == branch_id)
    )
    return criteria if criteria is not None else default_criteria(branch_id)


def default_criteria(branch_id: int) -> ReferralCriteria:
    """The defaults of seed 004 for a branch, not added to the session."""
    return ReferralCriteria(
        branch_id=branch_id,
        large_transaction_on=True,
        large_transaction_fen=50_000_00,
        featured_interest_on=True,
        account_flow_on=True,
        account_flow_fen=100_000_00,
        simple_products=DEFAULT_SIMPLE_PRODUCTS,
        accept_minutes=DEFAULT_ACCEPT_MINUTES,
        wait_minutes=DEFAULT_WAIT_MINUTES,
    )


def create_criteria(branch_id: int, policy_start: date | None) -> ReferralCriteria:
    """A new branch's criteria (seed 004's defaults) and, from `policy_start` when given, its
    credit split policy (flushed, not committed): the programme starts with the branch."""
    criteria = default_criteria(branch_id)
    db.session.add(criteria)
    db.session.flush()
    if policy_start is not None:
        ensure_policy(branch_id, policy_start)
    return criteria


def update_criteria(criteria: ReferralCriteria, staff: Staff, **values) -> ReferralCriteria:
    """Save the branch manager's criteria (thresholds in fen, minutes to accept)."""
    for name in ("large_transaction_fen", "account_flow_fen"):
        if values.get(name) is not None and values[name] <= 0:
            raise PolicyError(_l("Enter an amount above zero."), name)
    for name in ("accept_minutes", "wait_minutes"):
        if values.get(name) is not None and not 1 <= values[name] <= 240:
            raise PolicyError(_l("Enter between 1 and 240 minutes."), name)
    for name, value in values.items():
        setattr(criteria, name, value)
    criteria.updated_by_id = staff.id
    db.session.add(criteria)  # the defaults of a branch made without them, saved now
    db.session.flush()
    return criteria


def bands_for(criteria: ReferralCriteria) -> tuple[Band, ...]:
    """The amount bands the lobby taps, cut at the branch's thresholds: the single-transaction
    threshold, the account-flow threshold and ten times the first (the seed's defaults give
    5万 / 10万 / 50万). A band meets the single-transaction rule only when its whole range is at
    or above the threshold, so the band that starts at the threshold is the first that does."""
    cuts = sorted(
        {criteria.large_transaction_fen, criteria.account_flow_fen,
         criteria.large_transaction_fen * 10}
    )  # fmt: skip
    bounds = [0, *cuts]
    return tuple(
        Band(low, bounds[i + 1] if i + 1 < len(bounds) else None) for i, low in enumerate(bounds)
    )


@dataclass(frozen=True)
class Facts:
    """What the lobby or the counter knows about a walk-in, as the criteria read it."""

    needs: tuple[Need, ...]
    amount_fen: int | None = None
    flow_fen: int | None = None
    clear_intent: bool = False


def matching_rules(criteria: ReferralCriteria, facts: Facts) -> list[Rule]:
    """The rules the facts meet, strongest first; simple products alone never qualify."""
    rules = []
    if facts.clear_intent:
        rules.append(Rule.CLEAR_INTENT)
    if (
        criteria.large_transaction_on
        and facts.amount_fen is not None
        and facts.amount_fen >= criteria.large_transaction_fen
        and TRANSACTION_NEEDS.intersection(facts.needs)
    ):
        rules.append(Rule.LARGE_TRANSACTION)
    if criteria.featured_interest_on and Need.FEATURED in facts.needs:
        rules.append(Rule.FEATURED_INTEREST)
    if (
        criteria.account_flow_on
        and facts.flow_fen is not None
        and facts.flow_fen >= criteria.account_flow_fen
    ):
        rules.append(Rule.ACCOUNT_FLOW)
    return rules


def simple_products(criteria: ReferralCriteria) -> list[str]:
    """The simple products listed as not grounds for a referral."""
    text = criteria.simple_products.replace(",", "、").replace("，", "、")
    return [p.strip() for p in text.split("、") if p.strip()]


# -- the credit split policy -------------------------------------------------------------


def phases(branch_id: int) -> list[SplitPhase]:
    """The branch's split phases in date order."""
    return list(
        db.session.scalars(
            select(SplitPhase)
            .where(SplitPhase.branch_id == branch_id)
            .order_by(SplitPhase.starts_on)
        )
    )


def add_months(day: date, months: int) -> date:
    """The same day-of-month some months later (clamped to the month's end)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def ensure_policy(branch_id: int, start: date) -> list[SplitPhase]:
    """Give a branch without a policy the seed's three phases: 80%, 60%, then 50%.

    Phase names are data the manager may choose; the defaults use the bank's own words.
    """
    existing = phases(branch_id)
    if existing:
        return existing
    second = add_months(start, 3)
    third = add_months(start, 6)
    rows = [
        SplitPhase(branch_id=branch_id, name="第一阶段", starts_on=start,
                   ends_on=second - timedelta(days=1), referrer_bp=8000),
        SplitPhase(branch_id=branch_id, name="第二阶段", starts_on=second,
                   ends_on=third - timedelta(days=1), referrer_bp=6000),
        SplitPhase(branch_id=branch_id, name="第三阶段", starts_on=third,
                   ends_on=None, referrer_bp=5000),
    ]  # fmt: skip
    db.session.add_all(rows)
    db.session.flush()
    return rows


def phase_on(branch_id: int, day: date) -> SplitPhase | None:
    """The phase in force on a day, or None (a policy gap)."""
    return next((p for p in phases(branch_id) if p.covers(day)), None)


def is_applied(phase: SplitPhase) -> bool:
    """Whether a won referral's credit was settled under this phase."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Referral.phase_id == phase.id, Referral.credit_state == CreditState.SETTLED
                )
            )
        )
    )


def _applied_on_or_after(phase: SplitPhase, day: date) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Referral.phase_id == phase.id,
                    Referral.credit_state == CreditState.SETTLED,
                    Referral.referred_on >= day,
                )
            )
        )
    )


def add_phase(
    *, branch_id: int, staff: Staff, name: str, starts_on: date, ends_on: date | None,
    referrer_bp: int,
) -> SplitPhase:  # fmt: skip
    """Add a phase after the others; an open last phase is closed the day before it starts."""
    if not 0 <= referrer_bp <= 10_000:
        raise PolicyError(_l("The referrer's share must be between 0 and 100%."), "referrer_share")
    if ends_on is not None and ends_on < starts_on:
        raise PolicyError(_l("The phase cannot end before it starts."), "ends_on")
    existing = phases(branch_id)
    last = existing[-1] if existing else None
    if last is not None:
        if starts_on <= last.starts_on or (last.ends_on is not None and starts_on <= last.ends_on):
            raise PolicyError(
                _l("This phase overlaps %(name)s. Phases follow one another; add it after the last one.", name=last.name),
                "starts_on",
            )  # fmt: skip
        if last.ends_on is not None and starts_on > last.ends_on + timedelta(days=1):
            raise PolicyError(
                _l("This leaves a gap after %(name)s: start on %(day)s.", name=last.name,
                   day=(last.ends_on + timedelta(days=1)).isoformat()),
                "starts_on",
            )  # fmt: skip
        if last.ends_on is None:
            if _applied_on_or_after(last, starts_on):
                raise PolicyError(
                    _l("%(name)s was already applied to referrals from this day on; start the new phase later.", name=last.name),
                    "starts_on",
                )  # fmt: skip
            last.ends_on = starts_on - timedelta(days=1)
    phase = SplitPhase(
        branch_id=branch_id,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        referrer_bp=referrer_bp,
        created_by_id=staff.id,
    )
    db.session.add(phase)
    db.session.flush()
    return phase


def delete_phase(phase: SplitPhase) -> None:
    """Remove the last phase if no referral was settled under it; the one before reopens."""
    existing = phases(phase.branch_id)
    if existing[-1].id != phase.id:
        raise PolicyError(_l("Only the last phase can be removed: removing another leaves a gap."))
    if is_applied(phase):
        raise PolicyError(
            _l("This phase was already applied to won referrals and cannot be changed. Add a new phase instead.")
        )  # fmt: skip
    if len(existing) > 1 and phase.ends_on is None:
        existing[-2].ends_on = None
    db.session.delete(phase)
    db.session.flush()
