"""Read the taxonomy files in content/taxonomy/ and check their shape.

The taxonomy is data that editors extend; this module only knows the file format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HTTPS_URL = re.compile(r"^https://[a-z0-9.-]+\.[a-z]{2,}(/[^\s<>\"]*)?$", re.IGNORECASE)


@dataclass
class Problem:
    """One validation problem, with the file and the field it concerns."""

    path: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


@dataclass
class Taxonomy:
    """The controlled vocabulary as plain data, keyed for quick look-up."""

    kinds: dict[str, dict[str, Any]] = field(default_factory=dict)
    advice: dict[int, dict[str, Any]] = field(default_factory=dict)
    themes: dict[str, dict[str, Any]] = field(default_factory=dict)
    sectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    regions: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    synonyms: list[list[str]] = field(default_factory=list)
    # Old slugs of renamed or merged themes, regions and sectors: {kind, from, to} (optional).
    redirects: list[dict[str, str]] = field(default_factory=list)


# Required keys per file, and the key that identifies an entry.
_SHAPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "kinds": ("slug", ("label", "plural")),
    "advice": ("number", ("slug", "label")),
    "themes": ("slug", ("label",)),
    "sectors": ("slug", ("label",)),
    "regions": ("slug", ("name",)),
    "sources": ("id", ("title", "publisher")),
}


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(str(path), "-", "bestand ontbreekt"))
    except yaml.YAMLError as exc:
        problems.append(Problem(str(path), "-", f"geen geldige YAML: {exc}"))
    return None


def load_taxonomy(directory: Path) -> tuple[Taxonomy, list[Problem]]:
    """Load every taxonomy file; return the taxonomy and all problems found."""
    problems: list[Problem] = []
    taxonomy = Taxonomy()
    for name, (key, required) in _SHAPES.items():
        path = directory / f"{name}.yml"
        data = _read_yaml(path, problems)
        if data is None:
            continue
        if not isinstance(data, list):
            problems.append(Problem(str(path), "-", "verwacht een lijst"))
            continue
        target: dict[Any, dict[str, Any]] = getattr(taxonomy, name)
        for index, entry in enumerate(data):
            where = f"[{index}]"
            if not isinstance(entry, dict) or key not in entry:
                problems.append(Problem(str(path), where, f"'{key}' ontbreekt"))
                continue
            ident = entry[key]
            where = f"{key}={ident}"
            for req in required:
                if req not in entry:
                    problems.append(Problem(str(path), where, f"'{req}' ontbreekt"))
            if ident in target:
                problems.append(Problem(str(path), where, "komt twee keer voor"))
            target[ident] = entry
    _check_regions(directory / "regions.yml", taxonomy, problems)
    for ident, source in taxonomy.sources.items():
        if source.get("url") is not None and not HTTPS_URL.match(str(source["url"])):
            problems.append(
                Problem(str(directory / "sources.yml"), f"id={ident}", "url: volledige https://-URL")
            )
    synonyms = _read_yaml(directory / "synonyms.yml", problems)
    if synonyms is not None:
        for index, group in enumerate(synonyms or []):
            if not isinstance(group, list) or len(group) < 2:
                problems.append(
                    Problem(str(directory / "synonyms.yml"), f"[{index}]", "groep van 2+ termen")
                )
                continue
            taxonomy.synonyms.append([str(term) for term in group])
    _load_redirects(directory / "redirects.yml", taxonomy, problems)
    return taxonomy, problems


REDIRECT_KINDS = {"theme": "themes", "region": "regions", "sector": "sectors"}


def _load_redirects(path: Path, taxonomy: Taxonomy, problems: list[Problem]) -> None:
    """Read the optional redirects.yml: each old slug must point at a slug that exists."""
    if not path.exists():
        return
    data = _read_yaml(path, problems) or []
    if not isinstance(data, list):
        problems.append(Problem(str(path), "-", "verwacht een lijst"))
        return
    for index, entry in enumerate(data):
        where = f"[{index}]"
        if not isinstance(entry, dict) or entry.get("kind") not in REDIRECT_KINDS:
            problems.append(Problem(str(path), where, "kind: theme, region of sector"))
            continue
        old, new = str(entry.get("from") or ""), str(entry.get("to") or "")
        if new not in getattr(taxonomy, REDIRECT_KINDS[entry["kind"]]):
            problems.append(Problem(str(path), where, f"to: onbekende slug '{new}'"))
        elif not old or old == new:
            problems.append(Problem(str(path), where, "from: de oude slug ontbreekt"))
        else:
            taxonomy.redirects.append({"kind": entry["kind"], "from": old, "to": new})


def _check_regions(path: Path, taxonomy: Taxonomy, problems: list[Problem]) -> None:
    for slug, region in taxonomy.regions.items():
        lat, lon = region.get("lat"), region.get("lon")
        if (lat is None) != (lon is None):
            problems.append(Problem(str(path), f"slug={slug}", "lat en lon horen samen"))
        if lat is not None and not (50.5 <= float(lat) <= 53.7 and 3.2 <= float(lon) <= 7.3):
            problems.append(Problem(str(path), f"slug={slug}", "punt ligt niet in Nederland"))
