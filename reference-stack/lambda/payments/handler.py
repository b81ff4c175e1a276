"""Payment processor, deployed identically in both regions behind each region's load balancer.

GET /health    200 when this region can reach its DynamoDB replica, else 503 (Route 53 then
               fails over to the other region).
POST /payments records the payment against the session in the global table and publishes a
               `PaymentProcessed` event, which EventBridge copies to the other region.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable

from http_api import BadRequest, amount, currency, identifier, is_alb_request, json_body, response

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)
SESSION_TTL_SECONDS = 24 * 3600


@dataclass
class Services:
    """The AWS calls the processor makes, injectable for tests."""

    table: Any  # boto3 DynamoDB Table
    events: Any  # boto3 EventBridge client
    bus_name: str
    source: str
    region: str
    role: str
    clock: Callable[[], float] = time.time


def default_services() -> Services:  # pragma: no cover - needs AWS
    import boto3

    return Services(
        table=boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"]),
        events=boto3.client("events"),
        bus_name=os.environ["EVENT_BUS_NAME"],
        source=os.environ["EVENT_SOURCE"],
        region=os.environ.get("AWS_REGION", "unknown"),
        role=os.environ.get("DR_ROLE", "unknown"),
    )


_services: Services | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _services
    if _services is None:  # pragma: no cover - cold start in AWS
        _services = default_services()
    return process(event, _services)


def process(event: dict[str, Any], services: Services) -> dict[str, Any]:
    if not is_alb_request(event):
        return response(400, {"error": "expected a request from the load balancer"})
    method, path = event.get("httpMethod", "GET"), event.get("path", "/")
    if path == "/health":
        return health(services)
    if path == "/payments" and method == "POST":
        try:
            return record_payment(json_body(event), services)
        except BadRequest as err:
            return response(400, {"error": str(err)})
    return response(404, {"error": f"no route for {method} {path}"})


def health(services: Services) -> dict[str, Any]:
    try:
        services.table.get_item(Key={"session_id": "health-check"})
    except Exception as err:  # any failure of the data path makes this region unhealthy
        LOG.warning("health check failed: %s", err)
        return response(503, {"status": "unhealthy", "region": services.region})
    return response(200, {"status": "healthy", "region": services.region, "role": services.role})


def record_payment(body: dict[str, Any], services: Services) -> dict[str, Any]:
    value, cur = amount(body.get("amount")), currency(body.get("currency"))
    session_id = identifier(body.get("session_id"), "session_id")
    now = services.clock()
    transaction_id = f"txn-{uuid.uuid4()}"
    services.table.put_item(
        Item={
            "session_id": session_id,
            "last_transaction_id": transaction_id,
            "last_amount": str(value),
            "currency": cur,
            "updated_at": int(now),
            "expires_at": int(now) + SESSION_TTL_SECONDS,
            "region": services.region,
        }
    )
    detail = {
        "transaction_id": transaction_id,
        "amount": str(value),
        "currency": cur,
        "session_id": session_id,
        "region": services.region,
    }
    result = services.events.put_events(
        Entries=[
            {
                "Source": services.source,
                "DetailType": "PaymentProcessed",
                "Detail": json.dumps(detail, sort_keys=True),
                "EventBusName": services.bus_name,
            }
        ]
    )
    if result.get("FailedEntryCount", 0):
        # The payment is recorded; the event is best effort and the failure is visible in logs.
        LOG.error("event not published: %s", result.get("Entries"))
    return response(200, {"message": "Payment processed", **detail})
