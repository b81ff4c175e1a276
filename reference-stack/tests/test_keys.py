"""Keys: one customer-managed key per region, rotated, with identical policies."""

import json

from cdktf import Testing as CdktfTesting
from cdktf_cdktf_provider_aws.kms_key import KmsKey

from support import REGIONS, as_json, region_of, resources, stack_name


def test_one_rotating_key_per_region(variant):
    keys = resources(variant, "aws_kms_key")
    assert sorted(keys) == ["keys_dr_key", "keys_primary_key"]
    assert CdktfTesting.to_have_resource_with_properties(as_json(variant), KmsKey.TF_RESOURCE_TYPE, {"enable_key_rotation": True})
    regions = REGIONS[stack_name(variant)]
    for role in ("primary", "dr"):
        key = keys[f"keys_{role}_key"]
        assert key["enable_key_rotation"] is True
        assert key.get("multi_region") in (None, False)
        assert region_of(variant, key) == regions[role]


def test_key_policies_are_identical_and_name_both_regions(variant):
    keys = resources(variant, "aws_kms_key")
    policies = {k["policy"] for k in keys.values()}
    assert len(policies) == 1
    policy = json.loads(policies.pop())
    logs = next(s for s in policy["Statement"] if s["Sid"] == "AllowCloudWatchLogs")
    regions = REGIONS[stack_name(variant)]
    assert sorted(logs["Principal"]["Service"]) == sorted(f"logs.{r}.amazonaws.com" for r in regions.values())
    for arn in logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]:
        assert "${data.aws_caller_identity.account.account_id}" in arn


def test_aliases_carry_the_suffix(variant):
    aliases = resources(variant, "aws_kms_alias")
    name = stack_name(variant)
    assert {a["name"] for a in aliases.values()} == {f"alias/{name}-primary-ref", f"alias/{name}-dr-ref"}
    for role in ("primary", "dr"):
        assert aliases[f"keys_{role}_alias"]["target_key_id"] == f"${{aws_kms_key.keys_{role}_key.key_id}}"
