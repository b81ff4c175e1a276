"""The seeds' conventions, checked over every resource of both variants."""

import json
import re

from support import all_resources, region_of

NAME_KEYS = ("name", "bucket", "function_name", "cluster_identifier", "identifier", "global_cluster_identifier",
             "alarm_name", "dashboard_name", "statement_id", "target_id")
ENVIRONMENT_WORDS = {"prod", "production", "dev", "development", "stage", "staging"}
REGION_NAME = re.compile(r"(us|eu|ap|sa|ca|me|af)-(east|west|north|south|central|northeast|southeast)-\d")


def names(doc):
    for rtype, key, body in all_resources(doc):
        for attr in NAME_KEYS:
            value = body.get(attr)
            if isinstance(value, str) and not value.startswith("${"):
                yield rtype, key, attr, value


def tokens(value):
    return [t for t in re.split(r"[^A-Za-z0-9]+", value.lower()) if t]


def test_every_resource_uses_an_aliased_regional_provider(variant):
    assert {p["alias"] for p in variant["provider"]["aws"]} == {"primary", "dr"}
    for rtype, key, body in all_resources(variant):
        assert body.get("provider") in ("aws.primary", "aws.dr"), f"{rtype}.{key}"
        region_of(variant, body)
    for dtype, items in variant["data"].items():
        assert all(d["provider"] == "aws.primary" for d in items.values()), dtype


def test_every_name_carries_the_suffix_and_nothing_hard_coded(variant):
    seen = 0
    for rtype, key, attr, value in names(variant):
        seen += 1
        words = tokens(value)
        assert "ref" in words, f"{rtype}.{key}.{attr} = {value!r}"
        assert not ENVIRONMENT_WORDS & set(words), f"{rtype}.{key}.{attr} = {value!r}"
        assert not re.search(r"\d{12}", value), f"{rtype}.{key}.{attr} = {value!r}"
        assert not REGION_NAME.search(value), f"{rtype}.{key}.{attr} = {value!r}"
    assert seen > 60


def test_tags_everywhere(variant):
    for provider in variant["provider"]["aws"]:
        tags = provider["default_tags"][0]["tags"]
        assert tags["EnvironmentSuffix"] == "ref" and tags["DrRole"] == provider["alias"]
    for rtype, key, body in all_resources(variant):
        if "tags" in body:
            assert "ref" in tokens(body["tags"]["Name"]), f"{rtype}.{key}"


def test_everything_is_destroyable(variant):
    for rtype, key, body in all_resources(variant):
        for attr in ("deletion_protection", "deletion_protection_enabled", "enable_deletion_protection"):
            assert body.get(attr) in (None, False), f"{rtype}.{key}.{attr}"
        if rtype == "aws_rds_cluster":
            assert body["skip_final_snapshot"] is True
        if rtype in ("aws_s3_bucket", "aws_backup_vault", "aws_route53_zone"):
            assert body["force_destroy"] is True, f"{rtype}.{key}"
        assert "prevent_destroy" not in json.dumps(body.get("lifecycle", {}))


def test_synthesized_json_is_machine_independent(variant):
    text = json.dumps(variant)
    assert "/work/" not in text and "/tmp/" not in text and "/home/" not in text
    assert variant["terraform"]["backend"] == {"local": {"path": f"terraform.{variant['//']['metadata']['stackName']}.tfstate"}}


def test_outputs_listed_in_seed_004(variant):
    outputs = set(variant["output"])
    assert {
        "api_url", "primary_endpoint_url", "secondary_endpoint_url",
        "primary_db_endpoint", "secondary_db_endpoint", "dynamodb_table_name",
        "hosted_zone_id", "hosted_zone_name_servers", "primary_alb_dns_name", "secondary_alb_dns_name",
    } <= outputs


def test_transactions_outputs_bucket_names(transactions):
    for dataset in ("logs", "documents"):
        for label, role in (("primary", "primary"), ("secondary", "dr")):
            assert transactions["output"][f"{dataset}_bucket_{label}"]["value"] == f"transactions-{role}-{dataset}-ref"
