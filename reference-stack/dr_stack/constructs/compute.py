"""Compute: the same Lambda function in both regions, behind a load balancer, optionally fed by SQS.

Identical by contract in both regions (drlint DR805 later): code, runtime, handler, memory
(1 GB), timeout and the *keys* of the environment; only values differ (each region's own queue,
bucket, key). Environment variables and logs are encrypted with the region's own key (DR301/302).
The execution role only reaches resources of its own region, by ARN.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Mapping

from cdktf import AssetType, TerraformAsset
from constructs import Construct
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.lambda_event_source_mapping import LambdaEventSourceMapping
from cdktf_cdktf_provider_aws.lambda_function import (
    LambdaFunction,
    LambdaFunctionEnvironment,
    LambdaFunctionTracingConfig,
    LambdaFunctionVpcConfig,
)
from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission
from cdktf_cdktf_provider_aws.lb import Lb
from cdktf_cdktf_provider_aws.lb_listener import LbListener, LbListenerDefaultAction, LbListenerDefaultActionRedirect
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup, LbTargetGroupHealthCheck
from cdktf_cdktf_provider_aws.lb_target_group_attachment import LbTargetGroupAttachment
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from cdktf_cdktf_provider_aws.sqs_queue_policy import SqsQueuePolicy

from ..naming import Naming
from ..packaging import stage_lambda_source
from ..policies import Statement, deny_insecure_transport, document, service_trust, statement
from ..regions import RegionContext, RegionPair
from .keys import Keys
from .network import Network

RUNTIME = "python3.12"
HANDLER = "handler.handler"
TIMEOUT_SECONDS = 30
LOG_RETENTION_DAYS = 14


@dataclass(frozen=True)
class FunctionSpec:
    """What the function is: its code, its environment and the extra permissions it needs.

    `environment(role)` and `statements(ctx)` are called once per region so values and ARNs are
    that region's own.
    """

    source: str
    memory_mb: int
    environment: Callable[[str], Mapping[str, str]]
    statements: Callable[[RegionContext], list[Statement]]


@dataclass
class RegionalCompute:
    function: LambdaFunction
    function_name: str
    role: IamRole
    log_group: CloudwatchLogGroup
    load_balancer: Lb
    target_group: LbTargetGroup
    queue: SqsQueue | None
    dead_letter_queue: SqsQueue | None


class Compute(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        naming: Naming,
        regions: RegionPair,
        network: Network,
        keys: Keys,
        spec: FunctionSpec,
        with_queue: bool,
        certificate_arns: Mapping[str, str],
    ) -> None:
        super().__init__(scope, id)
        self._naming, self._network, self._keys = naming, network, keys
        asset = TerraformAsset(self, "code", path=str(stage_lambda_source(spec.source)), type=AssetType.ARCHIVE)
        self._by_role: dict[str, RegionalCompute] = {}
        for ctx in regions:
            queues = self._queues(ctx) if with_queue else (None, None)
            function, name, role, logs = self._function(ctx, spec, asset, queues[0])
            lb, tg = self._load_balancer(ctx, function, certificate_arns.get(ctx.role))
            self._by_role[ctx.role] = RegionalCompute(function, name, role, logs, lb, tg, *queues)

    def of(self, role: str) -> RegionalCompute:
        return self._by_role[role]

    def _queues(self, ctx: RegionContext) -> tuple[SqsQueue, SqsQueue]:
        n, p, key = self._naming, ctx.provider, self._keys.of(ctx.role)
        dlq_name = n.name(ctx.role, "dlq", kind="sqs")
        dlq = SqsQueue(
            self,
            f"{ctx.role}_dlq",
            provider=p,
            name=dlq_name,
            message_retention_seconds=14 * 24 * 3600,
            kms_master_key_id=key.arn,
            kms_data_key_reuse_period_seconds=300,
            tags=n.tags(dlq_name),
        )
        name = n.name(ctx.role, "queue", kind="sqs")
        queue = SqsQueue(
            self,
            f"{ctx.role}_queue",
            provider=p,
            name=name,
            visibility_timeout_seconds=6 * TIMEOUT_SECONDS,
            kms_master_key_id=key.arn,
            kms_data_key_reuse_period_seconds=300,
            redrive_policy=json.dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": 5}),
            tags=n.tags(name),
        )
        for label, q in (("queue", queue), ("dlq", dlq)):
            SqsQueuePolicy(
                self,
                f"{ctx.role}_{label}_policy",
                provider=p,
                queue_url=q.url,
                policy=document(deny_insecure_transport([q.arn], actions="sqs:*")),
            )
        return queue, dlq

    def _function(
        self, ctx: RegionContext, spec: FunctionSpec, asset: TerraformAsset, queue: SqsQueue | None
    ) -> tuple[LambdaFunction, str, IamRole, CloudwatchLogGroup]:
        n, p, role_name, key = self._naming, ctx.provider, ctx.role, self._keys.of(ctx.role)
        name = n.name(role_name, "processor", kind="lambda")
        log_group = CloudwatchLogGroup(
            self,
            f"{role_name}_logs",
            provider=p,
            name=f"/aws/lambda/{name}",
            retention_in_days=LOG_RETENTION_DAYS,
            kms_key_id=key.arn,
            tags=n.tags(name),
        )
        iam_name = n.name(role_name, "processor", kind="iam_role")
        role = IamRole(
            self,
            f"{role_name}_role",
            provider=p,
            name=iam_name,
            assume_role_policy=service_trust("lambda.amazonaws.com"),
            tags=n.tags(iam_name),
        )
        statements = [
            statement(["logs:CreateLogStream", "logs:PutLogEvents"], [f"{log_group.arn}:*"], sid="WriteOwnLogs"),
            # Lambda creates its VPC network interfaces with the execution role; EC2 does not
            # support resource-level permissions for the Describe calls.
            statement(
                [
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:CreateNetworkInterface",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets",
                    "ec2:UnassignPrivateIpAddresses",
                ],
                "*",
                sid="VpcNetworkInterfaces",
            ),
            statement(["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "*", sid="Tracing"),
            statement(["kms:Decrypt", "kms:GenerateDataKey"], [key.arn], sid="OwnRegionKey"),
            *spec.statements(ctx),
        ]
        if queue is not None:
            statements.append(
                statement(
                    ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                     "sqs:ReceiveMessage", "sqs:SendMessage"],
                    [queue.arn],
                    sid="OwnQueue",
                )
            )
        policy = IamRolePolicy(
            self, f"{role_name}_policy", provider=p, name=iam_name, role=role.id, policy=document(*statements)
        )
        net = self._network.of(role_name)
        variables = dict(spec.environment(role_name))
        if queue is not None:
            variables["QUEUE_URL"] = queue.url
        function = LambdaFunction(
            self,
            f"{role_name}_function",
            provider=p,
            function_name=name,
            description=f"{n.prefix} processor ({role_name} region)",
            runtime=RUNTIME,
            handler=HANDLER,
            memory_size=spec.memory_mb,
            timeout=TIMEOUT_SECONDS,
            role=role.arn,
            filename=asset.path,
            source_code_hash=asset.asset_hash,
            environment=LambdaFunctionEnvironment(variables=variables),
            kms_key_arn=key.arn,
            vpc_config=LambdaFunctionVpcConfig(
                subnet_ids=[s.id for s in net.private_subnets], security_group_ids=[net.lambda_sg.id]
            ),
            tracing_config=LambdaFunctionTracingConfig(mode="Active"),
            depends_on=[log_group, policy],
            tags=n.tags(name),
        )
        if queue is not None:
            LambdaEventSourceMapping(
                self,
                f"{role_name}_queue_trigger",
                provider=p,
                event_source_arn=queue.arn,
                function_name=function.arn,
                batch_size=10,
                maximum_batching_window_in_seconds=5,
                function_response_types=["ReportBatchItemFailures"],
            )
        return function, name, role, log_group

    def _load_balancer(
        self, ctx: RegionContext, function: LambdaFunction, certificate_arn: str | None
    ) -> tuple[Lb, LbTargetGroup]:
        n, p, role = self._naming, ctx.provider, ctx.role
        net = self._network.of(role)
        name = n.name(role, kind="alb")
        lb = Lb(
            self,
            f"{role}_alb",
            provider=p,
            name=name,
            internal=False,
            load_balancer_type="application",
            security_groups=[net.alb_sg.id],
            subnets=[s.id for s in net.public_subnets],
            drop_invalid_header_fields=True,
            enable_deletion_protection=False,
            tags=n.tags(name),
        )
        tg_name = n.name(role, kind="target_group")
        target_group = LbTargetGroup(
            self,
            f"{role}_targets",
            provider=p,
            name=tg_name,
            target_type="lambda",
            health_check=LbTargetGroupHealthCheck(
                enabled=True, path="/health", matcher="200", interval=35, timeout=30,
                healthy_threshold=2, unhealthy_threshold=2,
            ),
            tags=n.tags(tg_name),
        )
        permission = LambdaPermission(
            self,
            f"{role}_alb_invoke",
            provider=p,
            statement_id=n.name(role, "alb-invoke"),
            action="lambda:InvokeFunction",
            function_name=function.function_name,
            principal="elasticloadbalancing.amazonaws.com",
            source_arn=target_group.arn,
        )
        LbTargetGroupAttachment(
            self, f"{role}_target", provider=p, target_group_arn=target_group.arn, target_id=function.arn,
            depends_on=[permission],
        )
        forward = LbListenerDefaultAction(type="forward", target_group_arn=target_group.arn)
        if certificate_arn:
            LbListener(
                self, f"{role}_https", provider=p, load_balancer_arn=lb.arn, port=443, protocol="HTTPS",
                certificate_arn=certificate_arn, ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                default_action=[forward],
            )
            LbListener(
                self, f"{role}_http", provider=p, load_balancer_arn=lb.arn, port=80, protocol="HTTP",
                default_action=[
                    LbListenerDefaultAction(
                        type="redirect",
                        redirect=LbListenerDefaultActionRedirect(status_code="HTTP_301", port="443", protocol="HTTPS"),
                    )
                ],
            )
        else:
            LbListener(
                self, f"{role}_http", provider=p, load_balancer_arn=lb.arn, port=80, protocol="HTTP",
                default_action=[forward],
            )
        return lb, target_group
