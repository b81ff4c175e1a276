"""Monitoring: alarms, SNS topics with cross-region subscriptions, and a dashboard per region.

- Each region has an alarm topic (encrypted with its own key) and an "alarm inbox" SQS queue.
  Every topic delivers to the inboxes of *both* regions, so an operator reading either region's
  inbox sees the other region's alarms even when that region is down.
- Alarms per region: Aurora global replication lag above 60 s (on the region's own cluster, which
  reports the metric whenever it is the secondary), Lambda errors, DynamoDB replication latency
  and, with buckets, failed S3 replication operations.
- Dashboards show RDS metrics, Lambda invocations and DynamoDB consumed capacity of both regions
  side by side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping, Sequence

from constructs import Construct
from cdktf_cdktf_provider_aws.cloudwatch_dashboard import CloudwatchDashboard
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from cdktf_cdktf_provider_aws.sqs_queue_policy import SqsQueuePolicy

from ..naming import Naming
from ..policies import deny_insecure_transport, document
from ..regions import Account, RegionContext, RegionPair
from .keys import Keys

REPLICATION_LAG_THRESHOLD_MS = 60_000


@dataclass(frozen=True)
class BucketReplication:
    """One replication rule to watch: it replicates out of the region `role`."""

    role: str
    source_bucket: str
    destination_bucket: str
    rule_id: str


@dataclass(frozen=True)
class Monitored:
    """Names (known at synthesis) of what the alarms and dashboards watch, per region role."""

    cluster_ids: Mapping[str, str]
    function_names: Mapping[str, str]
    table_name: str
    bucket_replications: Sequence[BucketReplication] = ()
    # The table's name as a reference, for the replication alarm: the alarm follows the table
    # when its name changes (a dashboard body needs the plain name above).
    table_name_ref: str | None = None


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        naming: Naming,
        regions: RegionPair,
        account: Account,
        keys: Keys,
        monitored: Monitored,
    ) -> None:
        super().__init__(scope, id)
        self._naming, self._regions, self._account, self._keys = naming, regions, account, keys
        self._monitored = monitored
        self.topics: dict[str, SnsTopic] = {ctx.role: self._topic(ctx) for ctx in regions}
        self.inboxes: dict[str, SqsQueue] = {ctx.role: self._inbox(ctx) for ctx in regions}
        for ctx in regions:
            for target in regions:
                SnsTopicSubscription(
                    self,
                    f"{ctx.role}_topic_to_{target.role}_inbox",
                    provider=ctx.provider,  # a subscription lives with its topic
                    topic_arn=self.topics[ctx.role].arn,
                    protocol="sqs",
                    endpoint=self.inboxes[target.role].arn,
                    raw_message_delivery=True,
                )
        self.alarms: dict[str, list[CloudwatchMetricAlarm]] = {ctx.role: self._alarms(ctx) for ctx in regions}
        self.dashboards: dict[str, CloudwatchDashboard] = {ctx.role: self._dashboard(ctx) for ctx in regions}

    def _topic(self, ctx: RegionContext) -> SnsTopic:
        n = self._naming
        name = n.name(ctx.role, "alarms", kind="sns")
        topic = SnsTopic(
            self, f"{ctx.role}_topic", provider=ctx.provider, name=name,
            kms_master_key_id=self._keys.of(ctx.role).arn, tags=n.tags(name),
        )
        SnsTopicPolicy(
            self,
            f"{ctx.role}_topic_policy",
            provider=ctx.provider,
            arn=topic.arn,
            policy=document(
                {
                    "Sid": "AllowAlarmsAndEvents",
                    "Effect": "Allow",
                    "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
                    "Action": "sns:Publish",
                    "Resource": topic.arn,
                    "Condition": {"StringEquals": {"aws:SourceAccount": self._account.account_id}},
                },
                deny_insecure_transport([topic.arn], actions="sns:Publish"),
            ),
        )
        return topic

    def _inbox(self, ctx: RegionContext) -> SqsQueue:
        n = self._naming
        name = n.name(ctx.role, "alarm-inbox", kind="sqs")
        queue = SqsQueue(
            self, f"{ctx.role}_inbox", provider=ctx.provider, name=name,
            message_retention_seconds=14 * 24 * 3600, kms_master_key_id=self._keys.of(ctx.role).arn,
            kms_data_key_reuse_period_seconds=300, tags=n.tags(name),
        )
        SqsQueuePolicy(
            self,
            f"{ctx.role}_inbox_policy",
            provider=ctx.provider,
            queue_url=queue.url,
            policy=document(
                {
                    "Sid": "AllowAlarmTopicsOfBothRegions",
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue.arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": [t.arn for t in self.topics.values()]}},
                },
                deny_insecure_transport([queue.arn], actions="sqs:*"),
            ),
        )
        return queue

    def _alarm(self, ctx: RegionContext, what: str, description: str, **metric: object) -> CloudwatchMetricAlarm:
        n = self._naming
        topic = self.topics[ctx.role]
        name = n.name(ctx.role, what, kind="alarm")
        return CloudwatchMetricAlarm(
            self,
            f"{ctx.role}_{what.replace('-', '_')}",
            provider=ctx.provider,
            alarm_name=name,
            alarm_description=description,
            alarm_actions=[topic.arn],
            ok_actions=[topic.arn],
            tags=n.tags(name),
            **metric,  # type: ignore[arg-type]
        )

    def _alarms(self, ctx: RegionContext) -> list[CloudwatchMetricAlarm]:
        m = self._monitored
        other = self._regions.other(ctx)
        alarms = [
            self._alarm(
                ctx,
                "replication-lag",
                "Aurora global database replication lag above 60 s (RPO is 5 min)",
                namespace="AWS/RDS",
                metric_name="AuroraGlobalDBReplicationLag",
                dimensions={"DBClusterIdentifier": m.cluster_ids[ctx.role]},
                statistic="Maximum",
                period=60,
                evaluation_periods=1,
                threshold=REPLICATION_LAG_THRESHOLD_MS,
                comparison_operator="GreaterThanThreshold",
                treat_missing_data="notBreaching",
            ),
            self._alarm(
                ctx,
                "lambda-errors",
                "Payment/transaction processor errors",
                namespace="AWS/Lambda",
                metric_name="Errors",
                dimensions={"FunctionName": m.function_names[ctx.role]},
                statistic="Sum",
                period=300,
                evaluation_periods=1,
                threshold=5,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
            ),
            self._alarm(
                ctx,
                "table-replication",
                "DynamoDB global table replication latency above 60 s",
                namespace="AWS/DynamoDB",
                metric_name="ReplicationLatency",
                dimensions={"TableName": m.table_name_ref or m.table_name, "ReceivingRegion": other.region},
                statistic="Maximum",
                period=60,
                evaluation_periods=3,
                threshold=REPLICATION_LAG_THRESHOLD_MS,
                comparison_operator="GreaterThanThreshold",
                treat_missing_data="notBreaching",
            ),
        ]
        for rep in m.bucket_replications:
            if rep.role != ctx.role:
                continue
            alarms.append(
                self._alarm(
                    ctx,
                    f"{rep.rule_id}-failed",
                    f"S3 replication failures {rep.source_bucket} -> {rep.destination_bucket}",
                    namespace="AWS/S3",
                    metric_name="OperationsFailedReplication",
                    dimensions={
                        "SourceBucket": rep.source_bucket,
                        "DestinationBucket": rep.destination_bucket,
                        "RuleId": rep.rule_id,
                    },
                    statistic="Sum",
                    period=300,
                    evaluation_periods=1,
                    threshold=0,
                    comparison_operator="GreaterThanThreshold",
                    treat_missing_data="notBreaching",
                )
            )
            # ReplicationLatency is in seconds (the rule has replication metrics on); the source
            # region emits it. Same 60 s bound as the Aurora and DynamoDB lag alarms.
            alarms.append(
                self._alarm(
                    ctx,
                    f"{rep.rule_id}-latency",
                    f"S3 replication latency {rep.source_bucket} -> {rep.destination_bucket} above 60 s",
                    namespace="AWS/S3",
                    metric_name="ReplicationLatency",
                    dimensions={
                        "SourceBucket": rep.source_bucket,
                        "DestinationBucket": rep.destination_bucket,
                        "RuleId": rep.rule_id,
                    },
                    statistic="Maximum",
                    period=60,
                    evaluation_periods=3,
                    threshold=REPLICATION_LAG_THRESHOLD_MS // 1000,
                    comparison_operator="GreaterThanThreshold",
                    treat_missing_data="notBreaching",
                )
            )
        return alarms

    def _dashboard(self, ctx: RegionContext) -> CloudwatchDashboard:
        m, regions = self._monitored, list(self._regions)

        def widget(title: str, metrics: list[list[object]], x: int, y: int) -> dict[str, object]:
            return {
                "type": "metric",
                "x": x,
                "y": y,
                "width": 12,
                "height": 6,
                "properties": {"title": title, "metrics": metrics, "region": ctx.region, "view": "timeSeries",
                               "stat": "Sum", "period": 60},
            }

        rds = [["AWS/RDS", metric, "DBClusterIdentifier", m.cluster_ids[r.role], {"region": r.region,
                "stat": "Maximum", "label": f"{metric} {r.role}"}]
               for metric in ("AuroraGlobalDBReplicationLag", "CPUUtilization") for r in regions]
        invocations = [["AWS/Lambda", "Invocations", "FunctionName", m.function_names[r.role],
                        {"region": r.region, "label": f"invocations {r.role}"}] for r in regions]
        errors = [["AWS/Lambda", "Errors", "FunctionName", m.function_names[r.role],
                   {"region": r.region, "label": f"errors {r.role}"}] for r in regions]
        capacity = [["AWS/DynamoDB", metric, "TableName", m.table_name, {"region": r.region,
                     "label": f"{metric} {r.role}"}]
                    for metric in ("ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits") for r in regions]
        body = {
            "widgets": [
                widget("Aurora (both regions)", rds, 0, 0),
                widget("Lambda invocations", invocations, 12, 0),
                widget("Lambda errors", errors, 0, 6),
                widget("DynamoDB consumed capacity", capacity, 12, 6),
            ]
        }
        return CloudwatchDashboard(
            self,
            f"{ctx.role}_dashboard",
            provider=ctx.provider,
            dashboard_name=self._naming.name(ctx.role, kind="dashboard"),
            dashboard_body=json.dumps(body, sort_keys=True),
        )
