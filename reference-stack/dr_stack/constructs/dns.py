"""DNS: a Route 53 zone, a health check per region and the records that move traffic.

- `failover` routing (payments): a PRIMARY and a SECONDARY alias record for the same name and type
  (drlint DR702), each with a health check (DR701).
- `weighted` routing (transactions): weight 100 on the primary, 0 on the DR region, both with
  health checks (DR703). Route 53 answers with zero-weight records only when every non-zero record
  is unhealthy, which makes weighted records an active/passive failover.
- Detection time `request_interval x failure_threshold` (30 s x 3) plus the alias TTL stays far
  below the 15-minute RTO (DR704). A records are aliases to the load balancers, never an ARN or a
  host name as a value (DR705).
"""

from __future__ import annotations

from typing import Mapping

from constructs import Construct
from cdktf_cdktf_provider_aws.lb import Lb
from cdktf_cdktf_provider_aws.route53_health_check import Route53HealthCheck
from cdktf_cdktf_provider_aws.route53_record import (
    Route53Record,
    Route53RecordAlias,
    Route53RecordFailoverRoutingPolicy,
    Route53RecordWeightedRoutingPolicy,
)
from cdktf_cdktf_provider_aws.route53_zone import Route53Zone

from ..config import PRIMARY
from ..naming import Naming
from ..regions import RegionContext, RegionPair

REQUEST_INTERVAL_SECONDS = 30
FAILURE_THRESHOLD = 3
WEIGHTS = {"primary": 100, "dr": 0}


class Dns(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        naming: Naming,
        regions: RegionPair,
        domain: str,
        load_balancers: Mapping[str, Lb],
        routing: str,
        https: bool,
    ) -> None:
        super().__init__(scope, id)
        if routing not in ("failover", "weighted"):
            raise ValueError(f"unknown routing {routing!r}")
        self._naming, self._routing = naming, routing
        # Route 53 is a global service; its resources go through the primary provider.
        self._provider = regions.primary.provider
        self.zone_name = f"{naming.prefix}-{naming.suffix}.{domain}"
        self.zone = Route53Zone(
            self,
            "zone",
            provider=self._provider,
            name=self.zone_name,
            comment=f"{naming.prefix} DR endpoints ({naming.suffix})",
            force_destroy=True,
            tags=naming.tags(self.zone_name),
        )
        self.api_name = f"api.{self.zone_name}"
        self.scheme = "https" if https else "http"
        self.health_checks: dict[str, Route53HealthCheck] = {}
        self.records: dict[str, Route53Record] = {}
        self.regional_names: dict[str, str] = {}
        self.regional_records: dict[str, Route53Record] = {}
        for ctx in regions:
            lb = load_balancers[ctx.role]
            self.health_checks[ctx.role] = self._health_check(ctx, lb, https)
            self.records[ctx.role] = self._api_record(ctx, lb)
            self.regional_names[ctx.role] = self._regional_record(ctx, lb)

    def _health_check(self, ctx: RegionContext, lb: Lb, https: bool) -> Route53HealthCheck:
        name = self._naming.name(ctx.role, "api")
        return Route53HealthCheck(
            self,
            f"{ctx.role}_health",
            provider=self._provider,
            fqdn=lb.dns_name,
            type="HTTPS" if https else "HTTP",
            port=443 if https else 80,
            resource_path="/health",
            request_interval=REQUEST_INTERVAL_SECONDS,
            failure_threshold=FAILURE_THRESHOLD,
            measure_latency=True,
            tags=self._naming.tags(name),
        )

    def _api_record(self, ctx: RegionContext, lb: Lb) -> Route53Record:
        routing: dict[str, object]
        if self._routing == "failover":
            routing = {
                "failover_routing_policy": Route53RecordFailoverRoutingPolicy(
                    type="PRIMARY" if ctx.role == PRIMARY else "SECONDARY"
                )
            }
        else:
            routing = {"weighted_routing_policy": Route53RecordWeightedRoutingPolicy(weight=WEIGHTS[ctx.role])}
        return Route53Record(
            self,
            f"{ctx.role}_api",
            provider=self._provider,
            zone_id=self.zone.zone_id,
            name=self.api_name,
            type="A",
            set_identifier=f"{ctx.role}-{self._naming.suffix}",
            health_check_id=self.health_checks[ctx.role].id,
            alias=Route53RecordAlias(name=lb.dns_name, zone_id=lb.zone_id, evaluate_target_health=True),
            **routing,
        )

    def _regional_record(self, ctx: RegionContext, lb: Lb) -> str:
        """`primary.<zone>` / `dr.<zone>`: reach one region directly (tests, failover drills)."""
        name = f"{ctx.role}.{self.zone_name}"
        self.regional_records[ctx.role] = Route53Record(
            self,
            f"{ctx.role}_regional",
            provider=self._provider,
            zone_id=self.zone.zone_id,
            name=name,
            type="A",
            alias=Route53RecordAlias(name=lb.dns_name, zone_id=lb.zone_id, evaluate_target_health=True),
        )
        return name

    def url(self, host: str) -> str:
        return f"{self.scheme}://{host}"
