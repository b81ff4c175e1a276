"""Payments processor handler."""

import json

import pytest

from handlers import Recorder, alb, body, load_handler

payments = load_handler("payments")


def services(**overrides):
    defaults = dict(table=Recorder(), events=Recorder(put_events={"FailedEntryCount": 0}), bus_name="bus",
                    source="payments.processor", region="us-east-1", role="primary", clock=lambda: 1_700_000_000)
    defaults.update(overrides)
    return payments.Services(**defaults)


def test_health_reports_region_and_role():
    response = payments.process(alb("GET", "/health"), services())
    assert response["statusCode"] == 200
    assert body(response) == {"status": "healthy", "region": "us-east-1", "role": "primary"}


def test_health_is_503_when_the_table_is_unreachable():
    response = payments.process(alb("GET", "/health"), services(table=Recorder(fail=True)))
    assert response["statusCode"] == 503 and body(response)["status"] == "unhealthy"


def test_payment_is_recorded_and_published():
    svc = services()
    response = payments.process(alb("POST", "/payments", {"amount": "100.50", "currency": "usd",
                                                         "session_id": "s-1"}), svc)
    assert response["statusCode"] == 200
    result = body(response)
    assert result["amount"] == "100.50" and result["currency"] == "USD" and result["transaction_id"].startswith("txn-")
    [(op, put)] = svc.table.calls
    assert op == "put_item" and put["Item"]["session_id"] == "s-1"
    assert put["Item"]["expires_at"] == 1_700_000_000 + payments.SESSION_TTL_SECONDS
    [(op, event)] = svc.events.calls
    entry = event["Entries"][0]
    assert (entry["Source"], entry["DetailType"], entry["EventBusName"]) == ("payments.processor", "PaymentProcessed", "bus")
    assert json.loads(entry["Detail"])["session_id"] == "s-1"


def test_failed_event_does_not_fail_the_payment(caplog):
    svc = services(events=Recorder(put_events={"FailedEntryCount": 1, "Entries": [{"ErrorCode": "x"}]}))
    response = payments.process(alb("POST", "/payments", {"amount": 1, "currency": "EUR", "session_id": "s"}), svc)
    assert response["statusCode"] == 200
    assert "event not published" in caplog.text


@pytest.mark.parametrize(
    "payload,error",
    [
        ({"amount": "-1", "currency": "USD", "session_id": "s"}, "between"),
        ({"amount": "1.001", "currency": "USD", "session_id": "s"}, "two decimals"),
        ({"amount": "abc", "currency": "USD", "session_id": "s"}, "not a number"),
        ({"amount": "1", "currency": "XXX", "session_id": "s"}, "currency"),
        ({"amount": "1", "currency": "USD", "session_id": "bad id!"}, "session_id"),
        ("not json", "not JSON"),
        ([1, 2], "JSON object"),
    ],
)
def test_bad_requests(payload, error):
    response = payments.process(alb("POST", "/payments", payload), services())
    assert response["statusCode"] == 400 and error in body(response)["error"]


def test_base64_bodies_are_decoded():
    event = alb("POST", "/payments", {"amount": "2", "currency": "GBP", "session_id": "s"}, base64_body=True)
    assert payments.process(event, services())["statusCode"] == 200


def test_unknown_route_and_non_alb_events():
    assert payments.process(alb("GET", "/nope"), services())["statusCode"] == 404
    assert payments.process({"source": "aws.events"}, services())["statusCode"] == 400


def test_handler_uses_the_module_services(monkeypatch):
    monkeypatch.setattr(payments, "_services", services())
    assert payments.handler(alb("GET", "/health"), None)["statusCode"] == 200
