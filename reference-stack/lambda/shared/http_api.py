"""Helpers shared by both processors: ALB request parsing, responses, input validation.

Packaged next to each handler (see dr_stack/packaging.py); standard library only.
"""

from __future__ import annotations

import base64
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

CURRENCIES = frozenset({"USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF"})
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
MAX_AMOUNT = Decimal("1000000")


class BadRequest(ValueError):
    """The client sent something we refuse; becomes a 400 response."""


def response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    """A response in the shape an Application Load Balancer expects from a Lambda target."""
    reasons = {200: "OK", 202: "Accepted", 400: "Bad Request", 404: "Not Found", 503: "Service Unavailable"}
    return {
        "statusCode": status,
        "statusDescription": f"{status} {reasons.get(status, 'Error')}",
        "isBase64Encoded": False,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, sort_keys=True),
    }


def is_alb_request(event: dict[str, Any]) -> bool:
    return "elb" in event.get("requestContext", {})


def json_body(event: dict[str, Any]) -> dict[str, Any]:
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8")
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as err:
        raise BadRequest(f"body is not JSON: {err.msg}") from err
    if not isinstance(body, dict):
        raise BadRequest("body must be a JSON object")
    return body


def amount(value: Any) -> Decimal:
    """A positive amount with at most two decimals; strings or numbers, never floats' noise."""
    try:
        parsed = Decimal(str(value))
    except (InvalidOperation, ValueError) as err:
        raise BadRequest(f"amount {value!r} is not a number") from err
    if not parsed.is_finite() or parsed <= 0 or parsed > MAX_AMOUNT:
        raise BadRequest(f"amount {value!r} must be between 0 and {MAX_AMOUNT}")
    if parsed.as_tuple().exponent < -2:  # type: ignore[operator]
        raise BadRequest(f"amount {value!r} has more than two decimals")
    return parsed


def currency(value: Any) -> str:
    if not isinstance(value, str) or value.upper() not in CURRENCIES:
        raise BadRequest(f"currency {value!r} is not one of {sorted(CURRENCIES)}")
    return value.upper()


def identifier(value: Any, field: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise BadRequest(f"{field} must be 1-128 letters, digits or _.:-")
    return value
