"""Monitoring: lag and error alarms with SNS actions, cross-region subscriptions, dashboards."""

import json

import pytest

from support import REGIONS, region_of, resource, resources, stack_name


@pytest.mark.parametrize("role", ["primary", "dr"])
def test_replication_lag_alarm_above_60_seconds_notifies_sns(variant, role):
    name = stack_name(variant)
    alarm = resource(variant, "aws_cloudwatch_metric_alarm", f"monitoring_{role}_replication_lag")
    assert alarm["metric_name"] == "AuroraGlobalDBReplicationLag"
    assert alarm["threshold"] == 60_000  # milliseconds
    assert alarm["comparison_operator"] == "GreaterThanThreshold"
    assert alarm["dimensions"] == {"DBClusterIdentifier": f"{name}-{role}-ref"}
    assert alarm["alarm_actions"] == [f"${{aws_sns_topic.monitoring_{role}_topic.arn}}"]
    assert region_of(variant, alarm) == REGIONS[name][role]


def test_lambda_errors_and_table_replication_alarms_in_both_regions(variant):
    alarms = resources(variant, "aws_cloudwatch_metric_alarm")
    for role in ("primary", "dr"):
        assert alarms[f"monitoring_{role}_lambda_errors"]["metric_name"] == "Errors"
        assert alarms[f"monitoring_{role}_table_replication"]["metric_name"] == "ReplicationLatency"


def test_transactions_watch_s3_replication(transactions):
    alarms = resources(transactions, "aws_cloudwatch_metric_alarm")
    s3 = {k: a for k, a in alarms.items() if a["namespace"] == "AWS/S3"}
    assert len(s3) == 8
    latency = s3["monitoring_dr_documents_to_primary_latency"]
    assert (latency["metric_name"], latency["threshold"], latency["provider"]) == ("ReplicationLatency", 60, "aws.dr")
    primary_logs = s3["monitoring_primary_logs_to_dr_failed"]
    assert primary_logs["dimensions"] == {
        "SourceBucket": "transactions-primary-logs-ref",
        "DestinationBucket": "transactions-dr-logs-ref",
        "RuleId": "logs-to-dr",
    }


def test_topics_are_encrypted_and_deliver_to_both_regions(variant):
    for role in ("primary", "dr"):
        topic = resource(variant, "aws_sns_topic", f"monitoring_{role}_topic")
        assert topic["kms_master_key_id"] == f"${{aws_kms_key.keys_{role}_key.arn}}"
        inbox = resource(variant, "aws_sqs_queue", f"monitoring_{role}_inbox")
        assert inbox["kms_master_key_id"] == f"${{aws_kms_key.keys_{role}_key.arn}}"
    subscriptions = resources(variant, "aws_sns_topic_subscription")
    cross = subscriptions["monitoring_primary_topic_to_dr_inbox"]
    assert cross["endpoint"] == "${aws_sqs_queue.monitoring_dr_inbox.arn}"
    assert region_of(variant, cross) == REGIONS[stack_name(variant)]["primary"]
    assert len(subscriptions) == 4


@pytest.mark.parametrize("role", ["primary", "dr"])
def test_dashboards_show_rds_lambda_and_dynamodb(variant, role):
    dashboard = resource(variant, "aws_cloudwatch_dashboard", f"monitoring_{role}_dashboard")
    body = json.loads(dashboard["dashboard_body"])
    metrics = {m[1] for w in body["widgets"] for m in w["properties"]["metrics"]}
    assert {"AuroraGlobalDBReplicationLag", "Invocations", "ConsumedReadCapacityUnits",
            "ConsumedWriteCapacityUnits"} <= metrics
    regions = {m[-1]["region"] for w in body["widgets"] for m in w["properties"]["metrics"]}
    assert regions == set(REGIONS[stack_name(variant)].values())
