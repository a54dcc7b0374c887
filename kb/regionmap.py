"""The map of the regions: the outline of the Netherlands with a point per region, as SVG data.

The outline comes from Natural Earth (public domain) via the npm package world-atlas (ISC),
installed by `make assets`; it is decoded and projected here once per process, so the page
needs no script, no tiles and no third party. Regions are placed by the lat/lon of the
taxonomy, sized by their number of articles; the region table is the same content as text.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import current_app

# The European Netherlands (the Caribbean parts are not regions of this network).
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 3.2, 7.3, 50.7, 53.7
WIDTH = 400.0
# A simple equirectangular projection, corrected for the latitude: good enough at this scale.
_X_SCALE = math.cos(math.radians((LAT_MIN + LAT_MAX) / 2))
HEIGHT = round(WIDTH * (LAT_MAX - LAT_MIN) / ((LON_MAX - LON_MIN) * _X_SCALE), 1)
NETHERLANDS_ID = "528"
log = logging.getLogger(__name__)


@dataclass
class Point:
    """A region on the map: where it sits, how big its circle is, and where it links."""

    slug: str
    name: str
    count: int
    x: float
    y: float
    radius: float


def project(lon: float, lat: float) -> tuple[float, float]:
    """Return the SVG position of a longitude/latitude."""
    x = (lon - LON_MIN) / (LON_MAX - LON_MIN) * WIDTH
    y = (LAT_MAX - lat) / (LAT_MAX - LAT_MIN) * HEIGHT
    return round(x, 1), round(y, 1)


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Undo TopoJSON's delta encoding and quantisation: arcs as lon/lat lists."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indices: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def _in_frame(ring: list[tuple[float, float]]) -> bool:
    lon, lat = ring[0]
    return LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX


@cache
def _outline_path(topology_file: str) -> str:
    topology = json.loads(Path(topology_file).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    country = next(g for g in topology["objects"]["countries"]["geometries"]
                   if str(g.get("id")) == NETHERLANDS_ID)  # fmt: skip
    polygons = country["arcs"] if country["type"] == "MultiPolygon" else [country["arcs"]]
    parts = []
    for polygon in polygons:
        for indices in polygon:
            ring = _ring(arcs, indices)
            if not _in_frame(ring):
                continue
            projected = [project(lon, lat) for lon, lat in ring]
            kept = [p for i, p in enumerate(projected) if i == 0 or p != projected[i - 1]]
            if len(kept) >= 3:
                parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in kept) + "Z")
    return "".join(parts)


def outline() -> str:
    """Return the SVG path data of the Netherlands' outline (cached per process; "" if absent)."""
    try:
        return _outline_path(str(current_app.config["MAP_TOPOLOGY"]))
    except (OSError, ValueError, KeyError, StopIteration):
        # The region list beside the map carries the same content; a missing outline is not
        # worth an error page. `make assets` installs it.
        log.warning("Kaartgegevens ontbreken: %s", current_app.config["MAP_TOPOLOGY"])
        return ""


def points(regions: list, counts: dict[int, int]) -> list[Point]:
    """Return a circle per region that has articles and a place, largest first (drawn below)."""
    largest = max(counts.values(), default=1)
    placed = []
    for region in regions:
        n = counts.get(region.id, 0)
        if not n or region.lat is None or region.lon is None or region.slug == "landelijk":
            continue
        x, y = project(region.lon, region.lat)
        radius = round(4 + 10 * math.sqrt(n / largest), 1)
        placed.append(Point(region.slug, region.name, n, x, y, radius))
    return sorted(placed, key=lambda p: -p.radius)


@dataclass
class RegionMap:
    """Everything the map partial draws."""

    outline: str
    points: list[Point]
    width: float = WIDTH
    height: float = HEIGHT


def region_map(regions: list, counts: dict[int, int]) -> RegionMap:
    """Return the map of these regions with their article counts."""
    return RegionMap(outline=outline(), points=points(regions, counts))
