"""DNS: failover (payments) and weighted (transactions) records with health checks."""

import pytest

from dr_stack.constructs.dns import FAILURE_THRESHOLD, REQUEST_INTERVAL_SECONDS
from support import resource, resources


def api_records(doc):
    return {k: v for k, v in resources(doc, "aws_route53_record").items() if k.endswith("_api")}


def test_zone_carries_the_suffix(variant):
    zone = resource(variant, "aws_route53_zone", "dns_zone")
    assert zone["name"].split(".")[0].endswith("-ref")
    assert zone["force_destroy"] is True


def test_payments_failover_pair_with_health_checks(payments):
    records = api_records(payments)
    assert {r["failover_routing_policy"]["type"] for r in records.values()} == {"PRIMARY", "SECONDARY"}
    assert len({(r["zone_id"], r["name"], r["type"]) for r in records.values()}) == 1
    primary = records["dns_primary_api"]
    assert primary["failover_routing_policy"] == {"type": "PRIMARY"}
    assert primary["health_check_id"] == "${aws_route53_health_check.dns_primary_health.id}"
    assert primary["alias"]["name"] == "${aws_lb.compute_primary_alb.dns_name}"
    assert records["dns_dr_api"]["health_check_id"] == "${aws_route53_health_check.dns_dr_health.id}"


def test_transactions_weighted_active_passive(transactions):
    records = api_records(transactions)
    assert records["dns_primary_api"]["weighted_routing_policy"] == {"weight": 100}
    assert records["dns_dr_api"]["weighted_routing_policy"] == {"weight": 0}
    assert all("health_check_id" in r for r in records.values())
    assert len({r["set_identifier"] for r in records.values()}) == 2


@pytest.mark.parametrize("role", ["primary", "dr"])
def test_health_checks_detect_well_within_the_rto(variant, role):
    check = resource(variant, "aws_route53_health_check", f"dns_{role}_health")
    assert check["fqdn"] == f"${{aws_lb.compute_{role}_alb.dns_name}}"
    assert check["type"] == "HTTP" and check["port"] == 80 and check["resource_path"] == "/health"
    assert check["request_interval"] * check["failure_threshold"] == REQUEST_INTERVAL_SECONDS * FAILURE_THRESHOLD
    assert check["request_interval"] * check["failure_threshold"] + 60 <= 15 * 60


def test_a_records_are_aliases(variant):
    for record in resources(variant, "aws_route53_record").values():
        assert record["type"] == "A" and "records" not in record and "alias" in record
