"""Blocks that several pages show (the home page, the regions page, a CoP page), computed when
a template asks for them, so each page view stays about its own subject.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from kb import agenda, calls, coverage, queries, regionmap
from kb.models import Call, Event, NewsItem


@dataclass
class HomePanels:
    """The map, the matrix summary, upcoming meetings, open calls and the latest news."""

    region_map: regionmap.RegionMap
    empty_cells: int
    cells: int
    events: list[Event]
    calls: list[Call]
    news: list[NewsItem]


def home_panels() -> HomePanels:
    """Return the home page's blocks about the network."""
    matrix = coverage.matrix({"kind": [coverage.DEFAULT_KIND]})
    return HomePanels(
        region_map=region_map(),
        empty_cells=matrix.empty_cells,
        cells=len(matrix.advice) * len(matrix.themes),
        events=agenda.upcoming(limit=3),
        calls=calls.open_calls(3),
        news=agenda.latest(3),
    )


def region_map() -> regionmap.RegionMap:
    """Return the map of the regions with their article counts."""
    return regionmap.region_map(queries.regions(), queries.region_counts())


def init_app(app: Flask) -> None:
    """Make the blocks available to every template."""
    app.jinja_env.globals.update(home_panels=home_panels, region_map_data=region_map,
                                 upcoming_events=agenda.upcoming, event_when=agenda.when)
