"""Blocks that several pages show (the home page, the regions page, a CoP page), computed when
a template asks for them, so each page view stays about its own subject.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Flask

from kb import agenda, calls, changes, coverage, freshness, queries, regionmap
from kb.agenda.clock import now_local


@dataclass
class HomePanels:
    """The map, the matrix summary, upcoming meetings, open calls and the latest news."""

    region_map: regionmap.RegionMap
    empty_cells: int
    cells: int
    events: list[queries.Row]
    calls: list[queries.Row]
    news: list[queries.Row]


def home_panels() -> HomePanels:
    """Return the home page's blocks about the network (cached on the change counter)."""
    panels = changes.cached(("home-panels",), _home_panels)
    now = now_local()  # the cache may be older than a meeting's end
    return replace(panels, events=[e for e in panels.events if e.ends_at >= now][:3])


def _home_panels() -> HomePanels:
    matrix = coverage.matrix({"kind": [coverage.DEFAULT_KIND]})
    return HomePanels(
        region_map=region_map(),
        empty_cells=matrix.empty_cells,
        cells=len(matrix.advice) * len(matrix.themes),
        events=[queries.plain(e) for e in agenda.upcoming(limit=10)],
        calls=[queries.plain(c) for c in calls.open_calls(3)],
        news=[queries.plain(n) for n in agenda.latest(3)],
    )


def region_map() -> regionmap.RegionMap:
    """Return the map of the regions with their article counts."""
    return regionmap.region_map(queries.regions(), queries.region_counts())


def init_app(app: Flask) -> None:
    """Make the blocks available to every template."""
    app.jinja_env.globals.update(home_panels=home_panels, region_map_data=region_map,
                                 upcoming_events=agenda.upcoming, event_when=agenda.when,
                                 last_checked=freshness.last_checked)
