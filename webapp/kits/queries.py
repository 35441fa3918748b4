"""Sales kit reads, and the list of kit URLs the service worker precaches."""

from datetime import date

from flask import url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.kits.models import Portfolio, PortfolioItem, Product


def current_products(today: date):
    """Products valid today, featured first, then by category and name (images not loaded)."""
    return db.session.scalars(
        select(Product)
        .where(
            or_(Product.valid_from.is_(None), Product.valid_from <= today),
            or_(Product.valid_to.is_(None), Product.valid_to >= today),
        )
        .order_by(Product.featured.desc(), Product.category, Product.name)
    ).all()


def all_products():
    """Every product, for the administrator."""
    return db.session.scalars(select(Product).order_by(Product.category, Product.name)).all()


def portfolios():
    """Every portfolio with its products loaded in one extra query."""
    return db.session.scalars(
        select(Portfolio)
        .options(selectinload(Portfolio.items).selectinload(PortfolioItem.product))
        .order_by(Portfolio.name)
    ).all()


def offline_urls() -> list[str]:
    """Every page of the kit (index, each product and portfolio, present mode, images).

    The service worker precaches them so the kit works on a field visit with no signal.
    """
    urls = [url_for("kits.index")]
    products = db.session.execute(select(Product.id, Product.image_type)).all()
    for product_id, image_type in products:
        urls.append(url_for("kits.product", product_id=product_id))
        urls.append(url_for("kits.present_product", product_id=product_id))
        if image_type:
            urls.append(url_for("kits.image", product_id=product_id))
    for (portfolio_id,) in db.session.execute(select(Portfolio.id)).all():
        urls.append(url_for("kits.portfolio", portfolio_id=portfolio_id))
        urls.append(url_for("kits.present_portfolio", portfolio_id=portfolio_id))
    return urls
