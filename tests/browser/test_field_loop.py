"""Market running's loop on a phone (issue 20): outcomes that lead to their next form, offline
included, with nothing lost or doubled when the outbox syncs."""

import struct
import uuid
import zlib
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import ready, served, sign_in, until
from tests.browser.test_offline import wait_outbox_empty, wait_until
from tests.field.test_route import _tile_under
from webapp.appointments.models import Appointment
from webapp.auth.models import Staff
from webapp.customers.models import Acquisition, Customer
from webapp.extensions import db
from webapp.field.models import AreaKind, Stop, Sweep, Visit
from webapp.timeutil import local_today


def _sweep(app, username: str, stops: list[dict]) -> tuple[int, list[int]]:
    """A sweep of today for `username` with the given stops; its id and the stops' ids."""
    with app.app_context():
        staff = db.session.scalar(select(Staff).where(Staff.username == username))
        sweep = Sweep(
            branch_id=staff.branch_id,
            staff_id=staff.id,
            area=f"测试街-{uuid.uuid4().hex[:6]}",
            area_kind=AreaKind.STREET,
            day=local_today(),
        )
        for position, values in enumerate(stops):
            sweep.stops.append(Stop(position=position, **values))
        db.session.add(sweep)
        db.session.commit()
        return sweep.id, [s.id for s in sweep.stops]


def _own_customer(app, username: str) -> Customer:
    with app.app_context():
        staff = db.session.scalar(select(Staff).where(Staff.username == username))
        customer = db.session.scalars(
            select(Customer).where(Customer.owner_id == staff.id).order_by(Customer.id)
        ).first()
        db.session.expunge(customer)
        return customer


def _cached(page, path: str) -> None:
    """Wait until the service worker keeps `path` for offline use (its precache)."""
    wait_until(page, f"() => caches.match({path!r}, {{ignoreVary: true}}).then(r => !!r)")


def _visit_form(sweep_id: int, stop_id: int, name: str, place: str, customer_id=None) -> str:
    """The visit form as the sweep's stop links to it."""
    query = {"stop_id": stop_id, "sweep_id": sweep_id, "business_name": name, "place": place}
    if customer_id:
        query["customer_id"] = customer_id
    return "/field/visits/new?" + urlencode(query)


def _steps(page) -> dict[str, str]:
    """The next steps offered, by key, with their addresses, once the page shows them (offline,
    field.js adds them to the saved card when htmx has settled it, a moment after it shows)."""
    expect(page.locator("[data-next-steps]")).to_be_attached()
    return page.eval_on_selector_all(
        "[data-next-steps] [data-step]",
        "links => Object.fromEntries(links.map(a => [a.dataset.step, a.getAttribute('href')]))",
    )


