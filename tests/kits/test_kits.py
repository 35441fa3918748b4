"""The sales kit: the administrator's catalogue, image checks, present mode, offline URLs."""

import io
import re
import struct
import zlib

from sqlalchemy import select

from tests.conftest import text_of
from webapp.auth.models import Role
from webapp.extensions import db as _db
from webapp.kits.models import Portfolio, Product
from webapp.kits.queries import offline_urls


def _png(padding: int = 0) -> bytes:
    """A real 1x1 PNG, optionally padded with a large ancillary chunk."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    if padding:
        raw += chunk(b"tEXt", b"c\x00" + b"x" * padding)
    return raw + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


def _product_form(**over):
    data = {
        "category": "deposit",
        "name": "大额存单",
        "point_1": "保本保息",
        "point_2": "可转让",
        "point_3": "",
        "suits": "求稳客户",
        "risk_level": "",  # a deposit carries no risk level
        "key_terms": "起存 20 万",
        "valid_from": "",
        "valid_to": "",
    }
    data.update(over)
    return data


def test_admin_adds_a_product_with_an_image(app, client, login_as):
    """The image is stored, served with its type (never compressed again), and shown
    lazy-loaded."""
    login_as(Role.ADMIN)
    data = _product_form(image=(io.BytesIO(_png(2000)), "card.png"), featured="y")
    response = client.post_form("/kit/admin/products/new", data, content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        product = _db.session.scalars(select(Product)).one()
        assert product.image_type == "image/png" and product.featured
        product_id = product.id
    page = client.get(f"/kit/products/{product_id}").get_data(as_text=True)
    assert 'loading="lazy"' in page and "保本保息" in page
    image = client.get(f"/kit/products/{product_id}/image", headers={"Accept-Encoding": "br, gzip"})
    assert image.mimetype == "image/png" and image.data == _png(2000)
    assert "Content-Encoding" not in image.headers


def test_oversized_and_fake_images_are_refused(app, client, login_as):
    """Over 200 KB, or not really an image: the message beside the field, nothing saved."""
    login_as(Role.ADMIN)
    big = client.post_form(
        "/kit/admin/products/new",
        _product_form(image=(io.BytesIO(_png(210_000)), "big.png")),
        content_type="multipart/form-data",
    )
    fake = client.post_form(
        "/kit/admin/products/new",
        _product_form(image=(io.BytesIO(b"<svg onload=alert(1)>"), "x.png")),
        content_type="multipart/form-data",
    )
    for response in (big, fake):
        assert response.status_code == 200 and 'id="image-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalars(select(Product)).first() is None


def test_valid_to_before_valid_from_is_refused(app, client, login_as):
    """Dates in the wrong order are caught."""
    login_as(Role.ADMIN)
    response = client.post_form(
        "/kit/admin/products/new", _product_form(valid_from="2026-12-01", valid_to="2026-11-01")
    )
    assert response.status_code == 200 and 'id="valid_to-error"' in response.get_data(as_text=True)


def test_only_the_administrator_manages_the_kit(app, client, login_as):
    """Salespeople read the kit; managing it is the administrator's."""
    login_as(Role.WEALTH_MANAGER)
    assert client.get("/kit/").status_code == 200
    assert client.get("/kit/admin").status_code == 403
    assert client.get("/kit/admin/products/new").status_code == 403


def test_portfolio_and_present_mode_show_no_staff_data(app, client, login_as):
    """Present mode: the pitch and products, no staff name, no navigation, no inline script."""
    login_as(Role.ADMIN)
    client.post_form("/kit/admin/products/new", _product_form())
    with app.app_context():
        product_id = _db.session.scalars(select(Product.id)).one()
    response = client.post_form(
        "/kit/admin/portfolios/new",
        {
            "name": "稳健养老组合",
            "segment": "45-60 岁",
            "pitch": "退休后每月稳定收入",
            "products": [str(product_id)],
        },
    )
    assert response.status_code == 303
    with app.app_context():
        portfolio = _db.session.scalars(select(Portfolio)).one()
        portfolio_id = portfolio.id
    me = login_as(Role.WEALTH_MANAGER, name="林晓燕")
    present = client.get(f"/kit/present/portfolios/{portfolio_id}")
    html = present.get_data(as_text=True)
    assert "退休后每月稳定收入" in html and "大额存单" in html and "保本保息" in html
    assert me.name not in html and "tabbar" not in html and "<script>" not in html
    assert re.search(r"js/present-[0-9a-f]{32}\.js", html)


