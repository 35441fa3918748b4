"""Demo step: the region's product catalogue and portfolios for the sales kit."""

import struct
import zlib
from datetime import timedelta

from webapp.extensions import db
from webapp.kits.models import Portfolio, PortfolioItem, Product, RiskLevel
from webapp.sales.models import ProductCategory as C

PRODUCTS = (
    # category, name, three points, suits, risk, terms, featured
    (
        C.DEPOSIT,
        "大额存单 3 年期",
        ("保本保息，利率高于普通定期", "可转让，急用钱不必提前支取", "起存 20 万"),
        "有闲置资金、求稳的客户",
        RiskLevel.R1,
        "起存金额 20 万元；期限 3 年；可在手机银行转让。",
        True,
    ),
    (
        C.WEALTH_MANAGEMENT,
        "稳享 90 天理财",
        ("业绩比较基准 2.6%-3.0%", "90 天封闭，到期自动回款", "1 万起购"),
        "稳健型，有中短期闲钱",
        RiskLevel.R2,
        "理财非存款，产品有风险，投资须谨慎。业绩比较基准不代表实际收益。",
        True,
    ),
    (
        C.INSURANCE,
        "安享年金保险",
        ("长期锁定收益", "养老规划", "可附加万能账户"),
        "40-55 岁，为养老做准备",
        RiskLevel.R1,
        "交费 10 年；60 岁起领；犹豫期 15 天。",
        False,
    ),
    (
        C.FUND,
        "沪深 300 指数定投",
        ("每月 500 元起", "分散择时风险", "手机银行一键设置"),
        "年轻、长期投资、能承受波动",
        RiskLevel.R4,
        "基金有风险，过往业绩不代表未来表现。",
        False,
    ),
    (
        C.LOAN,
        "小微快贷",
        ("线上申请，最快当天放款", "随借随还，按日计息", "最高 300 万"),
        "经营一年以上的小微企业主",
        RiskLevel.R1,
        "年化利率 3.45% 起；需企业纳税记录。",
        True,
    ),
    (
        C.CORPORATE_SETTLEMENT,
        "对公结算账户套餐",
        ("开户费减免", "转账手续费全免一年", "上门开户服务"),
        "新设立或迁入的企业",
        RiskLevel.R1,
        "首年免年费；需法人到场或视频核验。",
        False,
    ),
    (
        C.CORPORATE_SETTLEMENT,
        "代发工资服务",
        ("员工工资卡免年费", "批量代发，当日到账", "员工专享理财"),
        "10 人以上的企业",
        RiskLevel.R1,
        "签订代发协议；支持企业网银批量上传。",
        True,
    ),
    (
        C.E_BANKING,
        "企业网银",
        ("7×24 小时转账", "多级授权，安全可控", "对账单自动下载"),
        "所有对公客户",
        RiskLevel.R1,
        "U 盾每户 2 个；年费全免。",
        False,
    ),
    (
        C.CARD,
        "白金信用卡",
        ("机场贵宾厅", "消费积分兑换里程", "首年免年费"),
        "中高端个人客户",
        RiskLevel.R1,
        "年费 1,000 元，刷卡满 6 次免次年年费。",
        False,
    ),
    (
        C.DEPOSIT,
        "养老储蓄计划",
        ("每月定存，积少成多", "利率上浮", "到期自动转存"),
        "45 岁以上、为养老储蓄",
        RiskLevel.R1,
        "每月 500 元起存；期限 5 年。",
        False,
    ),
)
PORTFOLIOS = (
    (
        "小微企业开户礼包",
        "新设立的小微企业",
        "一次开户，结算、代发、网银、老板理财全办好：企业省手续费，员工得便利，老板的闲钱也有稳健去处。",
        ["对公结算账户套餐", "代发工资服务", "企业网银", "稳享 90 天理财"],
    ),
    (
        "稳健养老组合",
        "45-60 岁个人客户",
        "存单保本、年金锁定、储蓄积累：三样搭配，退休后每月有一笔稳定收入。",
        ["大额存单 3 年期", "安享年金保险", "养老储蓄计划"],
    ),
    (
        "年轻白领成长组合",
        "25-35 岁白领",
        "工资到账先定投，信用卡积分享生活，闲钱放短期理财，灵活又能成长。",
        ["沪深 300 指数定投", "白金信用卡", "稳享 90 天理财"],
    ),
    (
        "经营周转组合",
        "有融资需求的个体工商户",
        "快贷解决周转，结算账户和网银管好流水，经营越好额度越高。",
        ["小微快贷", "对公结算账户套餐", "企业网银"],
    ),
)


# Products for enterprises (对公): offered to SME customers only, the rest to individuals.
FOR_SME = frozenset({"小微快贷", "对公结算账户套餐", "代发工资服务", "企业网银"})


def fits(product_name: str, kind) -> bool:
    """Whether a product suits a customer of this kind (no business e-banking for a person)."""
    return (product_name in FOR_SME) == (kind == "sme")


def load(ctx) -> None:
    """Ten products (some featured, one expired) and four portfolios."""
    by_name = {}
    for i, (category, name, points, suits, risk, terms, featured) in enumerate(PRODUCTS):
        product = Product(
            category=category,
            name=name,
            point_1=points[0],
            point_2=points[1],
            point_3=points[2],
            suits=suits,
            risk_level=risk if category.risk_rated else None,
            key_terms=terms,
            featured=featured,
            valid_from=(ctx.now - timedelta(days=90)).date(),
            valid_to=(ctx.now + timedelta(days=180 if i else 365)).date(),
        )
        if featured:
            product.image, product.image_type = banner(i), "image/png"
        db.session.add(product)
        by_name[name] = product
    db.session.flush()
    for name, segment, pitch, products in PORTFOLIOS:
        db.session.add(
            Portfolio(
                name=name,
                segment=segment,
                pitch=pitch,
                items=[
                    PortfolioItem(product_id=by_name[p].id, position=i)
                    for i, p in enumerate(products)
                ],
            )
        )
    ctx.products = by_name
    ctx.made["products"] = len(PRODUCTS)


def banner(seed: int, width: int = 320, height: int = 120) -> bytes:
    """A small PNG banner (a diagonal gradient in the brand's reds), well under 200 KB."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            t = (x + y + seed * 37) % 255
            row += bytes((159 + t * 96 // 255, 28 + t // 3, 36 + t // 4))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )
