"""DR automation: who may fail over, the failover workflow, and a failover drill.

Per region:
- an automation role, assumable by Step Functions and SSM Automation of this account and by the
  other region's automation role (cross-region assume-role), allowed to act only on this stack's
  global cluster, clusters, health checks, topic and state machine;
- a Step Functions workflow that promotes *this* region's Aurora cluster to writer (a planned
  `switchover`, or an unplanned `failover` that accepts data loss) and reports on the alarm topic.
  DNS needs no step: the Route 53 health checks already move traffic;
- an SSM Automation document for failover drills: checks both regions' health checks and the
  global cluster, then optionally starts a switchover.
"""

from __future__ import annotations

import json
from typing import Mapping

from constructs import Construct
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.route53_health_check import Route53HealthCheck
from cdktf_cdktf_provider_aws.sfn_state_machine import (
    SfnStateMachine,
    SfnStateMachineEncryptionConfiguration,
    SfnStateMachineLoggingConfiguration,
)
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.ssm_document import SsmDocument

from ..naming import Naming
from ..policies import document, statement
from ..regions import Account, RegionContext, RegionPair
from .keys import Keys

LOG_RETENTION_DAYS = 14
# Step Functions delivers logs through CloudWatch Logs' vended-log API, which has no
# resource-level permissions.
_LOG_DELIVERY_ACTIONS = [
    "logs:CreateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:DescribeLogGroups",
    "logs:DescribeResourcePolicies",
    "logs:GetLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:UpdateLogDelivery",
]


def failover_definition(
    *, partition: str, global_cluster_id: str, target_cluster_arn: str, topic_arn: str, region: str
) -> str:
    """Amazon States Language for "make `target_cluster_arn` the writer of the global database"."""
    sdk = f"arn:{partition}:states:::aws-sdk:rds"
    describe = {"GlobalClusterIdentifier": global_cluster_id}
    promote = {"GlobalClusterIdentifier": global_cluster_id, "TargetDbClusterIdentifier": target_cluster_arn}
    return json.dumps(
        {
            "Comment": f"Promote the Aurora cluster in {region} to writer of the global database",
            "TimeoutSeconds": 3600,
            "StartAt": "ChooseMode",
            "States": {
                "ChooseMode": {
                    "Type": "Choice",
                    "Choices": [
                        {
                            "And": [
                                {"Variable": "$.mode", "IsPresent": True},
                                {"Variable": "$.mode", "StringEquals": "switchover"},
                            ],
                            "Next": "Switchover",
                        }
                    ],
                    "Default": "Failover",
                },
                "Switchover": {
                    "Type": "Task",
                    "Comment": "Planned: waits for replication to catch up, no data loss",
                    "Resource": f"{sdk}:switchoverGlobalCluster",
                    "Parameters": promote,
                    "ResultPath": None,
                    "Next": "WaitForPromotion",
                },
                "Failover": {
                    "Type": "Task",
                    "Comment": "Unplanned: the primary region is down; accepts losing the replication lag",
                    "Resource": f"{sdk}:failoverGlobalCluster",
                    "Parameters": {**promote, "AllowDataLoss": True},
                    "ResultPath": None,
                    "Next": "WaitForPromotion",
                },
                "WaitForPromotion": {"Type": "Wait", "Seconds": 30, "Next": "CheckStatus"},
                "CheckStatus": {
                    "Type": "Task",
                    "Resource": f"{sdk}:describeGlobalClusters",
                    "Parameters": describe,
                    "ResultSelector": {"status.$": "$.GlobalClusters[0].Status"},
                    "ResultPath": "$.check",
                    "Next": "Promoted",
                },
                "Promoted": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.check.status", "StringEquals": "available", "Next": "Notify"}],
                    "Default": "WaitForPromotion",
                },
                "Notify": {
                    "Type": "Task",
                    "Resource": f"arn:{partition}:states:::sns:publish",
                    "Parameters": {
                        "TopicArn": topic_arn,
                        "Message": f"Aurora global database writer is now in {region}",
                    },
                    "End": True,
                },
            },
        }
    )


def drill_document(
    *, global_cluster_id: str, health_check_ids: Mapping[str, str], state_machine_arn: str, role_arn: str
) -> str:
    """SSM Automation: check health and replication; switch the writer over only when asked."""
    checks = [
        {
            "name": f"Check{role.capitalize()}Endpoint",
            "action": "aws:executeAwsApi",
            "inputs": {"Service": "route53", "Api": "GetHealthCheckStatus", "HealthCheckId": hc_id},
        }
        for role, hc_id in health_check_ids.items()
    ]
    return json.dumps(
        {
            "schemaVersion": "0.3",
            "description": "Failover drill: endpoint health, global database status, optional switchover",
            "assumeRole": "{{ AutomationAssumeRole }}",
            "parameters": {
                "AutomationAssumeRole": {"type": "String", "default": role_arn},
                "Switchover": {
                    "type": "Boolean",
                    "default": False,
                    "description": "Move the Aurora writer to this region after the checks (planned, no data loss)",
                },
            },
            "mainSteps": [
                *checks,
                {
                    "name": "CheckGlobalDatabase",
                    "action": "aws:assertAwsResourceProperty",
                    "inputs": {
                        "Service": "rds",
                        "Api": "DescribeGlobalClusters",
                        "GlobalClusterIdentifier": global_cluster_id,
                        "PropertySelector": "$.GlobalClusters[0].Status",
                        "DesiredValues": ["available"],
                    },
                },
                {
                    "name": "DecideSwitchover",
                    "action": "aws:branch",
                    "inputs": {
                        "Choices": [
                            {"NextStep": "StartSwitchover", "Variable": "{{ Switchover }}", "BooleanEquals": True}
                        ],
                        "Default": "Done",
                    },
                },
                {
                    "name": "StartSwitchover",
                    "action": "aws:executeAwsApi",
                    "inputs": {
                        "Service": "stepfunctions",
                        "Api": "StartExecution",
                        "stateMachineArn": state_machine_arn,
                        "input": json.dumps({"mode": "switchover"}),
                    },
                    "isEnd": True,
                },
                {"name": "Done", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}, "isEnd": True},
            ],
        }
    )


class DrAutomation(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        naming: Naming,
        regions: RegionPair,
        account: Account,
        keys: Keys,
        global_cluster_id: str,
        cluster_ids: Mapping[str, str],
        health_checks: Mapping[str, Route53HealthCheck],
        topics: Mapping[str, SnsTopic],
    ) -> None:
        super().__init__(scope, id)
        self._naming, self._account, self._keys = naming, account, keys
        self._regions = regions
        self._global_cluster_id = global_cluster_id
        self._cluster_arns = {
            ctx.role: account.arn("rds", ctx.region, f"cluster:{cluster_ids[ctx.role]}") for ctx in regions
        }
        self._health_checks, self._topics = health_checks, topics
        self.role_names = {ctx.role: naming.name(ctx.role, "automation", kind="iam_role") for ctx in regions}
        self.roles: dict[str, IamRole] = {}
        self.state_machines: dict[str, SfnStateMachine] = {}
        self.documents: dict[str, SsmDocument] = {}
        for ctx in regions:
            self._regional(ctx)

    def _role_arn(self, role: str) -> str:
        return f"arn:{self._account.partition}:iam::{self._account.account_id}:role/{self.role_names[role]}"

    def _regional(self, ctx: RegionContext) -> None:
        n, a, p, key = self._naming, self._account, ctx.provider, self._keys.of(ctx.role)
        other = self._regions.other(ctx)
        machine_name = n.name(ctx.role, "failover", kind="state_machine")
        machine_arn = a.arn("states", ctx.region, f"stateMachine:{machine_name}")
        topic = self._topics[ctx.role]
        # The peer role is trusted by a condition on its ARN, not as a principal: IAM rejects a
        # principal that does not exist yet, and each role would need the other to exist first.
        trust = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AutomationServices",
                        "Effect": "Allow",
                        "Principal": {"Service": ["ssm.amazonaws.com", "states.amazonaws.com"]},
                        "Action": "sts:AssumeRole",
                        "Condition": {"StringEquals": {"aws:SourceAccount": a.account_id}},
                    },
                    {
                        "Sid": "PeerRegionAutomation",
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:{a.partition}:iam::{a.account_id}:root"},
                        "Action": "sts:AssumeRole",
                        "Condition": {"ArnEquals": {"aws:PrincipalArn": self._role_arn(other.role)}},
                    },
                ],
            }
        )
        role = IamRole(
            self, f"{ctx.role}_role", provider=p, name=self.role_names[ctx.role], assume_role_policy=trust,
            tags=n.tags(self.role_names[ctx.role]),
        )
        self.roles[ctx.role] = role
        policy = IamRolePolicy(
            self,
            f"{ctx.role}_policy",
            provider=p,
            name=self.role_names[ctx.role],
            role=role.id,
            policy=document(
                statement(
                    ["rds:DescribeGlobalClusters", "rds:FailoverGlobalCluster", "rds:SwitchoverGlobalCluster"],
                    [a.arn("rds", "", f"global-cluster:{self._global_cluster_id}"), *self._cluster_arns.values()],
                    sid="PromoteGlobalDatabase",
                ),
                statement(["rds:DescribeDBClusters"], [self._cluster_arns[ctx.role]], sid="DescribeOwnCluster"),
                statement(
                    ["route53:GetHealthCheckStatus"],
                    [f"arn:{a.partition}:route53:::healthcheck/{hc.id}" for hc in self._health_checks.values()],
                    sid="ReadHealthChecks",
                ),
                statement(["sns:Publish"], [topic.arn], sid="Notify"),
                statement(["kms:Decrypt", "kms:GenerateDataKey"], [key.arn], sid="OwnRegionKey"),
                statement(["states:StartExecution"], [machine_arn], sid="StartFailover"),
                statement(["sts:AssumeRole"], [self._role_arn(other.role)], sid="AssumePeerRegionRole"),
                statement(_LOG_DELIVERY_ACTIONS, "*", sid="VendedLogDelivery"),
            ),
        )
        logs = CloudwatchLogGroup(
            self,
            f"{ctx.role}_logs",
            provider=p,
            name=f"/aws/vendedlogs/states/{machine_name}",
            retention_in_days=LOG_RETENTION_DAYS,
            kms_key_id=key.arn,
            tags=n.tags(machine_name),
        )
        self.state_machines[ctx.role] = SfnStateMachine(
            self,
            f"{ctx.role}_failover",
            provider=p,
            name=machine_name,
            role_arn=role.arn,
            definition=failover_definition(
                partition=a.partition,
                global_cluster_id=self._global_cluster_id,
                target_cluster_arn=self._cluster_arns[ctx.role],
                topic_arn=topic.arn,
                region=ctx.region,
            ),
            logging_configuration=SfnStateMachineLoggingConfiguration(
                log_destination=f"{logs.arn}:*", include_execution_data=False, level="ERROR"
            ),
            encryption_configuration=SfnStateMachineEncryptionConfiguration(
                type="CUSTOMER_MANAGED_KMS_KEY", kms_key_id=key.arn, kms_data_key_reuse_period_seconds=300
            ),
            # Step Functions checks at creation that the role may write the logs.
            depends_on=[policy],
            tags=n.tags(machine_name),
        )
        doc_name = n.name(ctx.role, "failover-drill")
        self.documents[ctx.role] = SsmDocument(
            self,
            f"{ctx.role}_drill",
            provider=p,
            name=doc_name,
            document_type="Automation",
            document_format="JSON",
            content=drill_document(
                global_cluster_id=self._global_cluster_id,
                health_check_ids={r: hc.id for r, hc in self._health_checks.items()},
                state_machine_arn=machine_arn,
                role_arn=role.arn,
            ),
            tags=n.tags(doc_name),
        )
