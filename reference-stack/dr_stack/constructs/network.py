"""Network: a VPC per region (3 AZs, public and private subnets), cross-region peering.

The two VPC CIDRs must not overlap (drlint DR501); every subnet is carved out of its VPC's CIDR
(DR502); the peering connection is requested in the primary region, accepted in the DR region,
and both VPCs route the peer's CIDR through it (DR503). One NAT gateway per region keeps the
stack cheap, as the seeds suggest.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Mapping, Sequence

from constructs import Construct
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.vpc_peering_connection import VpcPeeringConnection
from cdktf_cdktf_provider_aws.vpc_peering_connection_accepter import VpcPeeringConnectionAccepterA
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule

from ..naming import Naming
from ..regions import RegionContext, RegionPair


def subnet_plan(cidr: str, count: int) -> tuple[list[str], list[str]]:
    """Public /24s from the first /20 of the VPC, private /20s after it: never overlapping."""
    network = ipaddress.ip_network(cidr)
    public = [str(s) for s in list(network.subnets(new_prefix=24))[:count]]
    private = [str(s) for s in list(network.subnets(new_prefix=20))[1 : count + 1]]
    return public, private


@dataclass
class RegionalNetwork:
    vpc: Vpc
    cidr: str
    public_subnets: list[Subnet]
    private_subnets: list[Subnet]
    public_route_table: RouteTable
    private_route_table: RouteTable
    lambda_sg: SecurityGroup
    database_sg: SecurityGroup
    alb_sg: SecurityGroup


class Network(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        naming: Naming,
        regions: RegionPair,
        cidrs: Mapping[str, str],
        availability_zones: Sequence[str],
        database_port: int,
        https: bool,
    ) -> None:
        super().__init__(scope, id)
        self._naming = naming
        self._by_role: dict[str, RegionalNetwork] = {}
        for ctx in regions:
            self._by_role[ctx.role] = self._regional(ctx, cidrs[ctx.role], availability_zones)
        for ctx in regions:
            self._security_rules(ctx, regions.other(ctx), database_port, https)
        self._peer(regions)

    def of(self, role: str) -> RegionalNetwork:
        return self._by_role[role]

    def _regional(self, ctx: RegionContext, cidr: str, azs: Sequence[str]) -> RegionalNetwork:
        n, p, role = self._naming, ctx.provider, ctx.role
        vpc = Vpc(
            self,
            f"{role}_vpc",
            provider=p,
            cidr_block=cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=n.tags(n.name(role, "vpc")),
        )
        public_cidrs, private_cidrs = subnet_plan(cidr, len(azs))
        public = [
            Subnet(
                self,
                f"{role}_public_{i}",
                provider=p,
                vpc_id=vpc.id,
                cidr_block=block,
                availability_zone=f"{ctx.region}{az}",
                map_public_ip_on_launch=False,
                tags=n.tags(n.name(role, "public", az)),
            )
            for i, (block, az) in enumerate(zip(public_cidrs, azs))
        ]
        private = [
            Subnet(
                self,
                f"{role}_private_{i}",
                provider=p,
                vpc_id=vpc.id,
                cidr_block=block,
                availability_zone=f"{ctx.region}{az}",
                tags=n.tags(n.name(role, "private", az)),
            )
            for i, (block, az) in enumerate(zip(private_cidrs, azs))
        ]
        igw = InternetGateway(self, f"{role}_igw", provider=p, vpc_id=vpc.id, tags=n.tags(n.name(role, "igw")))
        eip = Eip(self, f"{role}_nat_eip", provider=p, domain="vpc", tags=n.tags(n.name(role, "nat")))
        nat = NatGateway(
            self,
            f"{role}_nat",
            provider=p,
            allocation_id=eip.allocation_id,
            subnet_id=public[0].id,
            tags=n.tags(n.name(role, "nat")),
            depends_on=[igw],
        )
        public_rt = RouteTable(self, f"{role}_public_rt", provider=p, vpc_id=vpc.id, tags=n.tags(n.name(role, "public")))
        Route(self, f"{role}_public_default", provider=p, route_table_id=public_rt.id,
              destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
        private_rt = RouteTable(self, f"{role}_private_rt", provider=p, vpc_id=vpc.id,
                                tags=n.tags(n.name(role, "private")))
        Route(self, f"{role}_private_default", provider=p, route_table_id=private_rt.id,
              destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)
        for i, subnet in enumerate(public):
            RouteTableAssociation(self, f"{role}_public_{i}_rta", provider=p, subnet_id=subnet.id,
                                  route_table_id=public_rt.id)
        for i, subnet in enumerate(private):
            RouteTableAssociation(self, f"{role}_private_{i}_rta", provider=p, subnet_id=subnet.id,
                                  route_table_id=private_rt.id)

        def group(kind: str, description: str) -> SecurityGroup:
            name = n.name(role, kind, kind="security_group")
            return SecurityGroup(self, f"{role}_{kind}_sg", provider=p, vpc_id=vpc.id, name=name,
                                 description=description, tags=n.tags(name))

        return RegionalNetwork(
            vpc=vpc,
            cidr=cidr,
            public_subnets=public,
            private_subnets=private,
            public_route_table=public_rt,
            private_route_table=private_rt,
            lambda_sg=group("lambda", "Lambda functions: HTTPS out, database in both VPCs"),
            database_sg=group("database", "Aurora: database port from Lambda and the peer VPC"),
            alb_sg=group("alb", "Public load balancer"),
        )

    def _security_rules(self, ctx: RegionContext, peer: RegionContext, port: int, https: bool) -> None:
        net, peer_net, role, p = self.of(ctx.role), self.of(peer.role), ctx.role, ctx.provider
        listener_port = 443 if https else 80
        VpcSecurityGroupIngressRule(self, f"{role}_alb_in", provider=p, security_group_id=net.alb_sg.id,
                                    ip_protocol="tcp", from_port=listener_port, to_port=listener_port,
                                    cidr_ipv4="0.0.0.0/0", description="Clients")
        if https:
            # Port 80 only answers with a redirect to HTTPS.
            VpcSecurityGroupIngressRule(self, f"{role}_alb_in_redirect", provider=p,
                                        security_group_id=net.alb_sg.id, ip_protocol="tcp", from_port=80,
                                        to_port=80, cidr_ipv4="0.0.0.0/0", description="Redirect to HTTPS")
        VpcSecurityGroupEgressRule(self, f"{role}_lambda_out_https", provider=p,
                                   security_group_id=net.lambda_sg.id, ip_protocol="tcp", from_port=443,
                                   to_port=443, cidr_ipv4="0.0.0.0/0", description="AWS APIs over TLS")
        for label, cidr in (("local", net.cidr), ("peer", peer_net.cidr)):
            VpcSecurityGroupEgressRule(self, f"{role}_lambda_out_db_{label}", provider=p,
                                       security_group_id=net.lambda_sg.id, ip_protocol="tcp", from_port=port,
                                       to_port=port, cidr_ipv4=cidr, description=f"Aurora in the {label} VPC")
        VpcSecurityGroupIngressRule(self, f"{role}_db_in_lambda", provider=p,
                                    security_group_id=net.database_sg.id, ip_protocol="tcp", from_port=port,
                                    to_port=port, referenced_security_group_id=net.lambda_sg.id,
                                    description="Lambda functions of this region")
        VpcSecurityGroupIngressRule(self, f"{role}_db_in_peer", provider=p,
                                    security_group_id=net.database_sg.id, ip_protocol="tcp", from_port=port,
                                    to_port=port, cidr_ipv4=peer_net.cidr,
                                    description="Peer VPC through the peering connection")

    def _peer(self, regions: RegionPair) -> None:
        primary, dr = self.of(regions.primary.role), self.of(regions.dr.role)
        n = self._naming
        self.peering = VpcPeeringConnection(
            self,
            "peering",
            provider=regions.primary.provider,
            vpc_id=primary.vpc.id,
            peer_vpc_id=dr.vpc.id,
            peer_region=regions.dr.region,
            auto_accept=False,
            tags=n.tags(n.name("peering")),
        )
        self.accepter = VpcPeeringConnectionAccepterA(
            self,
            "peering_accepter",
            provider=regions.dr.provider,
            vpc_peering_connection_id=self.peering.id,
            auto_accept=True,
            tags=n.tags(n.name("peering")),
        )
        self.peer_routes: dict[str, Route] = {}
        for ctx in regions:
            local, peer = self.of(ctx.role), self.of(regions.other(ctx).role)
            self.peer_routes[ctx.role] = Route(
                self,
                f"{ctx.role}_to_peer",
                provider=ctx.provider,
                route_table_id=local.private_route_table.id,
                destination_cidr_block=peer.cidr,
                vpc_peering_connection_id=self.peering.id,
                depends_on=[self.accepter],
            )
