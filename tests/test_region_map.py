"""The map of the regions: a real outline from Natural Earth, a point per region with articles."""

from __future__ import annotations

import re

from flask import Flask, render_template_string

from kb import queries, regionmap


def test_the_outline_is_the_european_netherlands(app: Flask) -> None:
    with app.app_context():
        path = regionmap.outline()
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    xs, ys = numbers[0::2], numbers[1::2]
    assert path.startswith("M") and path.count("Z") >= 3  # mainland and the Wadden islands
    assert min(xs) >= 0 and max(xs) <= regionmap.WIDTH
    assert min(ys) >= 0 and max(ys) <= regionmap.HEIGHT
    assert len(xs) > 200  # a real coastline, not a box


def test_every_region_with_articles_and_a_place_gets_a_point(app: Flask) -> None:
    with app.app_context():
        regions, counts = queries.regions(), queries.region_counts()
        points = regionmap.points(regions, counts)
    expected = {r.slug for r in regions if counts.get(r.id) and r.lat is not None
                and r.slug != "landelijk"}  # fmt: skip
    assert expected and {p.slug for p in points} == expected
    utrecht = regionmap.project(5.12, 52.09)
    assert 0 < utrecht[0] < regionmap.WIDTH and 0 < utrecht[1] < regionmap.HEIGHT


def test_the_partial_links_each_point_to_its_region_page(app: Flask) -> None:
    with app.test_request_context():
        region_map = regionmap.region_map(queries.regions(), queries.region_counts())
        html = render_template_string('{% include "public/_region_map.html" %}',
                                      region_map=region_map)  # fmt: skip
    links = re.findall(r'<a class="kb-region-map__link" href="([^"]+)" aria-label="([^"]+)"', html)
    assert links and len(links) == len(region_map.points)
    assert all(href.startswith("/regio/") for href, _ in links)
    assert all(re.search(r": \d+ artikel", label) for _, label in links)


def test_a_missing_outline_leaves_the_points_and_no_error(app: Flask, tmp_path) -> None:
    app.config["MAP_TOPOLOGY"] = str(tmp_path / "ontbreekt.json")
    with app.app_context():
        region_map = regionmap.region_map(queries.regions(), queries.region_counts())
    assert region_map.outline == "" and region_map.points
