"""The OpenAPI 3.1 document is valid, and the API's answers match it (openapi-core validates)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_spec_validator import validate
from werkzeug.datastructures import ImmutableMultiDict

CALLS = [
    "/api/v1/articles",
    "/api/v1/articles?theme=preventief-jeugdbeleid&sort=newest&per_page=2&page=1",
    "/api/v1/articles?advice=1&advice=2",
    "/api/v1/articles/oogo-test",
    "/api/v1/search?q=oogo",
    "/api/v1/search?q=jeugdhulp&kind=praktijkvoorbeeld&sort=newest",
    "/api/v1/search?q=xyzzyqq",
    "/api/v1/suggest?q=oo",
    "/api/v1/articles/bestaat-niet",
    "/api/v1/openapi.json",
]


@pytest.fixture
def spec(client: FlaskClient) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def test_the_document_is_valid_openapi_3_1(spec: dict) -> None:
    validate(spec)  # raises with the offending path when the document is not valid
    assert spec["openapi"].startswith("3.1")


def test_every_api_route_is_described(app: Flask, spec: dict) -> None:
    routes = {
        rule.rule.replace("<slug>", "{slug}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert routes == set(spec["paths"])


@pytest.mark.parametrize("url", CALLS)
def test_answers_match_the_document(client: FlaskClient, spec: dict, url: str) -> None:
    path, _, query = url.partition("?")
    response = client.get(url)
    args = ImmutableMultiDict(
        [tuple(pair.split("=", 1)) for pair in query.split("&")] if query else []
    )
    request = MockRequest("http://localhost", "get", path, args=args)
    answer = MockResponse(response.data, response.status_code, content_type=response.content_type)
    OpenAPI.from_dict(spec).validate_response(request, answer)


def test_an_answer_that_breaks_the_document_is_caught(client: FlaskClient, spec: dict) -> None:
    data = client.get("/api/v1/articles").json
    del data["items"][0]["slug"]
    request = MockRequest("http://localhost", "get", "/api/v1/articles")
    answer = MockResponse(json.dumps(data).encode(), 200)
    with pytest.raises(Exception, match="slug"):
        OpenAPI.from_dict(spec).validate_response(request, answer)


def test_bulk_json_has_every_published_article_licence_and_date(client: FlaskClient) -> None:
    response = client.get("/open-data/artikelen.json")
    assert response.status_code == 200
    data = response.json
    assert data["licence"]["name"] == "CC BY 4.0"
    assert data["generated_at"].endswith("Z")
    listed = client.get("/api/v1/articles?per_page=100").json
    assert sorted(a["slug"] for a in data["articles"]) == sorted(a["slug"] for a in listed["items"])
    assert all("body_markdown" in a and "sources" in a for a in data["articles"])
    assert "kennisbank-artikelen-" in response.headers["Content-Disposition"]
    assert response.headers["Last-Modified"]


def test_bulk_csv_has_one_row_per_article_with_the_taxonomy(client: FlaskClient) -> None:
    response = client.get("/open-data/artikelen.csv")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))
    by_slug = {row["slug"]: row for row in rows}
    article = client.get("/api/v1/articles/oogo-test").json
    row = by_slug["oogo-test"]
    assert row["title"] == article["title"]
    assert row["themes"].split(";") == article["themes"]
    assert len(rows) == client.get("/api/v1/articles").json["total"]


def test_the_open_data_page_explains_every_endpoint_and_download(
    client: FlaskClient, spec: dict
) -> None:
    page = client.get("/open-data/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for path in spec["paths"]:
        assert path in html
    assert "/open-data/artikelen.csv" in html and "CC BY 4.0" in html
