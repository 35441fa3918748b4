"""A sweep's walking route: stops ordered by nearest neighbour, distances in metres, and the
small map drawn from the coordinates alone, over the bank's map tiles when it has a tile server
(config MAP_TILES). static/js/field.js does the same on the phone."""

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
        # With no start the route begins at its first stop: the walk there is not known.
        legs.append(Leg(nearest, len(legs) + 1, metres if start or legs else None))
        here = (nearest.latitude, nearest.longitude)
        located.remove(nearest)
    legs += [Leg(s, len(legs) + 1 + i, None) for i, s in enumerate(unlocated)]
    legs += [
        Leg(s, len(legs) + 1 + i, None) for i, s in enumerate(x for x in stops if x.id in done)
    ]
    return legs


TILE_PX = (
    256  # a map tile's side in pixels (the slippy-map tiles of OpenStreetMap and most servers)
)


def world(lat: float, lng: float) -> tuple[float, float]:
    """Web Mercator: a point's pixel at zoom 0 (the world one tile wide), y growing southward,
    so a bank's tiles (in the same projection) lie exactly under the stops."""
    sin = min(max(math.sin(math.radians(lat)), -0.9999), 0.9999)
    x = (lng + 180) / 360 * TILE_PX
    y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * TILE_PX
    return x, y


def tile_address(template: str, z: int, x: int, y: int) -> str:
    """A tile's address from the bank's template (config MAP_TILES, with {z}, {x} and {y})."""
    return template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))


def map_points(
    legs: list[Leg],
    start: tuple[float, float] | None,
    done: set[int],
    tiles: str | None = None,
    max_zoom: int = 19,
) -> dict:
    """Each located stop (and the start) projected into the map's box, north up, to scale; the
    path from the start through the pending stops; and, when the bank configures a tile server
    (`tiles`, its address template), the tiles that cover the box, each placed in it."""
    points = [(leg.stop.latitude, leg.stop.longitude) for leg in legs if leg.stop.latitude]
    if start:
        points.append(start)
    if not points:
        return {"stops": {}, "start": None, "path": [], "tiles": []}
    lat0 = sum(p[0] for p in points) / len(points)
    xs, ys = zip(*(world(*p) for p in points), strict=True)
    # At least 0.0005° of latitude (about 55 m) across, so one stop is not drawn as the world.
    least = 0.0005 / 360 * TILE_PX / math.cos(math.radians(lat0))
    span = max(max(xs) - min(xs), max(ys) - min(ys), least)
    scale = (min(MAP_WIDTH, MAP_HEIGHT) - 2 * MAP_MARGIN) / span  # map pixels per world pixel
    x_pad = (MAP_WIDTH - (max(xs) - min(xs)) * scale) / 2
    y_pad = (MAP_HEIGHT - (max(ys) - min(ys)) * scale) / 2
    left, top = min(xs) - x_pad / scale, min(ys) - y_pad / scale  # the box's corner, in the world

    def project(lat: float, lng: float) -> tuple[int, int]:
        x, y = world(lat, lng)
        return round((x - left) * scale), round((y - top) * scale)

    stops = {
        leg.stop.id: project(leg.stop.latitude, leg.stop.longitude)
        for leg in legs
        if leg.stop.latitude is not None
    }
    here = project(*start) if start else None
    path = ([here] if here else []) + [
        stops[leg.stop.id] for leg in legs if leg.stop.id in stops and leg.stop.id not in done
    ]
    return {
        "stops": stops,
        "start": here,
        "path": path,
        "tiles": covering_tiles(tiles, max_zoom, left, top, scale) if tiles else [],
    }


def covering_tiles(template: str, max_zoom: int, left: float, top: float, scale: float) -> list:
    """The tiles under the map's box at the zoom nearest its scale: address, x, y and side in
    map pixels (static/js/field.js, `coveringTiles`, does the same on the phone)."""
    zoom = min(max(round(math.log2(scale)), 0), max_zoom)
    count = 2**zoom
    world_per_tile = TILE_PX / count
    side = world_per_tile * scale
    first_x, first_y = math.floor(left / world_per_tile), math.floor(top / world_per_tile)
    last_x = math.floor((left + MAP_WIDTH / scale) / world_per_tile)
    last_y = math.floor((top + MAP_HEIGHT / scale) / world_per_tile)
    return [
        {
            "href": tile_address(template, zoom, tx % count, ty),
            "x": round((tx * world_per_tile - left) * scale, 1),
            "y": round((ty * world_per_tile - top) * scale, 1),
            "side": round(side + 1, 1),  # a pixel over the next tile: no seam between them
        }
        for ty in range(max(first_y, 0), min(last_y, count - 1) + 1)
        for tx in range(first_x, last_x + 1)
    ]
