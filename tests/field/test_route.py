"""A sweep's walking route and its small map (issue 20, item 2): stops in nearest-neighbour
order from where the phone is, distances in metres, drawn from the coordinates alone."""

import math
import re
import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.conftest import text_of
from webapp import create_app
from webapp.auth.models import Role
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.field import route
from webapp.field.models import AreaKind, Stop, Sweep, Visit
from webapp.timeutil import local_today

# Four shops along 东昌路, about 100 m apart west to east, planned out of order.
EAST, WEST, MIDDLE_EAST, MIDDLE_WEST = (
    ("东四", "东昌路 40 号", 31.2339, 121.5110),
    ("西一", "东昌路 10 号", 31.2339, 121.5080),
    ("东三", "东昌路 30 号", 31.2339, 121.5100),
    ("西二", "东昌路 20 号", 31.2339, 121.5090),
)


def _stop(n, lat, lng):
    return SimpleNamespace(id=n, latitude=lat, longitude=lng)


def test_metres_between_two_points():
    """A thousandth of a degree of latitude is about 111 m; of longitude at Shanghai, 95 m."""
    assert round(route.metres_between((31.2339, 121.508), (31.2349, 121.508))) == 111
    assert round(route.metres_between((31.2339, 121.508), (31.2339, 121.509))) == 95


def test_walking_order_is_nearest_neighbour_from_the_start_done_and_unlocated_last():
    """From the west end: west to east, each leg in metres; the stop without coordinates after
    them, the stop already visited last."""
    stops = [
        _stop(1, 31.2339, 121.5110),
        _stop(2, 31.2339, 121.5080),
        _stop(3, None, None),
        _stop(4, 31.2339, 121.5090),
        _stop(5, 31.2339, 121.5100),
    ]
    legs = route.walking_order(stops, (31.2339, 121.5070), done={4})
    assert [leg.stop.id for leg in legs] == [2, 5, 1, 3, 4]
    assert [leg.number for leg in legs] == [1, 2, 3, 4, 5]
    assert [leg.metres for leg in legs] == [95, 190, 95, None, None]


def test_a_route_with_no_start_begins_at_its_first_stop_with_no_metres_to_it():
    """No position and no located visit: the route begins at the first planned stop, whose
    distance is unknown (not "0 m"); each later leg has its metres."""
    stops = [_stop(1, 31.2339, 121.5080), _stop(2, 31.2339, 121.5090)]
    legs = route.walking_order(stops, None, done=set())
    assert [(leg.stop.id, leg.metres) for leg in legs] == [(1, None), (2, 95)]


def _sweep(app, staff, stops) -> tuple[int, list[int]]:
    with app.app_context():
        sweep = Sweep(
            branch_id=staff.branch_id,
            staff_id=staff.id,
            area="东昌路",
            area_kind=AreaKind.STREET,
            day=local_today(),
        )
        for i, (name, address, lat, lng) in enumerate(stops):
            sweep.stops.append(
                Stop(position=i, name=name, address=address, latitude=lat, longitude=lng)
            )
        db.session.add(sweep)
        db.session.commit()
        return sweep.id, [s.id for s in sweep.stops]


def test_the_sweep_lists_its_stops_in_walking_order_with_address_and_metres(client, login_as, app):
    """After a visit at the west end, the pending stops follow west to east with the metres
    of each leg and their address; the map numbers them in that order and marks the done one."""
    staff = login_as(Role.CORPORATE_AM)
    sweep_id, ids = _sweep(app, staff, [EAST, WEST, MIDDLE_EAST, MIDDLE_WEST])
    west = ids[1]
    visit = {
        "client_id": str(uuid.uuid4()),
        "sweep_id": str(sweep_id),
        "stop_id": str(west),
        "business_name": "西一",
        "outcome": "info_collected",
        "latitude": "31.2339",
        "longitude": "121.5080",
        "accuracy_m": "10",
        "position_status": "ok",
    }
    client.post_form("/field/visits", visit, page="/field/visits/new")
    response = client.get(f"/field/sweeps/{sweep_id}")
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert re.search(
        r"1 西二 东昌路 20 号 95 米.*2 东三 东昌路 30 号 95 米.*3 东四 东昌路 40 号 95 米", page
    )
    assert page.index("东四") < page.index("✓ 西一")  # the visited stop comes last
    numbers = re.findall(
        r'data-map-stop="(\d+)"[^>]*>\s*<circle r="11"/><text[^>]*>(.)</text>', html
    )
    assert sorted(numbers) == sorted(
        [(str(ids[3]), "1"), (str(ids[2]), "2"), (str(ids[0]), "3"), (str(west), "✓")]
    )
    assert f'route-map__stop route-map__stop--done" data-map-stop="{west}"' in html
    xs = {
        int(stop): int(x)
        for stop, x in re.findall(r'data-map-stop="(\d+)" transform="translate\((\d+) ', html)
    }
    assert xs[west] < xs[ids[3]] < xs[ids[2]] < xs[ids[0]]  # west on the left, north up
    assert "<image" not in html.split('id="route-map"')[1].split("</svg>")[0]  # no tile server


