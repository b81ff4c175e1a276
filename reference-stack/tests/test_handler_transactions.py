"""Transactions processor handler."""

import json

import pytest

from handlers import Recorder, alb, body, load_handler

transactions = load_handler("transactions")


def services(**overrides):
    defaults = dict(table=Recorder(), sqs=Recorder(), s3=Recorder(), queue_url="https://queue", log_bucket="logs",
                    region="us-east-2", role="dr", clock=lambda: 1_700_000_000)
    defaults.update(overrides)
    return transactions.Services(**defaults)


def test_health_checks_table_and_queue():
    svc = services()
    response = transactions.process(alb("GET", "/health"), svc)
    assert response["statusCode"] == 200 and body(response)["role"] == "dr"
    assert [c[0] for c in svc.table.calls + svc.sqs.calls] == ["get_item", "get_queue_attributes"]
    assert transactions.process(alb("GET", "/health"), services(sqs=Recorder(fail=True)))["statusCode"] == 503


def test_post_queues_the_transaction():
    svc = services()
    payload = {"transaction_id": "t-1", "account_id": "a-1", "amount": 10, "currency": "usd"}
    response = transactions.process(alb("POST", "/transactions", payload), svc)
    assert response["statusCode"] == 202 and body(response)["status"] == "queued"
    [(op, sent)] = svc.sqs.calls
    assert op == "send_message" and sent["QueueUrl"] == "https://queue"
    assert json.loads(sent["MessageBody"]) == {"transaction_id": "t-1", "account_id": "a-1", "amount": "10",
                                               "currency": "USD"}


def test_post_generates_a_transaction_id_and_rejects_bad_input():
    svc = services()
    ok = transactions.process(alb("POST", "/transactions", {"account_id": "a", "amount": "1", "currency": "EUR"}), svc)
    assert body(ok)["transaction_id"].startswith("txn-")
    bad = transactions.process(alb("POST", "/transactions", {"account_id": "a", "amount": "0", "currency": "EUR"}), svc)
    assert bad["statusCode"] == 400
    assert transactions.process(alb("DELETE", "/transactions"), svc)["statusCode"] == 404


def record(message_id, payload):
    return {"messageId": message_id, "body": json.dumps(payload), "eventSource": "aws:sqs"}


def test_queue_messages_are_logged_to_s3_and_stored():
    svc = services()
    result = transactions.process(
        {"Records": [record("m1", {"transaction_id": "t-1", "account_id": "a-1", "amount": "5", "currency": "JPY"})]},
        svc,
    )
    assert result == {"batchItemFailures": []}
    [(op, put)] = svc.s3.calls
    assert op == "put_object" and put["Bucket"] == "logs"
    assert put["Key"] == "transactions/2023/11/14/t-1.json"
    assert json.loads(put["Body"])["region"] == "us-east-2"
    [(op, item)] = svc.table.calls
    assert item["Item"] == {"session_id": "a-1", "last_transaction_id": "t-1", "updated_at": 1_700_000_000,
                            "region": "us-east-2"}


def test_failed_messages_are_reported_individually():
    svc = services(s3=Recorder(fail=True))
    good = record("m1", {"transaction_id": "t-1", "account_id": "a", "amount": "5", "currency": "USD"})
    bad_json = {"messageId": "m2", "body": "{"}
    result = transactions.process({"Records": [good, bad_json]}, svc)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]}


def test_unknown_events_are_errors():
    with pytest.raises(ValueError, match="unsupported event"):
        transactions.process({"detail": {}}, services())


def test_handler_uses_the_module_services(monkeypatch):
    monkeypatch.setattr(transactions, "_services", services())
    assert transactions.handler(alb("GET", "/health"), None)["statusCode"] == 200
