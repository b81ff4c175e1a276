"""Small readers for synthesized `cdk.tf.json` documents."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

REF = re.compile(r"^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$")
REGIONS = {"payments": {"primary": "us-east-1", "dr": "us-west-2"},
           "transactions": {"primary": "us-east-1", "dr": "us-east-2"}}


def stack_name(doc: dict[str, Any]) -> str:
    return doc["//"]["metadata"]["stackName"]


def resources(doc: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return doc["resource"].get(rtype, {})


def resource(doc: dict[str, Any], rtype: str, name: str) -> dict[str, Any]:
    return doc["resource"][rtype][name]


def all_resources(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for rtype, items in doc["resource"].items():
        for name, body in items.items():
            yield rtype, name, body


def in_construct(doc: dict[str, Any], construct: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Resources whose construct path is `<stack>/<construct>/...`."""
    prefix = f"{stack_name(doc)}/{construct}/"
    return [r for r in all_resources(doc) if r[2]["//"]["metadata"]["path"].startswith(prefix)]


def region_of(doc: dict[str, Any], body: dict[str, Any]) -> str:
    alias = body["provider"].split(".", 1)[1]
    return next(p["region"] for p in doc["provider"]["aws"] if p["alias"] == alias)


def referenced(doc: dict[str, Any], value: str) -> tuple[str, str, dict[str, Any]]:
    """The resource a `${type.name.attr}` reference points at."""
    match = REF.match(value)
    assert match, f"{value!r} is not a plain reference"
    rtype, name, _ = match.groups()
    return rtype, name, doc["resource"][rtype][name]


def as_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc)
