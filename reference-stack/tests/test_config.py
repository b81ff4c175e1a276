"""Configuration and naming: what the stack refuses to build."""

import pytest

from dr_stack.config import PAYMENTS, TRANSACTIONS, ConfigError, StackConfig, load_config
from dr_stack.naming import InvalidNameError, Naming

ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0f3a1b2c-aaaa-bbbb-cccc-0123456789ab"


def test_defaults_and_environment():
    config = load_config({}, {"ENVIRONMENT_SUFFIX": "pr42"})
    assert config.variant is PAYMENTS
    assert config.environment_suffix == "pr42" and config.domain == "example.com"
    assert config.master_secret_id == "payments/pr42/aurora-master"
    assert config.https is False and config.state_bucket is None


def test_context_wins_over_environment():
    config = load_config(
        {"variant": "transactions", "environmentSuffix": "ctx", "domain": "dr.example.org"},
        {"DR_VARIANT": "payments", "ENVIRONMENT_SUFFIX": "env"},
    )
    assert (config.variant, config.environment_suffix, config.domain) == (TRANSACTIONS, "ctx", "dr.example.org")


def test_optional_settings_from_environment():
    config = load_config(
        {},
        {
            "ENVIRONMENT_SUFFIX": "x1",
            "DR_CERTIFICATE_ARN_PRIMARY": ARN,
            "DR_CERTIFICATE_ARN_DR": ARN.replace("us-east-1", "us-west-2"),
            "DR_DB_SECRET_ID": "shared/aurora",
            "TERRAFORM_STATE_BUCKET": "state-bucket",
            "TERRAFORM_STATE_BUCKET_REGION": "us-east-1",
            "DR_MUTATION": "name-without-suffix",
        },
    )
    assert config.https and config.master_secret_id == "shared/aurora"
    assert (config.state_bucket, config.state_bucket_region, config.mutation) == (
        "state-bucket", "us-east-1", "name-without-suffix")


@pytest.mark.parametrize(
    "context,env,message",
    [
        ({}, {}, "ENVIRONMENT_SUFFIX"),
        ({"variant": "orders"}, {"ENVIRONMENT_SUFFIX": "a"}, "unknown variant"),
        ({}, {"ENVIRONMENT_SUFFIX": "Has-Caps"}, "1-8 lowercase"),
        ({}, {"ENVIRONMENT_SUFFIX": "waytoolongsuffix"}, "1-8 lowercase"),
        ({"domain": "Not A Domain"}, {"ENVIRONMENT_SUFFIX": "a"}, "DNS name"),
        ({}, {"ENVIRONMENT_SUFFIX": "a", "DR_CERTIFICATE_ARN_PRIMARY": ARN}, "both regions"),
        ({}, {"ENVIRONMENT_SUFFIX": "a", "DR_CERTIFICATE_ARN_PRIMARY": "x", "DR_CERTIFICATE_ARN_DR": "y"}, "ACM"),
    ],
)
def test_rejected(context, env, message):
    with pytest.raises(ConfigError, match=message):
        load_config(context, env)


def test_vpc_too_small_is_rejected():
    import dataclasses

    small = dataclasses.replace(PAYMENTS, cidrs={"primary": "10.0.0.0/20", "dr": "10.1.0.0/16"})
    with pytest.raises(ConfigError, match="/18"):
        StackConfig(variant=small, environment_suffix="a")


def test_names():
    naming = Naming("transactions", "abcdefgh")
    assert naming.name("primary", kind="alb") == "transactions-primary-abcdefgh"
    assert naming.path("db", "endpoint") == "/transactions/abcdefgh/db/endpoint"
    assert naming.tags("x") == {"Name": "x"}
    with pytest.raises(InvalidNameError, match="allows 32"):
        naming.name("primary", "alb", kind="alb")
    with pytest.raises(InvalidNameError, match="characters AWS rejects"):
        Naming("Payments", "a").name("x", kind="s3")
    with pytest.raises(InvalidNameError, match="characters AWS rejects"):
        Naming("p", "a").name("", kind="generic")
