"""A sweep's walking route and its small map (issue 20, item 2): stops in nearest-neighbour
order from where the phone is, distances in metres, drawn from the coordinates alone."""

import re
import uuid
from types import SimpleNamespace

from sqlalchemy import select

from tests.conftest import text_of
from webapp.auth.models import Role
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
    assert "<img" not in html.split('id="route-map"')[1].split("</svg>")[0]  # no tiles


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
