"""Shared Lambda helpers."""

from decimal import Decimal

import pytest

import handlers  # noqa: F401  (puts lambda/shared on sys.path, as the Lambda package layout does)
import http_api  # noqa: E402


def test_response_shape():
    response = http_api.response(418, {"b": 1, "a": 2})
    assert response["statusDescription"] == "418 Error"
    assert response["body"] == '{"a": 2, "b": 1}'
    assert http_api.response(202, {})["statusDescription"] == "202 Accepted"


def test_amount_bounds():
    assert http_api.amount("0.01") == Decimal("0.01")
    assert http_api.amount(1_000_000) == Decimal("1000000")
    for bad in ("1000000.01", "NaN", "Infinity", None, "1e-3"):
        with pytest.raises(http_api.BadRequest):
            http_api.amount(bad)


def test_identifier_and_currency():
    assert http_api.identifier("a:b.c-d_e", "x") == "a:b.c-d_e"
    with pytest.raises(http_api.BadRequest):
        http_api.identifier(7, "x")
    with pytest.raises(http_api.BadRequest):
        http_api.currency(None)
