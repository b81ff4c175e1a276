"""Storage (transactions): buckets in both regions, two-way CRR with delete markers and SSE-KMS."""

import json

import pytest

from support import REGIONS, referenced, region_of, resource, resources


@pytest.mark.parametrize("dataset", ["logs", "documents"])
@pytest.mark.parametrize("role", ["primary", "dr"])
def test_bucket_is_versioned_encrypted_private_and_destroyable(transactions, dataset, role):
    key = f"storage_{dataset}_{role}"
    bucket = resource(transactions, "aws_s3_bucket", key)
    assert bucket["bucket"] == f"transactions-{role}-{dataset}-ref"
    assert bucket["force_destroy"] is True
    assert region_of(transactions, bucket) == REGIONS["transactions"][role]
    versioning = resource(transactions, "aws_s3_bucket_versioning", f"{key}_versioning")
    assert versioning["versioning_configuration"] == {"status": "Enabled"}
    sse = resource(transactions, "aws_s3_bucket_server_side_encryption_configuration", f"{key}_encryption")
    default = sse["rule"][0]["apply_server_side_encryption_by_default"]
    assert default == {"sse_algorithm": "aws:kms", "kms_master_key_id": f"${{aws_kms_key.keys_{role}_key.arn}}"}
    block = resource(transactions, "aws_s3_bucket_public_access_block", f"{key}_public_access")
    assert all(block[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                                          "restrict_public_buckets"))
    policy = json.loads(resource(transactions, "aws_s3_bucket_policy", f"{key}_policy")["policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize("dataset", ["logs", "documents"])
@pytest.mark.parametrize("role,peer", [("primary", "dr"), ("dr", "primary")])
def test_replication_rule(transactions, dataset, role, peer):
    config = resource(transactions, "aws_s3_bucket_replication_configuration", f"storage_{dataset}_{role}_replication")
    assert region_of(transactions, config) == REGIONS["transactions"][role]
    [rule] = config["rule"]
    assert "filter" in rule and "tag" not in rule["filter"] and "and" not in rule["filter"]
    assert rule["delete_marker_replication"] == {"status": "Enabled"}
    assert rule["source_selection_criteria"] == {"sse_kms_encrypted_objects": {"status": "Enabled"}}
    assert rule["destination"]["replication_time"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert rule["destination"]["metrics"] == {"status": "Enabled", "event_threshold": {"minutes": 15}}
    _, _, destination = referenced(transactions, rule["destination"]["bucket"])
    assert region_of(transactions, destination) == REGIONS["transactions"][peer]
    _, _, replica_key = referenced(transactions, rule["destination"]["encryption_configuration"]["replica_kms_key_id"])
    assert region_of(transactions, replica_key) == REGIONS["transactions"][peer]
    assert sorted(config["depends_on"]) == sorted(
        [f"aws_s3_bucket_versioning.storage_{dataset}_{role}_versioning",
         f"aws_s3_bucket_versioning.storage_{dataset}_{peer}_versioning"]
    )


def test_replication_roles_reach_only_their_direction(transactions):
    for role, peer in (("primary", "dr"), ("dr", "primary")):
        policy = json.loads(resource(transactions, "aws_iam_role_policy", f"storage_{role}_replication_policy")["policy"])
        by_sid = {s["Sid"]: s for s in policy["Statement"]}
        assert by_sid["WriteReplicas"]["Resource"] == [
            f"${{aws_s3_bucket.storage_{d}_{peer}.arn}}/*" for d in ("logs", "documents")
        ]
        assert by_sid["DecryptSource"]["Resource"] == [f"${{aws_kms_key.keys_{role}_key.arn}}"]
        assert by_sid["EncryptReplica"]["Resource"] == [f"${{aws_kms_key.keys_{peer}_key.arn}}"]
        assert by_sid["EncryptReplica"]["Condition"]["StringEquals"]["kms:ViaService"] == (
            f"s3.{REGIONS['transactions'][peer]}.amazonaws.com"
        )


def test_payments_has_no_buckets(payments):
    assert resources(payments, "aws_s3_bucket") == {}
