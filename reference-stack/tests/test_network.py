"""Network: non-overlapping VPCs over 3 AZs, subnets inside their VPC, complete peering."""

import ipaddress

import pytest

from dr_stack.constructs.network import subnet_plan
from support import REGIONS, region_of, resource, resources, stack_name


def test_vpcs_do_not_overlap(variant):
    vpcs = resources(variant, "aws_vpc")
    primary = ipaddress.ip_network(vpcs["network_primary_vpc"]["cidr_block"])
    dr = ipaddress.ip_network(vpcs["network_dr_vpc"]["cidr_block"])
    assert not primary.overlaps(dr)
    regions = REGIONS[stack_name(variant)]
    assert region_of(variant, vpcs["network_primary_vpc"]) == regions["primary"]
    assert region_of(variant, vpcs["network_dr_vpc"]) == regions["dr"]


@pytest.mark.parametrize("role", ["primary", "dr"])
def test_subnets_inside_vpc_three_azs_no_overlap(variant, role):
    vpc = ipaddress.ip_network(resource(variant, "aws_vpc", f"network_{role}_vpc")["cidr_block"])
    subnets = {k: v for k, v in resources(variant, "aws_subnet").items() if k.startswith(f"network_{role}_")}
    assert len(subnets) == 6
    nets = [ipaddress.ip_network(s["cidr_block"]) for s in subnets.values()]
    assert all(n.subnet_of(vpc) for n in nets)
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])
    region = REGIONS[stack_name(variant)][role]
    for kind in ("public", "private"):
        zones = {s["availability_zone"] for k, s in subnets.items() if f"_{kind}_" in k}
        assert zones == {f"{region}a", f"{region}b", f"{region}c"}
    for s in subnets.values():
        assert s["vpc_id"] == f"${{aws_vpc.network_{role}_vpc.id}}"


def test_subnet_plan_carves_public_then_private():
    public, private = subnet_plan("10.50.0.0/16", 3)
    assert public == ["10.50.0.0/24", "10.50.1.0/24", "10.50.2.0/24"]
    assert private == ["10.50.16.0/20", "10.50.32.0/20", "10.50.48.0/20"]


def test_peering_is_accepted_in_the_peer_region_and_routed_both_ways(variant):
    regions = REGIONS[stack_name(variant)]
    peering = resource(variant, "aws_vpc_peering_connection", "network_peering")
    assert peering["peer_region"] == regions["dr"]
    assert peering["auto_accept"] is False
    assert region_of(variant, peering) == regions["primary"]
    accepter = resource(variant, "aws_vpc_peering_connection_accepter", "network_peering_accepter")
    assert region_of(variant, accepter) == regions["dr"]
    assert accepter["auto_accept"] is True
    assert accepter["vpc_peering_connection_id"] == "${aws_vpc_peering_connection.network_peering.id}"
    vpcs = resources(variant, "aws_vpc")
    for role, peer in (("primary", "dr"), ("dr", "primary")):
        route = resource(variant, "aws_route", f"network_{role}_to_peer")
        assert route["destination_cidr_block"] == vpcs[f"network_{peer}_vpc"]["cidr_block"]
        assert route["route_table_id"] == f"${{aws_route_table.network_{role}_private_rt.id}}"
        assert route["vpc_peering_connection_id"] == "${aws_vpc_peering_connection.network_peering.id}"
        assert region_of(variant, route) == regions[role]


def test_private_subnets_leave_through_one_nat_gateway_per_region(variant):
    assert sorted(resources(variant, "aws_nat_gateway")) == ["network_dr_nat", "network_primary_nat"]
    for role in ("primary", "dr"):
        default = resource(variant, "aws_route", f"network_{role}_private_default")
        assert default["nat_gateway_id"] == f"${{aws_nat_gateway.network_{role}_nat.id}}"


def test_database_port_open_only_to_lambda_and_peer(variant):
    rules = resources(variant, "aws_vpc_security_group_ingress_rule")
    db_rules = {k: v for k, v in rules.items() if "_db_in_" in k}
    assert len(db_rules) == 4
    port = 3306 if stack_name(variant) == "payments" else 5432
    assert {r["from_port"] for r in db_rules.values()} == {port}
    assert all("0.0.0.0/0" != r.get("cidr_ipv4") for r in db_rules.values())
