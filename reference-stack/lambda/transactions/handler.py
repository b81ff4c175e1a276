"""Transaction processor, deployed identically in both regions.

From the load balancer:
  GET /health        200 when this region's DynamoDB replica and queue answer, else 503.
  POST /transactions validates and queues the transaction in this region's SQS queue (202).
From SQS:
  each message is written as a transaction log object to this region's log bucket (replicated to
  the other region by S3) and the account's session state is updated in the global table. Failed
  messages are reported individually so only they are retried.
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


@dataclass
class Services:
    table: Any  # boto3 DynamoDB Table
    sqs: Any  # boto3 SQS client
    s3: Any  # boto3 S3 client
    queue_url: str
    log_bucket: str
    region: str
    role: str
    clock: Callable[[], float] = time.time


def default_services() -> Services:  # pragma: no cover - needs AWS
    import boto3

    return Services(
        table=boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"]),
        sqs=boto3.client("sqs"),
        s3=boto3.client("s3"),
        queue_url=os.environ["QUEUE_URL"],
        log_bucket=os.environ["LOG_BUCKET"],
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
    if is_alb_request(event):
        return http(event, services)
    records = event.get("Records")
    if isinstance(records, list):
        return consume(records, services)
    raise ValueError("unsupported event: neither a load balancer request nor SQS records")


def http(event: dict[str, Any], services: Services) -> dict[str, Any]:
    method, path = event.get("httpMethod", "GET"), event.get("path", "/")
    if path == "/health":
        return health(services)
    if path == "/transactions" and method == "POST":
        try:
            return enqueue(json_body(event), services)
        except BadRequest as err:
            return response(400, {"error": str(err)})
    return response(404, {"error": f"no route for {method} {path}"})


def health(services: Services) -> dict[str, Any]:
    try:
        services.table.get_item(Key={"session_id": "health-check"})
        services.sqs.get_queue_attributes(QueueUrl=services.queue_url, AttributeNames=["QueueArn"])
    except Exception as err:  # any failure of the data path makes this region unhealthy
        LOG.warning("health check failed: %s", err)
        return response(503, {"status": "unhealthy", "region": services.region})
    return response(200, {"status": "healthy", "region": services.region, "role": services.role})


def validate(body: dict[str, Any]) -> dict[str, str]:
    return {
        "transaction_id": identifier(body.get("transaction_id", f"txn-{uuid.uuid4()}"), "transaction_id"),
        "account_id": identifier(body.get("account_id"), "account_id"),
        "amount": str(amount(body.get("amount"))),
        "currency": currency(body.get("currency")),
    }


def enqueue(body: dict[str, Any], services: Services) -> dict[str, Any]:
    transaction = validate(body)
    services.sqs.send_message(QueueUrl=services.queue_url, MessageBody=json.dumps(transaction, sort_keys=True))
    return response(202, {"status": "queued", "region": services.region, **transaction})


def consume(records: list[dict[str, Any]], services: Services) -> dict[str, Any]:
    failures = []
    for record in records:
        try:
            store(validate(json.loads(record["body"])), services)
        except Exception as err:  # report the message, keep going with the batch
            LOG.error("message %s failed: %s", record.get("messageId"), err)
            failures.append({"itemIdentifier": record.get("messageId", "")})
    return {"batchItemFailures": failures}


def store(transaction: dict[str, str], services: Services) -> None:
    now = services.clock()
    day = time.strftime("%Y/%m/%d", time.gmtime(now))
    services.s3.put_object(
        Bucket=services.log_bucket,
        Key=f"transactions/{day}/{transaction['transaction_id']}.json",
        Body=json.dumps({**transaction, "processed_at": int(now), "region": services.region}, sort_keys=True),
        ContentType="application/json",
    )
    services.table.put_item(
        Item={
            "session_id": transaction["account_id"],
            "last_transaction_id": transaction["transaction_id"],
            "updated_at": int(now),
            "region": services.region,
        }
    )
