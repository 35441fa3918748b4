"""Every state change of the sales kit (the administrator's catalogue)."""

from webapp.extensions import db
from webapp.kits.models import Portfolio, PortfolioItem, Product, RiskLevel
from webapp.sales.models import ProductCategory

PRODUCT_FIELDS = (
    "name",
    "point_1",
    "point_2",
    "point_3",
    "suits",
    "key_terms",
    "featured",
    "valid_from",
    "valid_to",
)


def save_product(product: Product | None, data: dict) -> Product:
    """Create or update a product from form data; an image given as (bytes, mime) replaces the old one."""
    product = product or Product()
    product.category = ProductCategory(data["category"])
    # The form allows a grade on investment products only (ProductCategory.risk_rated).
    product.risk_level = RiskLevel(data["risk_level"]) if data.get("risk_level") else None
    for name in PRODUCT_FIELDS:
        value = data.get(name)
        setattr(product, name, value.strip() if isinstance(value, str) else value)
    if data.get("image"):
        product.image, product.image_type = data["image"]
    db.session.add(product)
    db.session.flush()
    return product


def save_portfolio(portfolio: Portfolio | None, data: dict) -> Portfolio:
    """Create or update a portfolio and its products, in the order given."""
    portfolio = portfolio or Portfolio()
    portfolio.name = data["name"].strip()
    portfolio.segment = data["segment"].strip()
    portfolio.pitch = (data.get("pitch") or "").strip()
    portfolio.items = [
        PortfolioItem(product_id=pid, position=i) for i, pid in enumerate(data["products"])
    ]
    db.session.add(portfolio)
    db.session.flush()
    return portfolio
