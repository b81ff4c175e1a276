"""The two regions of a DR stack and the provider each resource in them must use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from cdktf_cdktf_provider_aws.provider import AwsProvider

from .config import PRIMARY


@dataclass(frozen=True)
class RegionContext:
    """One side of the pair: its role (`primary` / `dr`), AWS region and aliased provider."""

    role: str
    region: str
    provider: AwsProvider


@dataclass(frozen=True)
class RegionPair:
    primary: RegionContext
    dr: RegionContext

    def __iter__(self) -> Iterator[RegionContext]:
        return iter((self.primary, self.dr))

    def other(self, ctx: RegionContext) -> RegionContext:
        return self.dr if ctx.role == PRIMARY else self.primary


@dataclass(frozen=True)
class Account:
    """Account id and partition, as tokens resolved at plan time (never hard-coded)."""

    account_id: str
    partition: str

    def arn(self, service: str, region: str, resource: str) -> str:
        """A region-specific ARN in this account (`region=""` for global services such as IAM)."""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"


