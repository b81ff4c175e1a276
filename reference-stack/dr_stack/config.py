"""What to build: the variant (payments or transactions), the environment suffix, and options.

Configuration comes from a cdktf context value or an environment variable, never from code
edits; `load_config` reads both (context first). The settings are listed in README.md
("Configuration").
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Mapping

PRIMARY = "primary"
DR = "dr"
ROLES: tuple[str, str] = (PRIMARY, DR)

_SUFFIX_RE = re.compile(r"^[a-z0-9]{1,8}$")
_DOMAIN_RE = re.compile(r"^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_ARN_RE = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+$")


class ConfigError(ValueError):
    """The configuration cannot produce a stack that deploys."""


@dataclass(frozen=True)
class DatabaseSpec:
    """Aurora global database settings of a variant."""

    engine: str
    engine_version: str
    instance_class: str
    port: int
    parameter_family: str
    tls_parameter: tuple[str, str]
    database_name: str
    master_username: str
    instances: Mapping[str, int]
    serverless_capacity: tuple[float, float] | None = None
    # Aurora PostgreSQL's managed RPO (`rds.global_db_rpo`, seconds): commits wait while every
    # secondary lags more, which bounds the RPO (DR901). Aurora MySQL has no such setting.
    managed_rpo_seconds: int | None = None


@dataclass(frozen=True)
class Variant:
    """One of the two stacks the seeds ask for."""

    name: str
    primary_region: str
    dr_region: str
    cidrs: Mapping[str, str]
    database: DatabaseSpec
    routing: str  # "failover" (PRIMARY/SECONDARY) or "weighted" (100/0)
    lambda_source: str  # directory under lambda/
    # Optional concerns: "events", "parameters", "dr_automation", "queue", "buckets".
    features: frozenset[str]
    buckets: tuple[str, ...] = ()

    def region(self, role: str) -> str:
        return self.primary_region if role == PRIMARY else self.dr_region

    def has(self, feature: str) -> bool:
        return feature in self.features


PAYMENTS = Variant(
    name="payments",
    primary_region="us-east-1",
    dr_region="us-west-2",
    cidrs={PRIMARY: "10.0.0.0/16", DR: "10.1.0.0/16"},
    database=DatabaseSpec(
        engine="aurora-mysql",
        engine_version="8.0.mysql_aurora.3.10.0",
        instance_class="db.r5.large",
        port=3306,
        parameter_family="aurora-mysql8.0",
        tls_parameter=("require_secure_transport", "ON"),
        database_name="payments",
        master_username="payments_admin",
        instances={PRIMARY: 2, DR: 1},
    ),
    routing="failover",
    lambda_source="payments",
    features=frozenset({"events", "parameters", "dr_automation"}),
)

TRANSACTIONS = Variant(
    name="transactions",
    primary_region="us-east-1",
    dr_region="us-east-2",
    cidrs={PRIMARY: "10.10.0.0/16", DR: "10.20.0.0/16"},
    database=DatabaseSpec(
        engine="aurora-postgresql",
        engine_version="15.10",
        instance_class="db.serverless",
        port=5432,
        parameter_family="aurora-postgresql15",
        tls_parameter=("rds.force_ssl", "1"),
        database_name="transactions",
        master_username="transactions_admin",
        instances={PRIMARY: 2, DR: 1},
        serverless_capacity=(0.5, 4.0),
        managed_rpo_seconds=60,
    ),
    routing="weighted",
    lambda_source="transactions",
    features=frozenset({"queue", "buckets"}),
    buckets=("logs", "documents"),
)

VARIANTS: dict[str, Variant] = {v.name: v for v in (PAYMENTS, TRANSACTIONS)}


@dataclass(frozen=True)
class StackConfig:
    """Everything a stack needs to know before it is built."""

    variant: Variant
    environment_suffix: str
    domain: str = "example.com"
    certificate_arns: Mapping[str, str] = field(default_factory=dict)
    db_secret_id: str | None = None
    availability_zones: tuple[str, ...] = ("a", "b", "c")
    lambda_memory_mb: int = 1024
    backup_retention_days: int = 7
    state_bucket: str | None = None
    state_bucket_region: str | None = None
    mutation: str | None = None

    def __post_init__(self) -> None:
        if not _SUFFIX_RE.match(self.environment_suffix):
            raise ConfigError(
                f"environment suffix {self.environment_suffix!r} must be 1-8 lowercase letters or "
                "digits: it ends every resource name, and ALB / target group names allow 32 characters"
            )
        if not _DOMAIN_RE.match(self.domain):
            raise ConfigError(f"domain {self.domain!r} is not a lowercase DNS name")
        if self.certificate_arns and set(self.certificate_arns) != set(ROLES):
            raise ConfigError("give an ACM certificate for both regions or for neither")
        for arn in self.certificate_arns.values():
            if not _ARN_RE.match(arn):
                raise ConfigError(f"{arn!r} is not an ACM certificate ARN")
        cidrs = [ipaddress.ip_network(c) for c in self.variant.cidrs.values()]
        if any(c.prefixlen > 18 for c in cidrs):
            raise ConfigError("each VPC needs at least a /18 for three public and three private subnets")

    @property
    def prefix(self) -> str:
        return self.variant.name

    @property
    def https(self) -> bool:
        return bool(self.certificate_arns)

    @property
    def master_secret_id(self) -> str:
        return self.db_secret_id or f"{self.prefix}/{self.environment_suffix}/aurora-master"


def _pick(context: Mapping[str, object], env: Mapping[str, str], key: str, var: str) -> str | None:
    value = context.get(key)
    if value is None or value == "":
        value = env.get(var) or None
    return None if value is None else str(value)


def load_config(context: Mapping[str, object], env: Mapping[str, str]) -> StackConfig:
    """Build the configuration from cdktf context values, falling back to environment variables."""
    variant_name = _pick(context, env, "variant", "DR_VARIANT") or PAYMENTS.name
    if variant_name not in VARIANTS:
        raise ConfigError(f"unknown variant {variant_name!r}; choose one of {sorted(VARIANTS)}")
    suffix = _pick(context, env, "environmentSuffix", "ENVIRONMENT_SUFFIX")
    if suffix is None:
        raise ConfigError("set ENVIRONMENT_SUFFIX (or the environmentSuffix context value)")
    certificates = {
        role: env[f"DR_CERTIFICATE_ARN_{role.upper()}"]
        for role in ROLES
        if env.get(f"DR_CERTIFICATE_ARN_{role.upper()}")
    }
    return StackConfig(
        variant=VARIANTS[variant_name],
        environment_suffix=suffix,
        domain=_pick(context, env, "domain", "DR_DOMAIN") or "example.com",
        certificate_arns=certificates,
        db_secret_id=env.get("DR_DB_SECRET_ID") or None,
        state_bucket=env.get("TERRAFORM_STATE_BUCKET") or None,
        state_bucket_region=env.get("TERRAFORM_STATE_BUCKET_REGION") or None,
        mutation=_pick(context, env, "mutation", "DR_MUTATION"),
    )
