"""The sales kit: browse products and portfolios, present them to a customer, and admin."""

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms import SelectChoice

from webapp.auth.access import roles, signed_in
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.inputs import body_limit
from webapp.kits import bp, queries, services
from webapp.kits.forms import PortfolioForm, ProductForm
from webapp.kits.models import Portfolio, Product
from webapp.timeutil import local_today


@bp.route("/")
@signed_in
def index():
    """The kit: featured products first, portfolios, then the catalogue by category."""
    return render_template(
        "kits/index.html",
        products=queries.current_products(local_today()),
        portfolios=queries.portfolios(),
    )


@bp.route("/products/<int:product_id>")
@signed_in
def product(product_id: int):
    """One product with its key terms, for the salesperson."""
    return render_template("kits/product.html", product=_product(product_id))


@bp.route("/products/<int:product_id>/image")
@signed_in
def image(product_id: int):
    """A product's image (at most 200 KB), cacheable by the browser and the service worker."""
    row = db.session.execute(
        select(Product.image, Product.image_type).where(Product.id == product_id)
    ).first()
    if row is None or not row.image:
        abort(404)
    return _image_response(row.image, row.image_type)


@bp.route("/portfolios/<int:portfolio_id>")
@signed_in
def portfolio(portfolio_id: int):
    """One portfolio: its segment, pitch and products."""
    return render_template("kits/portfolio.html", portfolio=_portfolio(portfolio_id))


@bp.route("/present/products/<int:product_id>")
@signed_in
def present_product(product_id: int):
    """Full-screen, swipeable slides of one product for the customer; no staff-only data."""
    return render_template("kits/present.html", product=_product(product_id), portfolio=None)


@bp.route("/present/portfolios/<int:portfolio_id>")
@signed_in
def present_portfolio(portfolio_id: int):
    """Full-screen, swipeable slides of a portfolio for the customer; no staff-only data."""
    return render_template("kits/present.html", portfolio=_portfolio(portfolio_id), product=None)


@bp.route("/offline.json")
@signed_in
def offline():
    """The kit's URLs, for the service worker to precache."""
    return jsonify(urls=queries.offline_urls())


@bp.route("/admin")
@roles(Role.ADMIN)
def admin():
    """The administrator's catalogue: every product and portfolio."""
    return render_template(
        "kits/admin.html", products=queries.all_products(), portfolios=queries.portfolios()
    )


@bp.route("/admin/products/new", methods=["GET", "POST"])
@bp.route("/admin/products/<int:product_id>/edit", methods=["GET", "POST"])
@roles(Role.ADMIN)
@body_limit("KIT_MAX_CONTENT_LENGTH")
def edit_product(product_id: int | None = None):
    """Add or change a product of the kit."""
    existing = _product(product_id) if product_id else None
    form = ProductForm(obj=existing) if request.method == "GET" else ProductForm()
    if existing is not None and request.method == "GET":
        form.category.data, form.risk_level.data = (
            existing.category.value,
            existing.risk_level.value if existing.risk_level else "",
        )
    if form.validate_on_submit():
        saved = services.save_product(existing, form.data)
        return redirect(url_for("kits.product", product_id=saved.id), 303)
    return render_template("kits/edit_product.html", form=form, product=existing)


@bp.route("/admin/portfolios/new", methods=["GET", "POST"])
@bp.route("/admin/portfolios/<int:portfolio_id>/edit", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit_portfolio(portfolio_id: int | None = None):
    """Add or change a portfolio."""
    existing = _portfolio(portfolio_id) if portfolio_id else None
    form = PortfolioForm()
    form.products.choices = [SelectChoice(p.id, p.name) for p in queries.all_products()]
    if existing is not None and request.method == "GET":
        form.process(obj=existing)
        form.products.choices = [SelectChoice(p.id, p.name) for p in queries.all_products()]
        form.products.data = [item.product_id for item in existing.items]
    if form.validate_on_submit():
        saved = services.save_portfolio(existing, form.data)
        return redirect(url_for("kits.portfolio", portfolio_id=saved.id), 303)
    return render_template("kits/edit_portfolio.html", form=form, portfolio=existing)


def _image_response(data: bytes, mime: str):
    """An image response the browser may keep for a day."""
    response = current_app.response_class(data, mimetype=mime)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _product(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None:
        abort(404)
    return product


def _portfolio(portfolio_id: int) -> Portfolio:
    portfolio = db.session.get(Portfolio, portfolio_id)
    if portfolio is None:
        abort(404)
    return portfolio
