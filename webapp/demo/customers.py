"""Demo step: about 200 customers in the demo branch and 40 in the second."""

import random
from datetime import timedelta

from webapp.auth.models import SALES_ROLES
from webapp.customers.models import Acquisition, Customer, CustomerKind
from webapp.customers.validators import USCC_CHARS, uscc_check_char
from webapp.demo import names
from webapp.extensions import db

CHANNEL_WEIGHTS = {
    Acquisition.LOBBY: 4,
    Acquisition.REFERRAL: 3,
    Acquisition.APPOINTMENT: 2,
    Acquisition.MARKET_RUNNING: 2,
    Acquisition.EXISTING: 5,
}


def load(ctx) -> None:
    """Create the customers, spread over the last eight weeks, mostly owned by salespeople."""
    used_mobiles: set[str] = set()
    ctx.customers = {}
    for key, count in (("home", 200), ("second", 40)):
        branch = ctx.branches[key]
        owners = ctx.staff_of(key, *SALES_ROLES)
        made = []
        for _ in range(count):
            is_sme = ctx.rng.random() < 0.3
            created = ctx.now - timedelta(
                days=ctx.rng.randint(0, 56), minutes=ctx.rng.randint(0, 600)
            )
            customer = Customer(
                branch_id=branch.id,
                kind=CustomerKind.SME if is_sme else CustomerKind.INDIVIDUAL,
                name=company_name(ctx.rng) if is_sme else person_name(ctx.rng),
                mobile=unique_mobile(ctx.rng, used_mobiles),
                credit_code=credit_code(ctx.rng) if is_sme else None,
                owner_id=ctx.rng.choice(owners).id if ctx.rng.random() < 0.85 else None,
                acquired_via=ctx.rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[
                    0
                ],
                created_at=created,
                updated_at=min(created + timedelta(days=ctx.rng.randint(0, 5)), ctx.now),
            )
            db.session.add(customer)
            made.append(customer)
        ctx.customers[key] = made
    ctx.made["customers"] = sum(len(v) for v in ctx.customers.values())


def person_name(rng: random.Random) -> str:
    """A plausible Chinese personal name."""
    return rng.choice(names.SURNAMES) + rng.choice(names.GIVEN)


def company_name(rng: random.Random) -> str:
    """A plausible Shanghai SME name."""
    industry, _ = rng.choice(names.INDUSTRIES)
    return (
        rng.choice(names.CITY_PREFIXES)
        + rng.choice(names.TRADE_NAMES)
        + industry
        + rng.choice(names.COMPANY_SUFFIXES)
    )


def credit_code(rng: random.Random) -> str:
    """A Unified Social Credit Code with a correct check character (Shanghai, 3101xx)."""
    body = "91" + f"3101{rng.randint(1, 20):02d}" + "".join(rng.choices(USCC_CHARS, k=9))
    return body + uscc_check_char(body)


def unique_mobile(rng: random.Random, used: set[str]) -> str:
    """A mainland mobile number not used before in this demo."""
    while True:
        mobile = rng.choice(names.MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
        if mobile not in used:
            used.add(mobile)
            return mobile