def test_an_appointment_set_offline_leads_to_the_appointment_form_with_the_customer(
    page, context, live_app, shots
):
    """已约见 with no signal: the saved visit offers the appointment form, which opens offline
    with the stop's customer chosen, face to face, at the stop; both sync once, and the links
    are those the server makes for the same visit."""
    customer = _own_customer(live_app, "retail1")
    place = "东昌路 18 号"
    sweep_id, [stop_id] = _sweep(
        live_app, "retail1", [{"name": customer.name, "address": place, "customer_id": customer.id}]
    )
    ready(page, "/field/visits/new")
    _cached(page, "/appointments/new")
    context.set_offline(True)
    page.goto(_visit_form(sweep_id, stop_id, customer.name, place, customer.id))
    page.fill("#notes", "下周二来网点谈收款码")
    page.check("input[name=outcome][value=appointment]")
    page.click("#visit-form button[type=submit]")
    expect(page.locator("[data-outbox-saved]")).to_contain_text("已保存在本机")
    first = page.locator("[data-next-steps] .button--primary")
    expect(first).to_have_text("登记约见")
    offline_steps = _steps(page)
    page.screenshot(path=shots / "phone-field-next-steps-offline.png", full_page=True)
    first.click()
    expect(page.locator(f"#customer-options input[value='{customer.id}']")).to_be_checked()
    expect(page.locator("input[name=via][value=in_person]")).to_be_checked()
    expect(page.locator("#place")).to_have_value(place)
    page.check("input[name=reason][value=external_referral]")
    page.select_option("#statement_id", index=1)
    page.fill("#option_1", "2026-12-22T10:00")
    page.fill("#option_2", "2026-12-23T14:00")
    page.check("input[name=chosen_option][value='1']")
    page.check("#reconfirmed")
    page.screenshot(path=shots / "phone-field-appointment-prefilled-offline.png", full_page=True)
    page.click("#appointment-form button[type=submit]")
    expect(page.locator("[data-outbox-saved]")).to_be_visible()
    context.set_offline(False)
    wait_outbox_empty(page)
    with live_app.app_context():
        [visit] = db.session.scalars(select(Visit).where(Visit.stop_id == stop_id)).all()
        [appointment] = db.session.scalars(
            select(Appointment).where(
                Appointment.customer_id == customer.id, Appointment.place == place
            )
        ).all()
        assert appointment.via.value == "in_person"
        visit_id = visit.id
    page.goto(f"/field/visits/{visit_id}")
    assert _steps(page) == offline_steps  # the phone made the links the server makes
    expect(page.locator("main")).not_to_contain_text("31.2")  # a distance, not coordinates
    page.screenshot(path=shots / "phone-field-visit-next-steps.png", full_page=True)


def test_a_contact_met_offline_becomes_a_customer_in_one_tap_and_the_sheet_fills_itself(
    page, context, live_app, shots
):
    """有意向 at a new place with no signal: one tap on 建为客户 keeps the customer on the phone;
    the SME sheet opens offline prefilled from the stop; back online one visit and one
    customer (source 跑市场, the stop now theirs) reach the server."""
    place = "浦东南路 200 号"
    shop = f"好味道小吃-{uuid.uuid4().hex[:6]}"
    contact = f"陈{uuid.uuid4().hex[:4]}"
    mobile = "139" + str(uuid.uuid4().int)[:8]
    sweep_id, [stop_id] = _sweep(live_app, "retail1", [{"name": shop, "address": place}])
    ready(page, "/field/visits/new")
    _cached(page, "/customers/new/sme")
    context.set_offline(True)
    page.goto(_visit_form(sweep_id, stop_id, shop, place))
    page.fill("#contact_name", contact)
    page.fill("#contact_mobile", mobile)
    page.check("input[name=outcome][value=interested]")
    page.click("#visit-form button[type=submit]")
    expect(page.locator("[data-outbox-saved]")).to_contain_text("已保存在本机")
    steps = _steps(page)
    assert list(steps) == ["appointment", "sme_sheet"]  # a prospect needs the customer first
    expect(page.locator(".contact-form #name")).to_have_value(contact)
    page.screenshot(path=shots / "phone-field-contact-offline.png", full_page=True)
    page.click(".contact-form [data-contact-submit]")
    expect(page.locator("[data-next-steps] [data-outbox-saved]")).to_contain_text("已保存在本机")
    page.click("[data-next-steps] [data-step=sme_sheet]")
    expect(page.locator("#name")).to_have_value(shop)
    expect(page.locator("#mobile")).to_have_value(mobile)
    expect(page.locator("#acquired_via")).to_have_value("market_running")
    page.screenshot(path=shots / "phone-field-sme-sheet-prefilled-offline.png", full_page=True)
    context.set_offline(False)
    wait_outbox_empty(page)
    with live_app.app_context():
        assert len(db.session.scalars(select(Visit).where(Visit.stop_id == stop_id)).all()) == 1
        [customer] = db.session.scalars(select(Customer).where(Customer.name == contact)).all()
        assert customer.acquired_via == Acquisition.MARKET_RUNNING and customer.mobile == mobile
        assert db.session.get(Stop, stop_id).customer_id == customer.id