def test_offline_urls_cover_every_kit_page(app, client, login_as):
    """The service worker precaches the index, each product, portfolio, present page and image."""
    login_as(Role.ADMIN)
    client.post_form(
        "/kit/admin/products/new",
        _product_form(image=(io.BytesIO(_png()), "a.png")),
        content_type="multipart/form-data",
    )
    with app.test_request_context():
        product_id = _db.session.scalars(select(Product.id)).one()
        urls = offline_urls()
    assert urls == [
        "/kit/",
        f"/kit/products/{product_id}",
        f"/kit/present/products/{product_id}",
        f"/kit/products/{product_id}/image",
    ]
    listing = client.get("/kit/offline.json").get_json()
    assert listing["urls"] == urls
    for url in urls:
        assert client.get(url).status_code == 200


def test_editing_keeps_the_image_and_shows_the_choices(app, client, login_as):
    """Editing a product without a new image keeps the old one; the edit pages show current values."""
    login_as(Role.ADMIN)
    client.post_form(
        "/kit/admin/products/new",
        _product_form(image=(io.BytesIO(_png()), "a.png")),
        content_type="multipart/form-data",
    )
    with app.app_context():
        product_id = _db.session.scalars(select(Product.id)).one()
    form = client.get(f"/kit/admin/products/{product_id}/edit").get_data(as_text=True)
    assert 'value="大额存单"' in form and '<option selected value="deposit">' in form
    response = client.post_form(
        f"/kit/admin/products/{product_id}/edit",
        _product_form(name="大额存单 5 年期", category="deposit"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    with app.app_context():
        product = _db.session.get(Product, product_id)
        assert product.name == "大额存单 5 年期" and product.image == _png()
    client.post_form(
        "/kit/admin/portfolios/new",
        {"name": "组合", "segment": "个人", "pitch": "", "products": [str(product_id)]},
    )
    with app.app_context():
        portfolio_id = _db.session.scalars(select(Portfolio.id)).one()
    page = client.get(f"/kit/admin/portfolios/{portfolio_id}/edit").get_data(as_text=True)
    assert (
        f'<input checked id="products-0" name="products" type="checkbox" value="{product_id}">'
        in page
    )


def test_a_missing_product_or_portfolio_name_asks_for_that_name(app, client, login_as):
    """The message beside an empty name says whose name: a product's or a portfolio's, never a
    person's (姓名), and what else was typed stays in the form."""
    from tests.conftest import text_of

    login_as(Role.ADMIN)
    product = client.post_form("/kit/admin/products/new", _product_form(name=""))
    assert "请输入产品名称。" in text_of(product) and "姓名" not in text_of(product)
    assert 'value="保本保息"' in product.get_data(as_text=True)
    portfolio = client.post_form(
        "/kit/admin/portfolios/new", {"name": "", "segment": "45-60 岁", "pitch": "稳定收入"}
    )
    assert "请输入组合名称。" in text_of(portfolio) and "姓名" not in text_of(portfolio)
    assert 'value="45-60 岁"' in portfolio.get_data(as_text=True)


def test_risk_level_belongs_to_wealth_products_only(app, client, login_as):
    """A card has no R1-R5 grade: the form refuses one beside the field and the kit shows none;
    a fund must carry one."""
    login_as(Role.ADMIN, locale="en")
    card = client.post_form(
        "/kit/admin/products/new",
        _product_form(category="card", name="白金信用卡", risk_level="r3"),
    )
    assert card.status_code == 200 and "carry no risk level" in text_of(card)
    client.post_form(
        "/kit/admin/products/new", _product_form(category="card", name="白金信用卡", risk_level="")
    )
    fund = client.post_form(
        "/kit/admin/products/new", _product_form(category="fund", name="稳健基金", risk_level="")
    )
    assert fund.status_code == 200 and "Choose the product's risk level" in text_of(fund)
    with app.app_context():
        product = _db.session.scalars(select(Product)).one()
        assert product.name == "白金信用卡" and product.risk_level is None
        product_id = product.id
    page = text_of(client.get(f"/kit/products/{product_id}"))
    assert "R1" not in page and "Risk level" not in page