def test_a_visit_shows_its_distance_from_the_stop_never_raw_coordinates(client, login_as, app):
    """The position reads as metres from the stop's address, not "31.23040, 121.50550 (±0 m)"."""
    staff = login_as(Role.CORPORATE_AM)
    sweep_id, [stop_id] = _sweep(app, staff, [WEST])
    data = {
        "client_id": str(uuid.uuid4()),
        "sweep_id": str(sweep_id),
        "stop_id": str(stop_id),
        "business_name": "西一",
        "place": "东昌路 10 号",
        "outcome": "info_collected",
        "latitude": "31.2341",
        "longitude": "121.5080",
        "accuracy_m": "0",
        "position_status": "ok",
    }
    client.post_form("/field/visits", data, page="/field/visits/new")
    with app.app_context():
        visit_id = db.session.scalar(select(Visit.id))
    page = text_of(client.get(f"/field/visits/{visit_id}"))
    assert "31.234" not in page and "121.508" not in page and "±0" not in page
    assert "距拜访点 22 米" in page


TILES = "https://tiles.bank.example/map/{z}/{x}/{y}.png"


def _tile_under(lat: float, lng: float, zoom: int) -> tuple[int, int]:
    """The slippy-map tile holding a point, from the standard formula (not route.world)."""
    n = 2**zoom
    lat_r = math.radians(lat)
    x = (lng + 180) / 360 * n
    y = (1 - math.asinh(math.tan(lat_r)) / math.pi) / 2 * n
    return math.floor(x), math.floor(y)


def test_the_tiles_cover_the_map_and_each_stop_lies_on_its_own_tile():
    """With a tile server, the map's box is covered by tiles at one zoom, and each stop's
    marker falls inside the tile the standard slippy-map formula gives for its coordinates."""
    stops = [_stop(i, lat, lng) for i, (_, _, lat, lng) in enumerate([EAST, WEST, MIDDLE_EAST])]
    start = (31.2345, 121.5068)
    legs = route.walking_order(stops, start, done=set())
    points = route.map_points(legs, start, set(), tiles=TILES, max_zoom=19)
    tiles = points["tiles"]
    zooms = {int(t["href"].split("/")[4]) for t in tiles}
    assert len(zooms) == 1 and 15 <= zooms.pop() <= 18
    zoom = int(tiles[0]["href"].split("/")[4])
    by_address = {t["href"]: t for t in tiles}
    for stop in stops:
        x, y = _tile_under(stop.latitude, stop.longitude, zoom)
        tile = by_address[TILES.format(z=zoom, x=x, y=y)]
        px, py = points["stops"][stop.id]
        assert tile["x"] - 1 <= px <= tile["x"] + tile["side"] + 1
        assert tile["y"] - 1 <= py <= tile["y"] + tile["side"] + 1
    # Together they cover the whole box, no tile wholly outside it.
    assert min(t["x"] for t in tiles) <= 0 and min(t["y"] for t in tiles) <= 0
    assert max(t["x"] + t["side"] for t in tiles) >= route.MAP_WIDTH
    assert max(t["y"] + t["side"] for t in tiles) >= route.MAP_HEIGHT
    assert all(t["x"] < route.MAP_WIDTH and t["y"] < route.MAP_HEIGHT for t in tiles)
    assert all(t["x"] + t["side"] > 0 and t["y"] + t["side"] > 0 for t in tiles)
    deeper = route.map_points(legs, start, set(), tiles=TILES, max_zoom=12)["tiles"]
    assert {t["href"].split("/")[4] for t in deeper} == {"12"}  # the server's deepest zoom


def test_a_configured_tile_server_draws_under_the_map_and_joins_the_policy(
    client, login_as, app, monkeypatch
):
    """The sweep's map carries the tiles under its stops, and the page's policy lets images
    come from the tile server's origin (and from nowhere else new)."""
    monkeypatch.setitem(app.config, "MAP_TILES", TILES)
    monkeypatch.setitem(app.config, "MAP_TILES_ATTRIBUTION", "© 测绘局")
    staff = login_as(Role.CORPORATE_AM)
    sweep_id, _ = _sweep(app, staff, [EAST, WEST])
    response = client.get(f"/field/sweeps/{sweep_id}")
    html = response.get_data(as_text=True)
    svg = html.split('id="route-map"')[1].split("</svg>")[0]
    assert svg.count('<image href="https://tiles.bank.example/map/') >= 2
    assert f'data-tiles="{TILES}"' in html
    assert "© 测绘局" in text_of(response)
    policy = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://tiles.bank.example;" in policy
    # ...and the service worker's fetch of them, to keep them for the map with no signal.
    assert "connect-src 'self' https://tiles.bank.example;" in policy
    assert "script-src 'self';" in policy and "default-src 'self';" in policy


def test_a_tile_address_without_its_places_stops_the_start():
    """A tile server address the map cannot use is refused when the app starts, saying why."""
    for wrong in (
        "https://tiles.bank.example/{z}/{x}.png",
        "ftp://tiles/{z}/{x}/{y}.png",
        "{z}/{x}/{y}",
    ):
        with pytest.raises(ValueError, match="BRANCHKIT_MAP_TILES"):
            create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", MAP_TILES=wrong)