# Four shops along 东昌路 about 95 m apart, planned east to west.
SHOPS = (
    ("东四", "东昌路 40 号", 31.2339, 121.5110),
    ("东三", "东昌路 30 号", 31.2339, 121.5100),
    ("西二", "东昌路 20 号", 31.2339, 121.5090),
    ("西一", "东昌路 10 号", 31.2339, 121.5080),
)


def _street(live_app) -> int:
    """Today's sweep of retail1 along the four shops of SHOPS; its id."""
    stops = [
        {"name": n, "address": a, "latitude": lat, "longitude": lng} for n, a, lat, lng in SHOPS
    ]
    return _sweep(live_app, "retail1", stops)[0]


def _stand(context, longitude: float) -> None:
    """The phone on 东昌路 at a longitude (the shops are at 121.5080 to 121.5110)."""
    context.set_geolocation({"latitude": 31.2339, "longitude": longitude, "accuracy": 10})


def _offline_at_the_west_end(page, context, live_app) -> int:
    """The street's sweep kept on the phone, opened with no signal west of its first shop."""
    sweep_id = _street(live_app)
    ready(page, "/field/visits/new")
    _cached(page, f"/field/sweeps/{sweep_id}")
    context.grant_permissions(["geolocation"])
    _stand(context, 121.5070)
    context.set_offline(True)
    page.goto(f"/field/sweeps/{sweep_id}")
    return sweep_id


def _marker_order(page) -> list[str]:
    """The map's markers as drawn from west to east."""
    markers = page.eval_on_selector_all(
        "#route-map [data-map-stop]",
        "gs => gs.map(g => [g.textContent.trim(), g.transform.baseVal[0].matrix.e])",
    )
    return [n for n, _ in sorted(markers, key=lambda m: m[1])]


def test_the_route_is_walked_from_where_the_phone_is_with_no_signal(page, context, live_app, shots):
    """Standing west of the street with no signal: the sweep kept on the phone lists its stops
    west to east, numbered, with each leg's metres and the address, the map numbered alike,
    and never a raw coordinate."""
    _offline_at_the_west_end(page, context, live_app)
    expect(page.locator("[data-route-from]")).to_have_text("按步行顺序排列，从您所在位置出发。")
    rows = page.locator("#sweep-stops > li")
    expected = [
        "1 西一 东昌路 10 号 95 米",
        "2 西二 东昌路 20 号 95 米",
        "3 东三 东昌路 30 号 95 米",
        "4 东四 东昌路 40 号 95 米",
    ]
    for i, text in enumerate(expected):
        expect(rows.nth(i)).to_contain_text(text.split(" ")[1])
        assert " ".join(rows.nth(i).inner_text().split()).startswith(text)
    assert _marker_order(page) == ["1", "2", "3", "4"]
    assert page.locator("#route-map [data-route-here]").count() == 1
    body = page.inner_text("main")
    assert "31.23" not in body and "121.5" not in body
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=shots / "phone-field-route-offline.png", full_page=True)


def test_a_stop_with_a_long_address_keeps_its_whole_name_on_a_phone(page, live_app, shots):
    """At 390 px a stop whose address is long still shows its whole name: the address, the
    metres and the badge go under it rather than squeezing the name to "…"; so does a shop in
    the list of visits."""
    shop = "好味道小吃（浦东南路店）"
    address = "浦东新区张江高科技园区碧波路 690 号 3 号楼 1 层 108 室"
    sweep_id, _ = _sweep(
        live_app,
        "retail1",
        [
            {"name": shop, "address": address, "latitude": 31.2339, "longitude": 121.5110},
            {"name": "东三", "address": "东昌路 30 号", "latitude": 31.2339, "longitude": 121.5100},
        ],
    )
    sign_in(page, "retail1")
    page.goto(f"/field/sweeps/{sweep_id}")
    row = page.locator("#sweep-stops > li").filter(has_text=shop)
    expect(row).to_contain_text(address)
    cut = page.eval_on_selector_all(
        "#sweep-stops .list__title, #sweep-stops .list__meta",
        "els => els.filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent.trim())",
    )
    assert cut == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=shots / "phone-field-sweep-long-address.png", full_page=True)
    page.goto("/field/")
    visits = page.locator("main .list__link[href*='/field/visits/'] .list__title")
    expect(visits.first).to_be_visible()
    cut = visits.evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent.trim())"
    )
    assert cut == []


