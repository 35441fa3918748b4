"""A sweep's walking route: stops ordered by nearest neighbour, distances in metres, and the
small map drawn from the coordinates alone. static/js/field.js does the same on the phone."""

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_000
MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 340, 220, 18


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance in metres between two (latitude, longitude) points."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def metres_from_stop(visit) -> int | None:
    """How far from its stop the phone was at a visit, when both are located."""
    stop = visit.stop
    if not visit.has_position or stop is None or stop.latitude is None:
        return None
    return round(metres_between((visit.latitude, visit.longitude), (stop.latitude, stop.longitude)))


@dataclass
class Leg:
    """One stop on the route: its number in walking order and the metres from the previous."""

    stop: object
    number: int
    metres: int | None


def walking_order(stops: list, start: tuple[float, float] | None, done: set[int]) -> list[Leg]:
    """Pending stops by nearest neighbour from `start` (else the first located stop), then the
    stops already done; stops without coordinates come last, in their planned order."""
    located = [s for s in stops if s.latitude is not None and s.id not in done]
    unlocated = [s for s in stops if s.latitude is None and s.id not in done]
    here = start or ((located[0].latitude, located[0].longitude) if located else None)
    legs: list[Leg] = []
    while located:
        nearest = min(located, key=lambda s: metres_between(here, (s.latitude, s.longitude)))
        metres = round(metres_between(here, (nearest.latitude, nearest.longitude)))
        legs.append(Leg(nearest, len(legs) + 1, metres))
        here = (nearest.latitude, nearest.longitude)
        located.remove(nearest)
    legs += [Leg(s, len(legs) + 1 + i, None) for i, s in enumerate(unlocated)]
    legs += [
        Leg(s, len(legs) + 1 + i, None) for i, s in enumerate(x for x in stops if x.id in done)
    ]
    return legs


def map_points(legs: list[Leg], start: tuple[float, float] | None, done: set[int]) -> dict:
    """Each located stop (and the start) projected into the map's box, north up, to scale, and
    the path from the start through the pending stops."""
    points = [(leg.stop.latitude, leg.stop.longitude) for leg in legs if leg.stop.latitude]
    if start:
        points.append(start)
    if not points:
        return {"stops": {}, "start": None, "path": []}
    lat0 = sum(p[0] for p in points) / len(points)
    scale_x = math.cos(math.radians(lat0))  # a degree of longitude is shorter than one of latitude
    xs = [p[1] * scale_x for p in points]
    ys = [p[0] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.0005)
    k = min(MAP_WIDTH, MAP_HEIGHT) - 2 * MAP_MARGIN
    x_pad = (MAP_WIDTH - (max(xs) - min(xs)) / span * k) / 2
    y_pad = (MAP_HEIGHT - (max(ys) - min(ys)) / span * k) / 2

    def project(lat: float, lng: float) -> tuple[int, int]:
        return (
            round(x_pad + (lng * scale_x - min(xs)) / span * k),
            round(MAP_HEIGHT - y_pad - (lat - min(ys)) / span * k),
        )

    stops = {
        leg.stop.id: project(leg.stop.latitude, leg.stop.longitude)
        for leg in legs
        if leg.stop.latitude is not None
    }
    here = project(*start) if start else None
    path = ([here] if here else []) + [
        stops[leg.stop.id] for leg in legs if leg.stop.id in stops and leg.stop.id not in done
    ]
    return {"stops": stops, "start": here, "path": path}
