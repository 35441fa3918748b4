"""The demo data set: a region with two branches, their staff and weeks of customer history."""

import random
from datetime import timedelta

from sqlalchemy import func, select

from webapp.auth.models import Branch, Role, Staff, utcnow
from webapp.customers.models import Acquisition, Customer, CustomerKind
from webapp.customers.validators import USCC_CHARS, uscc_check_char
from webapp.demo import names
from webapp.extensions import db

DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented demo sign-in, created only by demo-data

DEMO_STAFF = (
    # username, name, role, title
    ("manager", "周建华", Role.BRANCH_MANAGER, "支行长"),
    ("wealth1", "林晓燕", Role.WEALTH_MANAGER, "理财经理"),
    ("wealth2", "陈思远", Role.WEALTH_MANAGER, "理财经理"),
    ("retail1", "王磊", Role.RETAIL_AM, "零售客户经理"),
    ("credit1", "刘海燕", Role.CREDIT_AM, "信贷客户经理"),
    ("corporate1", "赵志强", Role.CORPORATE_AM, "对公客户经理"),
    ("lobby1", "孙婷婷", Role.LOBBY_MANAGER, "大堂经理"),
    ("teller1", "吴佳琪", Role.TELLER, "综合柜员"),
    ("teller2", "郑浩然", Role.TELLER, "综合柜员"),
)
SECOND_BRANCH_STAFF = (
    ("zj_manager", "黄立新", Role.BRANCH_MANAGER, "支行长"),
    ("zj_wealth1", "许雨桐", Role.WEALTH_MANAGER, "理财经理"),
    ("zj_retail1", "何俊杰", Role.RETAIL_AM, "零售客户经理"),
    ("zj_lobby1", "梁春梅", Role.LOBBY_MANAGER, "大堂经理"),
)


def database_is_empty() -> bool:
    """Whether no branch exists yet (demo-data --if-empty loads only then)."""
    return db.session.scalar(select(func.count(Branch.id))) == 0


def load_demo(seed: int = 20261123) -> dict[str, int]:
    """Create the region, both branches, staff and customers; return what was made."""
    rng = random.Random(seed)
    region = Branch(code="SH-PD", name="浦东管辖行")
    home = Branch(code="SH-PD-LJZ", name="陆家嘴支行", parent=region)
    second = Branch(code="SH-PD-ZJ", name="张江支行", parent=region)
    db.session.add_all([region, home, second])
    db.session.flush()

    password_hash = _hash(DEMO_PASSWORD)
    staff = _make_staff(DEMO_STAFF, home, password_hash)
    staff += _make_staff(SECOND_BRANCH_STAFF, second, password_hash)
    staff += _make_staff((("admin", "管理员", Role.ADMIN, "管辖行管理员"),), region, password_hash)
    db.session.flush()

    customers = _make_customers(rng, home, [s for s in staff if s.branch_id == home.id], 200)
    customers += _make_customers(rng, second, [s for s in staff if s.branch_id == second.id], 40)
    db.session.commit()
    return {"branches": 3, "staff": len(staff), "customers": len(customers)}


def _hash(password: str) -> str:
    probe = Staff()
    probe.set_password(password)
    return probe.password_hash


def _make_staff(rows, branch: Branch, password_hash: str) -> list[Staff]:
    made = []
    for i, (username, name, role, title) in enumerate(rows):
        member = Staff(
            username=username,
            name=name,
            role=role,
            title=title,
            branch_id=branch.id,
            password_hash=password_hash,
            mobile=f"1391234{5600 + i + 10 * branch.id:04d}",
        )
        db.session.add(member)
        made.append(member)
    return made


def demo_person_name(rng: random.Random) -> str:
    """A plausible Chinese personal name."""
    return rng.choice(names.SURNAMES) + rng.choice(names.GIVEN)


def demo_company_name(rng: random.Random) -> str:
    """A plausible Shanghai SME name."""
    industry, _ = rng.choice(names.INDUSTRIES)
    return (
        rng.choice(names.CITY_PREFIXES)
        + rng.choice(names.TRADE_NAMES)
        + industry
        + rng.choice(names.COMPANY_SUFFIXES)
    )


def demo_credit_code(rng: random.Random) -> str:
    """A Unified Social Credit Code with a correct check character (Shanghai, 3101xx)."""
    body = "91" + f"3101{rng.randint(1, 20):02d}" + "".join(rng.choices(USCC_CHARS, k=9))
    return body + uscc_check_char(body)


def _make_customers(rng, branch: Branch, staff: list[Staff], count: int) -> list[Customer]:
    owners = [
        s
        for s in staff
        if s.role in (Role.WEALTH_MANAGER, Role.RETAIL_AM, Role.CREDIT_AM, Role.CORPORATE_AM)
    ]
    channels = list(Acquisition)
    weights = [4, 3, 2, 2, 5]
    now = utcnow().replace(tzinfo=None)
    used_mobiles: set[str] = set()
    made = []
    for _ in range(count):
        is_sme = rng.random() < 0.3
        mobile = _unique_mobile(rng, used_mobiles)
        created = now - timedelta(days=rng.randint(0, 56), minutes=rng.randint(0, 600))
        customer = Customer(
            branch_id=branch.id,
            kind=CustomerKind.SME if is_sme else CustomerKind.INDIVIDUAL,
            name=demo_company_name(rng) if is_sme else demo_person_name(rng),
            mobile=mobile,
            credit_code=demo_credit_code(rng) if is_sme else None,
            owner_id=rng.choice(owners).id if owners and rng.random() < 0.85 else None,
            acquired_via=rng.choices(channels, weights)[0],
            created_at=created,
            updated_at=created + timedelta(days=rng.randint(0, 5)),
        )
        db.session.add(customer)
        made.append(customer)
    return made


def _unique_mobile(rng, used: set[str]) -> str:
    while True:
        mobile = rng.choice(names.MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
        if mobile not in used:
            used.add(mobile)
            return mobile