def test_the_route_follows_the_phone_as_it_walks(page, context, live_app):
    """With no signal, the route is drawn from the west end; when the phone has walked to the
    east end the list, the metres and the map are redrawn from there, without a reload."""
    _offline_at_the_west_end(page, context, live_app)
    first = page.locator("#sweep-stops > li").first
    expect(first).to_contain_text("西一")
    here_x = page.eval_on_selector("#route-map [data-route-here]", "c => c.cx.baseVal.value")

    _stand(context, 121.5118)
    expect(first).to_contain_text("东四")
    rows = [" ".join(t.split()) for t in page.locator("#sweep-stops > li").all_inner_texts()]
    assert [r.split(" ")[:2] for r in rows] == [
        ["1", "东四"],
        ["2", "东三"],
        ["3", "西二"],
        ["4", "西一"],
    ]
    assert rows[0].endswith("76 米 未拜访") and rows[1].endswith("95 米 未拜访")
    assert _marker_order(page) == ["4", "3", "2", "1"]
    moved_x = page.eval_on_selector("#route-map [data-route-here]", "c => c.cx.baseVal.value")
    assert moved_x > here_x  # the dot went east with the phone
    assert page.locator("#route-map [data-route-here]").count() == 1


def _png(side: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain square PNG (a tile as a tile server sends it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(rgb) * side for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def tile_server(live_app):
    """A map tile server on its own origin, configured as the bank's; the paths it was asked for."""
    asked: list[str] = []
    tile = _png(256, (214, 226, 214))

    def tiles(environ, start_response):
        asked.append(environ["PATH_INFO"])
        headers = [("Content-Type", "image/png"), ("Content-Length", str(len(tile)))]
        start_response("200 OK", [*headers, ("Access-Control-Allow-Origin", "*")])
        return [tile]

    with served(tiles) as base_url:
        template = base_url + "/tiles/{z}/{x}/{y}.png"
        before = live_app.config["MAP_TILES"]
        live_app.config["MAP_TILES"] = template
        yield template, asked
        live_app.config["MAP_TILES"] = before


def _markers_on_their_tiles(page, template: str, asked: list[str]) -> int:
    """Each stop's marker lies inside the tile the slippy-map formula gives for its coordinates,
    and the tile server was asked for every tile drawn. The zoom drawn."""
    drawn = page.eval_on_selector_all(
        "#route-map [data-route-tiles] image",
        """images => images.map(i => [i.getAttribute('href'), i.x.baseVal.value, i.y.baseVal.value,
                                     i.width.baseVal.value])""",
    )
    assert drawn
    paths = {urlsplit(href).path for href, *_ in drawn}
    until(page, lambda: paths <= set(asked), f"the tile server asked for {sorted(paths)}")
    zoom = int(next(iter(paths)).split("/")[2])
    tiles = {href: (x, y, side) for href, x, y, side in drawn}
    stops = page.eval_on_selector_all(
        "#sweep-stops > li[data-lat]",
        """items => items.map(li => {
             const g = document.querySelector(`[data-map-stop="${li.dataset.stopId}"]`);
             const m = g.transform.baseVal[0].matrix;
             return [Number(li.dataset.lat), Number(li.dataset.lng), m.e, m.f];
           })""",
    )
    for lat, lng, mx, my in stops:
        tx, ty = _tile_under(lat, lng, zoom)
        x, y, side = tiles[template.format(z=zoom, x=tx, y=ty)]
        assert x - 1 <= mx <= x + side + 1 and y - 1 <= my <= y + side + 1
    return zoom


def test_the_banks_tiles_lie_under_the_route_and_follow_the_phone(
    page, context, live_app, tile_server, shots
):
    """With the bank's tile server configured, the map draws its tiles underneath: the browser
    fetches them (the policy allows that origin), each stop lies on its own tile, when the
    phone walks east the tiles are redrawn under the moved map, and with no signal the map
    has the tiles it drew."""
    template, asked = tile_server
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    sweep_id = _street(live_app)
    context.grant_permissions(["geolocation"])
    _stand(context, 121.5070)
    # The sweep opened once the worker controls the phone, as a person opens it after sign-in:
    # a page the worker did not control fetches its tiles past it (ready() may reload one).
    ready(page, "/field/visits/new")
    page.goto(f"/field/sweeps/{sweep_id}")
    expect(page.locator("#sweep-stops > li").first).to_contain_text("西一")
    zoom = _markers_on_their_tiles(page, template, asked)
    assert 15 <= zoom <= 19
    page.screenshot(path=shots / "phone-field-route-tiles.png", full_page=True)

    _stand(context, 121.5200)
    expect(page.locator("#sweep-stops > li").first).to_contain_text("东四")
    assert _markers_on_their_tiles(page, template, asked) < zoom  # a wider box, a smaller zoom
    assert refused == []

    # With no signal, back where the walk began: the phone kept the tiles it drew, and the map
    # has them again without asking the tile server.
    _stand(context, 121.5070)
    context.set_offline(True)
    asked_before = len(asked)
    page.reload()
    expect(page.locator("#sweep-stops > li").first).to_contain_text("西一")
    hrefs = page.eval_on_selector_all(
        "#route-map [data-route-tiles] image", "images => images.map(i => i.getAttribute('href'))"
    )
    shown = page.evaluate(
        "hrefs => Promise.all(hrefs.map(h => fetch(h).then(r => r.ok, () => false)))", hrefs
    )
    assert hrefs and all(shown), dict(zip(hrefs, shown, strict=True))
    assert len(asked) == asked_before


def test_the_kit_pages_shown_during_a_visit_are_recorded_on_it_with_no_signal(
    page, context, live_app, shots
):
    """With no signal: the visit form is opened at a stop, a product is presented (two slides),
    and back on the form the pages are filled in, one a line; edited, saved and synced, the
    visit holds them once."""
    from webapp.kits.models import Product

    with live_app.app_context():
        product = db.session.scalars(
            select(Product).where(Product.key_terms != "").order_by(Product.id)
        ).first()
        product_id, name = product.id, product.name
    sweep_id, [stop_id] = _sweep(live_app, "retail1", [{"name": "王记水果", "address": "摊位 12"}])
    ready(page, "/field/visits/new")
    _cached(page, f"/kit/present/products/{product_id}")
    context.set_offline(True)
    visit_form = _visit_form(sweep_id, stop_id, "王记水果", "摊位 12")
    page.goto(visit_form)
    expect(page.locator("#shown")).to_have_value("")
    page.goto(f"/kit/present/products/{product_id}")
    expect(page.locator("#slide-count")).to_contain_text("1 /")
    page.click("[data-slide=next]")
    expect(page.locator("#slide-count")).to_contain_text("2 /")
    page.goto(visit_form)
    expect(page.locator("#shown")).to_have_value(f"{name}\n{name} · 关键条款")
    page.fill("#shown", f"{name}\n{name} · 关键条款\n宣传折页")  # editable: a leaflet handed over
    page.check("input[name=outcome][value=info_collected]")
    page.screenshot(path=shots / "phone-field-kit-pages-offline.png", full_page=True)
    page.click("#visit-form button[type=submit]")
    expect(page.locator("[data-outbox-saved]")).to_be_visible()
    context.set_offline(False)
    wait_outbox_empty(page)
    with live_app.app_context():
        [visit] = db.session.scalars(select(Visit).where(Visit.stop_id == stop_id)).all()
        assert visit.kit_pages == [name, f"{name} · 关键条款", "宣传折页"]
    page.goto("/field/visits/new")
    expect(page.locator("#shown")).to_have_value("")  # the next visit begins afresh


def test_interested_offline_leads_to_a_prospect_for_the_stops_customer(
    page, context, live_app, shots
):
    """有意向 at a customer's stop with no signal: 新增意向客户 opens the prospect form kept on
    the phone with that customer chosen; saved offline, it reaches the server once."""
    from webapp.prospects.models import Prospect

    customer = _own_customer(live_app, "retail1")
    sweep_id, [stop_id] = _sweep(
        live_app,
        "retail1",
        [{"name": customer.name, "address": "东昌路 8 号", "customer_id": customer.id}],
    )
    ready(page, "/field/visits/new")
    _cached(page, "/prospects/new")
    context.set_offline(True)
    page.goto(_visit_form(sweep_id, stop_id, customer.name, "东昌路 8 号", customer.id))
    page.check("input[name=outcome][value=interested]")
    page.click("#visit-form button[type=submit]")
    first = page.locator("[data-next-steps] .button--primary")
    expect(first).to_have_text("新增意向客户")
    first.click()
    expect(page.locator("#customer_id")).to_have_value(str(customer.id))
    potential = f"想了解收款码-{uuid.uuid4().hex[:6]}"
    page.fill("#product_name", "聚合收款码")
    page.fill("#potential", potential)
    page.screenshot(path=shots / "phone-field-prospect-offline.png", full_page=True)
    page.click("form[data-offline] button[type=submit]")
    expect(page.locator("[data-outbox-saved]")).to_be_visible()
    context.set_offline(False)
    wait_outbox_empty(page)
    with live_app.app_context():
        [prospect] = db.session.scalars(
            select(Prospect).where(Prospect.potential == potential)
        ).all()
        assert prospect.customer_id == customer.id
        assert len(db.session.scalars(select(Visit).where(Visit.stop_id == stop_id)).all()) == 1


def test_a_lead_met_offline_is_referred_to_a_colleague_once(page, context, live_app, shots):
    """转介给同事 with no signal: the referral form kept on the phone opens with the contact as a
    new customer and where they were met; saved offline, one referral and one customer (source
    跑市场) reach the server."""
    from webapp.referrals.models import Referral

    shop = f"老张修车-{uuid.uuid4().hex[:6]}"
    contact = f"张{uuid.uuid4().hex[:4]}"
    sweep_id, [stop_id] = _sweep(live_app, "retail1", [{"name": shop, "address": "东昌路 66 号"}])
    ready(page, "/field/visits/new")
    _cached(page, "/referrals/new")
    context.set_offline(True)
    page.goto(_visit_form(sweep_id, stop_id, shop, "东昌路 66 号"))
    page.fill("#contact_name", contact)
    page.fill("#notes", "想办理财")
    page.check("input[name=outcome][value=lead]")
    page.click("#visit-form button[type=submit]")
    first = page.locator("[data-next-steps] .button--primary")
    expect(first).to_have_text("转介给同事")
    first.click()
    expect(page.locator("#new_name")).to_have_value(contact)
    expect(page.locator("#new_name")).to_be_visible()
    expect(page.locator("#note")).to_have_value(f"{shop} · 东昌路 66 号 · 想办理财")
    page.locator("input[name=receiver_id]").first.check()
    page.check("#allow_busy")
    page.screenshot(path=shots / "phone-field-referral-offline.png", full_page=True)
    page.click("form[data-offline] button[type=submit]")
    expect(page.locator("[data-outbox-saved]")).to_be_visible()
    context.set_offline(False)
    wait_outbox_empty(page)
    with live_app.app_context():
        [customer] = db.session.scalars(select(Customer).where(Customer.name == contact)).all()
        assert customer.acquired_via == Acquisition.MARKET_RUNNING
        [referral] = db.session.scalars(
            select(Referral).where(Referral.customer_id == customer.id)
        ).all()
        assert referral.note.startswith(shop)
