"""Events: critical business events replicated to the other region with EventBridge.

Each region has a custom bus with the same name (what EventBridge global endpoints require, should
you add one). A rule on each bus forwards critical events that *originated in its own region* to
the bus of the other region. EventBridge keeps an event's `region` field when it crosses regions,
so the filter on `region` stops an event from bouncing back and forth.
"""

from __future__ import annotations

import json
from typing import Sequence

from constructs import Construct
from cdktf_cdktf_provider_aws.cloudwatch_event_bus import CloudwatchEventBus
from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget, CloudwatchEventTargetRetryPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy

from ..naming import Naming
from ..policies import document, service_trust, statement
from ..regions import Account, RegionPair


class CriticalEventReplication(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        naming: Naming,
        regions: RegionPair,
        account: Account,
        source: str,
        detail_types: Sequence[str],
    ) -> None:
        super().__init__(scope, id)
        n = naming
        self.bus_name = n.name("events", kind="event_bus")
        self.source = source
        self.buses: dict[str, CloudwatchEventBus] = {
            ctx.role: CloudwatchEventBus(
                self, f"{ctx.role}_bus", provider=ctx.provider, name=self.bus_name, tags=n.tags(self.bus_name)
            )
            for ctx in regions
        }
        self.rules: dict[str, CloudwatchEventRule] = {}
        for ctx in regions:
            other = regions.other(ctx)
            rule_name = n.name(ctx.role, "critical", kind="event_rule")
            rule = CloudwatchEventRule(
                self,
                f"{ctx.role}_critical",
                provider=ctx.provider,
                name=rule_name,
                description=f"Forward critical events raised in the {ctx.role} region to the {other.role} region",
                event_bus_name=self.buses[ctx.role].name,
                event_pattern=json.dumps(
                    {"source": [source], "detail-type": list(detail_types), "region": [ctx.region]}
                ),
                tags=n.tags(rule_name),
            )
            self.rules[ctx.role] = rule
            role_name = n.name(ctx.role, "events", kind="iam_role")
            role = IamRole(
                self,
                f"{ctx.role}_forward_role",
                provider=ctx.provider,
                name=role_name,
                assume_role_policy=service_trust(
                    "events.amazonaws.com",
                    condition={"StringEquals": {"aws:SourceAccount": account.account_id}},
                ),
                tags=n.tags(role_name),
            )
            IamRolePolicy(
                self,
                f"{ctx.role}_forward_policy",
                provider=ctx.provider,
                name=role_name,
                role=role.id,
                policy=document(statement(["events:PutEvents"], [self.buses[other.role].arn], sid="PeerBus")),
            )
            CloudwatchEventTarget(
                self,
                f"{ctx.role}_to_{other.role}",
                provider=ctx.provider,
                rule=rule.name,
                event_bus_name=self.buses[ctx.role].name,
                target_id=n.name("to", other.role),
                arn=self.buses[other.role].arn,
                role_arn=role.arn,
                retry_policy=CloudwatchEventTargetRetryPolicy(
                    maximum_event_age_in_seconds=3600, maximum_retry_attempts=20
                ),
            )
