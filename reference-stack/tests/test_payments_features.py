"""Payments-only concerns: EventBridge replication, SSM parameters, DR automation."""

import json

import pytest

from support import REGIONS, region_of, resource, resources


@pytest.mark.parametrize("role,peer", [("primary", "dr"), ("dr", "primary")])
def test_critical_events_forwarded_to_the_other_region_once(payments, role, peer):
    rule = resource(payments, "aws_cloudwatch_event_rule", f"events_{role}_critical")
    pattern = json.loads(rule["event_pattern"])
    assert pattern["region"] == [REGIONS["payments"][role]]  # no ping-pong between regions
    assert pattern["source"] == ["payments.processor"]
    target = resource(payments, "aws_cloudwatch_event_target", f"events_{role}_to_{peer}")
    assert target["arn"] == f"${{aws_cloudwatch_event_bus.events_{peer}_bus.arn}}"
    assert target["role_arn"] == f"${{aws_iam_role.events_{role}_forward_role.arn}}"
    buses = resources(payments, "aws_cloudwatch_event_bus")
    assert {b["name"] for b in buses.values()} == {"payments-events-ref"}


def test_parameters_exist_in_both_regions_and_the_api_key_is_a_cmk_securestring(payments):
    params = resources(payments, "aws_ssm_parameter")
    names = {(p["name"], region_of(payments, p)) for p in params.values()}
    assert len(names) == 10
    for role in ("primary", "dr"):
        key = params[f"parameters_{role}_api_key"]
        assert key["type"] == "SecureString"
        assert key["key_id"] == f"${{aws_kms_key.keys_{role}_key.arn}}"
        assert key["lifecycle"] == {"ignore_changes": ["value"]}
        assert params[f"parameters_{role}_db_writer_endpoint"]["value"] == "${aws_rds_global_cluster.database_global.endpoint}"
        assert params[f"parameters_{role}_db_reader_endpoint"]["value"] == (
            f"${{aws_rds_cluster.database_{role}_cluster.reader_endpoint}}"
        )


@pytest.mark.parametrize("role,peer", [("primary", "dr"), ("dr", "primary")])
def test_automation_roles_assume_each_other_across_regions(payments, role, peer):
    iam = resource(payments, "aws_iam_role", f"dr_automation_{role}_role")
    trust = json.loads(iam["assume_role_policy"])
    peer_stmt = next(s for s in trust["Statement"] if s["Sid"] == "PeerRegionAutomation")
    assert peer_stmt["Condition"]["ArnEquals"]["aws:PrincipalArn"].endswith(f":role/payments-{peer}-automation-ref")
    policy = json.loads(resource(payments, "aws_iam_role_policy", f"dr_automation_{role}_policy")["policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["AssumePeerRegionRole"]["Resource"][0].endswith(f":role/payments-{peer}-automation-ref")
    assert any(":global-cluster:payments-global-ref" in r for r in by_sid["PromoteGlobalDatabase"]["Resource"])


@pytest.mark.parametrize("role", ["primary", "dr"])
def test_failover_state_machine_promotes_its_own_region(payments, role):
    machine = resource(payments, "aws_sfn_state_machine", f"dr_automation_{role}_failover")
    definition = json.loads(machine["definition"])
    target = definition["States"]["Failover"]["Parameters"]["TargetDbClusterIdentifier"]
    assert f":rds:{REGIONS['payments'][role]}:" in target and target.endswith(f"cluster:payments-{role}-ref")
    assert definition["States"]["Failover"]["Parameters"]["AllowDataLoss"] is True
    assert "AllowDataLoss" not in definition["States"]["Switchover"]["Parameters"]
    assert machine["encryption_configuration"]["kms_key_id"] == f"${{aws_kms_key.keys_{role}_key.arn}}"
    logs = resource(payments, "aws_cloudwatch_log_group", f"dr_automation_{role}_logs")
    assert logs["kms_key_id"] == f"${{aws_kms_key.keys_{role}_key.arn}}"


def test_failover_drill_document(payments):
    doc = resource(payments, "aws_ssm_document", "dr_automation_dr_drill")
    assert doc["document_type"] == "Automation"
    content = json.loads(doc["content"])
    steps = [s["name"] for s in content["mainSteps"]]
    assert steps[:2] == ["CheckPrimaryEndpoint", "CheckDrEndpoint"]
    assert "StartSwitchover" in steps
    assert content["parameters"]["Switchover"]["default"] is False


def test_transactions_has_no_payments_features(transactions):
    for rtype in ("aws_cloudwatch_event_bus", "aws_ssm_parameter", "aws_sfn_state_machine", "aws_ssm_document"):
        assert resources(transactions, rtype) == {}
