"""Every state change of sales: recording a sale and splitting its credit exactly."""

from webapp.extensions import db
from webapp.sales.models import (
    CreditLine,
    CreditRole,
    ProductCategory,
    Sale,
    SaleSource,
    credit_value_fen,
)
from webapp.timeutil import now_naive


def split_amount(amount_fen: int, shares_bp: list[int]) -> list[int]:
    """Split an amount by shares (basis points summing to 10000) so the parts sum exactly.

    Each part is rounded down; the fen left over go one by one to the largest remainders,
    so nothing is silently rounded away.
    """
    if sum(shares_bp) != 10_000:
        raise ValueError("shares must add up to 100%")
    raw = [amount_fen * share for share in shares_bp]
    parts = [value // 10_000 for value in raw]
    leftover = amount_fen - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] % 10_000), i))
    for i in order[:leftover]:
        parts[i] += 1
    return parts


def record_sale(
    *,
    branch_id: int,
    customer_id: int,
    seller_id: int,
    category: ProductCategory,
    product_name: str,
    amount_fen: int = 0,
    quantity: int = 1,
    source: SaleSource = SaleSource.OTHER,
    source_id: int | None = None,
    credit: list[tuple[int, CreditRole, int]] | None = None,
    sold_at=None,
) -> Sale:
    """Record a sale with its credit lines: (staff_id, role, share_bp), default 100% to the seller.

    A yuan category records amount_fen; a counted one (accounts, cards) records quantity and no
    amount, whatever amount was given. The lines split the sale's credit value (money)."""
    if category.counted:
        amount_fen = 0
    else:
        quantity = 1
    if quantity < 1:
        raise ValueError("a sale opens at least one account or card")
    sale = Sale(
        branch_id=branch_id,
        customer_id=customer_id,
        seller_id=seller_id,
        category=category,
        product_name=product_name,
        amount_fen=amount_fen,
        quantity=quantity,
        source=source,
        source_id=source_id,
        sold_at=sold_at if sold_at is not None else now_naive(),
    )
    credit = credit or [(seller_id, CreditRole.SELLER, 10_000)]
    value = credit_value_fen(category, amount_fen, quantity)
    amounts = split_amount(value, [share for _, _, share in credit])
    for (staff_id, role, share), amount in zip(credit, amounts, strict=True):
        sale.credit_lines.append(
            CreditLine(
                staff_id=staff_id,
                role=role,
                share_bp=share,
                amount_fen=amount,
                sold_at=sale.sold_at,
                category=category,
            )
        )
    db.session.add(sale)
    return sale
