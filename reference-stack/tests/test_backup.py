"""Backup: daily plans keeping 7 days, copied to the other region, covering every stateful resource."""

import pytest

from dr_stack.constructs.backup import DAILY
from support import REGIONS, referenced, region_of, resource, stack_name


@pytest.mark.parametrize("role,peer", [("primary", "dr"), ("dr", "primary")])
def test_daily_plan_with_cross_region_copy(variant, role, peer):
    regions = REGIONS[stack_name(variant)]
    plan = resource(variant, "aws_backup_plan", f"backup_{role}_plan")
    [rule] = plan["rule"]
    assert rule["schedule"] == DAILY
    assert rule["lifecycle"] == {"delete_after": 7}
    [copy] = rule["copy_action"]
    assert copy["lifecycle"] == {"delete_after": 7}
    _, _, vault = referenced(variant, copy["destination_vault_arn"])
    assert region_of(variant, vault) == regions[peer]
    assert region_of(variant, plan) == regions[role]


@pytest.mark.parametrize("role", ["primary", "dr"])
def test_vaults_use_their_region_key_and_are_destroyable(variant, role):
    vault = resource(variant, "aws_backup_vault", f"backup_{role}_vault")
    assert vault["kms_key_arn"] == f"${{aws_kms_key.keys_{role}_key.arn}}"
    assert vault["force_destroy"] is True


def test_selections_cover_every_cluster_and_the_table(variant):
    primary = resource(variant, "aws_backup_selection", "backup_primary_selection")
    dr = resource(variant, "aws_backup_selection", "backup_dr_selection")
    assert primary["resources"] == [
        "${aws_rds_cluster.database_primary_cluster.arn}",
        "${aws_dynamodb_table.data_sessions.arn}",
    ]
    assert dr["resources"] == ["${aws_rds_cluster.database_dr_cluster.arn}"]
    assert primary["iam_role_arn"] == dr["iam_role_arn"] == "${aws_iam_role.backup_role.arn}"
