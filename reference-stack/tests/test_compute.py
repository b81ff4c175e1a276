"""Compute: identical Lambda functions in both regions behind load balancers (and SQS for transactions)."""

import json

import pytest
from cdktf import Testing as CdktfTesting
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction

from support import REGIONS, as_json, region_of, resource, resources, stack_name

IDENTICAL = ("runtime", "handler", "memory_size", "timeout", "filename", "source_code_hash", "tracing_config")


def test_functions_are_identical_except_region_values(variant):
    functions = resources(variant, "aws_lambda_function")
    primary, dr = functions["compute_primary_function"], functions["compute_dr_function"]
    assert primary["memory_size"] == 1024
    for attr in IDENTICAL:
        assert primary[attr] == dr[attr], attr
    assert primary["environment"]["variables"].keys() == dr["environment"]["variables"].keys()
    assert CdktfTesting.to_have_resource_with_properties(as_json(variant), LambdaFunction.TF_RESOURCE_TYPE, {"memory_size": 1024})


@pytest.mark.parametrize("role", ["primary", "dr"])
def test_function_uses_its_own_region(variant, role):
    name = stack_name(variant)
    function = resource(variant, "aws_lambda_function", f"compute_{role}_function")
    assert function["function_name"] == f"{name}-{role}-processor-ref"
    assert region_of(variant, function) == REGIONS[name][role]
    assert function["kms_key_arn"] == f"${{aws_kms_key.keys_{role}_key.arn}}"
    assert function["environment"]["variables"]["DR_ROLE"] == role
    assert function["vpc_config"]["security_group_ids"] == [f"${{aws_security_group.network_{role}_lambda_sg.id}}"]
    logs = resource(variant, "aws_cloudwatch_log_group", f"compute_{role}_logs")
    assert logs["name"] == f"/aws/lambda/{name}-{role}-processor-ref"
    assert logs["kms_key_id"] == f"${{aws_kms_key.keys_{role}_key.arn}}"
    assert 7 <= logs["retention_in_days"] <= 14


@pytest.mark.parametrize("role", ["primary", "dr"])
def test_execution_role_is_scoped_to_its_region(variant, role):
    name = stack_name(variant)
    region = REGIONS[name][role]
    other = REGIONS[name]["dr" if role == "primary" else "primary"]
    policy = json.loads(resource(variant, "aws_iam_role_policy", f"compute_{role}_policy")["policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    table_arn = by_sid["SessionTable"]["Resource"][0]
    assert f":dynamodb:{region}:" in table_arn and table_arn.endswith(f"table/{name}-sessions-ref")
    assert other not in json.dumps(policy)
    assert by_sid["OwnRegionKey"]["Resource"] == [f"${{aws_kms_key.keys_{role}_key.arn}}"]


@pytest.mark.parametrize("role", ["primary", "dr"])
def test_load_balancer_targets_the_function(variant, role):
    name = stack_name(variant)
    lb = resource(variant, "aws_lb", f"compute_{role}_alb")
    assert lb["name"] == f"{name}-{role}-ref" and len(lb["name"]) <= 32
    assert lb["enable_deletion_protection"] is False
    assert lb["drop_invalid_header_fields"] is True
    tg = resource(variant, "aws_lb_target_group", f"compute_{role}_targets")
    assert tg["target_type"] == "lambda" and len(tg["name"]) <= 32
    assert tg["health_check"]["path"] == "/health"
    attachment = resource(variant, "aws_lb_target_group_attachment", f"compute_{role}_target")
    assert attachment["target_id"] == f"${{aws_lambda_function.compute_{role}_function.arn}}"
    permission = resource(variant, "aws_lambda_permission", f"compute_{role}_alb_invoke")
    assert permission["principal"] == "elasticloadbalancing.amazonaws.com"
    assert permission["source_arn"] == f"${{aws_lb_target_group.compute_{role}_targets.arn}}"
    listener = resource(variant, "aws_lb_listener", f"compute_{role}_http")
    assert listener["port"] == 80 and listener["default_action"][0]["type"] == "forward"


@pytest.mark.parametrize("role", ["primary", "dr"])
def test_transactions_are_fed_by_an_encrypted_queue(transactions, role):
    queue = resource(transactions, "aws_sqs_queue", f"compute_{role}_queue")
    assert queue["kms_master_key_id"] == f"${{aws_kms_key.keys_{role}_key.arn}}"
    assert queue["visibility_timeout_seconds"] >= 6 * 30
    assert json.loads(queue["redrive_policy"]) == {
        "deadLetterTargetArn": f"${{aws_sqs_queue.compute_{role}_dlq.arn}}", "maxReceiveCount": 5}
    mapping = resource(transactions, "aws_lambda_event_source_mapping", f"compute_{role}_queue_trigger")
    assert mapping["event_source_arn"] == f"${{aws_sqs_queue.compute_{role}_queue.arn}}"
    assert mapping["function_response_types"] == ["ReportBatchItemFailures"]
    function = resource(transactions, "aws_lambda_function", f"compute_{role}_function")
    assert function["environment"]["variables"]["QUEUE_URL"] == f"${{aws_sqs_queue.compute_{role}_queue.url}}"
    assert function["environment"]["variables"]["LOG_BUCKET"] == f"transactions-{role}-logs-ref"


def test_payments_has_no_queue_trigger(payments):
    assert resources(payments, "aws_lambda_event_source_mapping") == {}
