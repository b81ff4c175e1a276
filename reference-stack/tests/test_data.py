"""Data: the DynamoDB global table for sessions."""

from cdktf import Testing as CdktfTesting
from cdktf_cdktf_provider_aws.dynamodb_table import DynamodbTable

from support import REGIONS, as_json, region_of, resource, stack_name


def test_global_table_with_encrypted_pitr_replica(variant):
    name = stack_name(variant)
    table = resource(variant, "aws_dynamodb_table", "data_sessions")
    assert table["name"] == f"{name}-sessions-ref"
    assert table["billing_mode"] == "PAY_PER_REQUEST"
    assert table["point_in_time_recovery"] == {"enabled": True}
    assert table["server_side_encryption"] == {"enabled": True, "kms_key_arn": "${aws_kms_key.keys_primary_key.arn}"}
    assert table["stream_enabled"] is True
    assert table["deletion_protection_enabled"] is False
    assert region_of(variant, table) == REGIONS[name]["primary"]
    assert table["replica"] == [
        {
            "region_name": REGIONS[name]["dr"],
            "kms_key_arn": "${aws_kms_key.keys_dr_key.arn}",
            "point_in_time_recovery": True,
            "propagate_tags": True,
        }
    ]
    assert CdktfTesting.to_have_resource_with_properties(
        as_json(variant), DynamodbTable.TF_RESOURCE_TYPE, {"billing_mode": "PAY_PER_REQUEST"}
    )
