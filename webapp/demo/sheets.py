"""Demo step: information sheets of varying completeness for the customers."""

import random
from datetime import timedelta

from webapp.auth.models import SALES_ROLES, Role
from webapp.customers.models import (
    ChangeKind,
    CustomerChange,
    CustomerKind,
    IndividualSheet,
    SmeSheet,
)
from webapp.customers.sheets import (
    AGE_BANDS,
    ASSET_BANDS,
    INDIVIDUAL_SHEET_FIELDS,
    NEEDS,
    RISK_LEVELS,
    SME_SHEET_FIELDS,
    TURNOVER_BANDS,
)
from webapp.customers.sheets import completeness as score
from webapp.demo import names
from webapp.extensions import db

OCCUPATIONS = [
    ("教师", "浦东新区第二中学"),
    ("工程师", "上海电气"),
    ("医生", "东方医院"),
    ("个体经营", "自营"),
    ("会计", "普华永道"),
    ("退休", ""),
    ("程序员", "张江某科技公司"),
    ("销售经理", "上汽集团"),
]
FAMILIES = ["已婚，一子上小学", "已婚，两个孩子", "单身", "已婚，子女在国外读书", "与父母同住"]
PRODUCTS = ["活期存款", "定期存款", "借记卡", "信用卡", "手机银行", "理财产品", "代发工资"]
BANKS = ["工商银行", "建设银行", "招商银行", "浦发银行", "交通银行"]
STEPS = [
    "约见面谈理财规划",
    "送养老金产品资料",
    "邀请参加理财沙龙",
    "回访信用卡使用",
    "介绍代发工资方案",
]


def load(ctx) -> None:
    """Fill a sheet for most customers; owners differ in how thoroughly they fill them."""
    diligence = {}
    for customer in ctx.customers["home"] + ctx.customers["second"]:
        rng = ctx.rng
        if customer.owner_id not in diligence:
            diligence[customer.owner_id] = rng.uniform(0.35, 0.95)
        fill = diligence[customer.owner_id]
        keep = lambda value, fill=fill, rng=rng: value if rng.random() < fill else ""  # noqa: E731
        if customer.kind == CustomerKind.SME:
            customer.sme_sheet = SmeSheet(
                industry=keep(rng.choice(names.INDUSTRIES)[0]),
                address=keep(
                    f"浦东新区{rng.choice(['张杨路', '世纪大道', '东方路', '浦电路'])}{rng.randint(1, 999)}号"
                ),
                employees=rng.randint(5, 300) if rng.random() < fill else None,
                turnover_band=keep(rng.choice(TURNOVER_BANDS[1:])[0]),
                main_banks=keep("、".join(rng.sample(BANKS, 2))),
                settlement=keep("对公结算账户，月均流水约" + str(rng.randint(50, 900)) + "万"),
                payroll=keep(f"{rng.randint(5, 200)}人代发，目前在他行"),
                credit_needs=keep(
                    rng.choice(["流动资金贷款 200 万", "暂无", "设备融资", "票据贴现"])
                ),
                cash_management=keep(rng.choice(["资金归集", "暂无", "理财型存款"])),
                decision_maker=keep(rng.choice(names.SURNAMES) + "总"),
                contact_name=keep(rng.choice(names.SURNAMES) + rng.choice(names.GIVEN)),
                visit_history=keep(
                    f"{(ctx.now - timedelta(days=rng.randint(3, 40))):%m-%d} 上门拜访，介绍代发工资与企业网银"
                ),
                notes=keep("老板重视服务效率"),
                next_step=keep(rng.choice(STEPS)),
            )
        else:
            occupation, employer = rng.choice(OCCUPATIONS)
            customer.individual_sheet = IndividualSheet(
                occupation=keep(occupation),
                employer=keep(employer),
                age_band=keep(rng.choice(AGE_BANDS[1:])[0]),
                family=keep(rng.choice(FAMILIES)),
                assets_here=keep(rng.choice(ASSET_BANDS[1:])[0]),
                assets_elsewhere=keep(rng.choice(ASSET_BANDS[1:])[0]),
                products_held=keep("、".join(rng.sample(PRODUCTS, rng.randint(1, 3)))),
                needs=keep(",".join(k for k, _ in rng.sample(NEEDS, rng.randint(1, 3)))),
                risk_appetite=keep(rng.choice(RISK_LEVELS[1:])[0]),
                contact_time=keep(rng.choice(["工作日晚上", "周末上午", "午休时间"])),
                notes=keep("对收益稳定的产品感兴趣"),
                next_step=keep(rng.choice(STEPS)),
            )
        customer.completeness = score(customer)
    ctx.made["sheets"] = len(ctx.customers["home"]) + len(ctx.customers["second"])
    ctx.made["sheet edits"] = _history(ctx)


def _history(ctx) -> int:
    """Sheet edits by the owners and a few owner changes by the manager, for the customers'
    stories. A random source of its own keeps every later step's data as it was."""
    rng = random.Random(20261207)
    db.session.flush()
    managers = {key: ctx.staff_of(key, Role.BRANCH_MANAGER)[0] for key in ("home", "second")}
    made = 0
    for key in ("home", "second"):
        salespeople = ctx.staff_of(key, *SALES_ROLES)
        for customer in ctx.customers[key]:
            if customer.owner_id is None:
                continue
            sheet = customer.sme_sheet or customer.individual_sheet
            filled = [name for name in sheet_fields(customer) if getattr(sheet, name, None)]
            span = max(int((ctx.now - customer.created_at).total_seconds()), 60)
            if filled and rng.random() < 0.35:
                db.session.add(
                    CustomerChange(
                        customer_id=customer.id,
                        branch_id=customer.branch_id,
                        staff_id=customer.owner_id,
                        kind=ChangeKind.SHEET,
                        fields=",".join(rng.sample(filled, min(len(filled), rng.randint(1, 3)))),
                        changed_at=customer.created_at + timedelta(seconds=rng.randint(60, span)),
                    )
                )
                made += 1
            others = [s for s in salespeople if s.id != customer.owner_id]
            if others and rng.random() < 0.05:
                db.session.add(
                    CustomerChange(
                        customer_id=customer.id,
                        branch_id=customer.branch_id,
                        staff_id=managers[key].id,
                        kind=ChangeKind.OWNER,
                        from_owner_id=rng.choice(others).id,
                        to_owner_id=customer.owner_id,
                        changed_at=customer.created_at + timedelta(seconds=rng.randint(60, span)),
                    )
                )
                made += 1
    return made


def sheet_fields(customer) -> tuple[str, ...]:
    """The names of the fields on the customer's kind of sheet."""
    return SME_SHEET_FIELDS if customer.kind == CustomerKind.SME else INDIVIDUAL_SHEET_FIELDS
