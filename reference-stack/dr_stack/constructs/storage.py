"""Storage: S3 buckets in both regions with two-way cross-region replication.

Every dataset (transaction logs, documents) has a bucket per region. Each bucket replicates to its
peer in the other region, so writes made after a failover flow back on failback. Every rule:
- uses `filter` and therefore sets `delete_marker_replication = Enabled` (drlint DR401), with no
  tag filter (tag-filtered rules can never replicate delete markers);
- points at a bucket in the other region (DR402); both ends are versioned (DR403);
- replicates SSE-KMS objects and re-encrypts them with the destination region's key (DR404);
- has Replication Time Control, so its RPO has a published bound, 15 minutes (DR901).
Buckets are encrypted with their own region's key (DR301/DR302), refuse plain HTTP, block public
access, and set `force_destroy` for the ephemeral profile (DR202).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from constructs import Construct
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationA,
    S3BucketReplicationConfigurationRule,
    S3BucketReplicationConfigurationRuleDeleteMarkerReplication,
    S3BucketReplicationConfigurationRuleDestination,
    S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration,
    S3BucketReplicationConfigurationRuleDestinationMetrics,
    S3BucketReplicationConfigurationRuleDestinationMetricsEventThreshold,
    S3BucketReplicationConfigurationRuleDestinationReplicationTime,
    S3BucketReplicationConfigurationRuleDestinationReplicationTimeTime,
    S3BucketReplicationConfigurationRuleFilter,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteria,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects,
)
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)

from ..naming import Naming
from ..policies import deny_insecure_transport, document, service_trust, statement
from ..regions import RegionContext, RegionPair
from .keys import Keys


@dataclass
class RegionalBucket:
    bucket: S3Bucket
    name: str
    versioning: S3BucketVersioningA


class ReplicatedBuckets(Construct):
    """`buckets.of(dataset, role)`; `buckets.replication[(dataset, role)]` replicates out of `role`."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        naming: Naming,
        regions: RegionPair,
        keys: Keys,
        datasets: Sequence[str],
        noncurrent_version_days: int = 30,
    ) -> None:
        super().__init__(scope, id)
        self._naming, self._keys = naming, keys
        self.datasets = tuple(datasets)
        self._buckets: dict[tuple[str, str], RegionalBucket] = {}
        for dataset in self.datasets:
            for ctx in regions:
                self._buckets[(dataset, ctx.role)] = self._bucket(dataset, ctx, noncurrent_version_days)
        self.replication: dict[tuple[str, str], S3BucketReplicationConfigurationA] = {}
        for ctx in regions:
            role = self._replication_role(ctx, regions.other(ctx))
            for dataset in self.datasets:
                self.replication[(dataset, ctx.role)] = self._replicate(dataset, ctx, regions.other(ctx), role)

    def of(self, dataset: str, role: str) -> RegionalBucket:
        return self._buckets[(dataset, role)]

    def _bucket(self, dataset: str, ctx: RegionContext, noncurrent_days: int) -> RegionalBucket:
        n, p, role, key = self._naming, ctx.provider, ctx.role, self._keys.of(ctx.role)
        name = n.name(role, dataset, kind="s3")
        cid = f"{dataset}_{role}"
        bucket = S3Bucket(self, cid, provider=p, bucket=name, force_destroy=True, tags=n.tags(name))
        versioning = S3BucketVersioningA(
            self,
            f"{cid}_versioning",
            provider=p,
            bucket=bucket.id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        S3BucketServerSideEncryptionConfigurationA(
            self,
            f"{cid}_encryption",
            provider=p,
            bucket=bucket.id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=(
                        S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                            sse_algorithm="aws:kms", kms_master_key_id=key.arn
                        )
                    ),
                    bucket_key_enabled=True,
                )
            ],
        )
        S3BucketPublicAccessBlock(
            self,
            f"{cid}_public_access",
            provider=p,
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        S3BucketOwnershipControls(
            self,
            f"{cid}_ownership",
            provider=p,
            bucket=bucket.id,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
        )
        S3BucketPolicy(
            self,
            f"{cid}_policy",
            provider=p,
            bucket=bucket.id,
            policy=document(deny_insecure_transport([bucket.arn, f"{bucket.arn}/*"], actions="s3:*")),
        )
        S3BucketLifecycleConfiguration(
            self,
            f"{cid}_lifecycle",
            provider=p,
            bucket=bucket.id,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="expire-old-versions",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=noncurrent_days)
                    ],
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)
                    ],
                )
            ],
            depends_on=[versioning],
        )
        return RegionalBucket(bucket=bucket, name=name, versioning=versioning)

    def _replication_role(self, source: RegionContext, destination: RegionContext) -> IamRole:
        """One role per direction, limited to this direction's buckets and keys."""
        n = self._naming
        name = n.name(source.role, "replication", kind="iam_role")
        role = IamRole(
            self,
            f"{source.role}_replication_role",
            provider=source.provider,
            name=name,
            assume_role_policy=service_trust("s3.amazonaws.com"),
            tags=n.tags(name),
        )
        sources = [self.of(d, source.role).bucket.arn for d in self.datasets]
        destinations = [self.of(d, destination.role).bucket.arn for d in self.datasets]
        IamRolePolicy(
            self,
            f"{source.role}_replication_policy",
            provider=source.provider,
            name=name,
            role=role.id,
            policy=document(
                statement(["s3:GetReplicationConfiguration", "s3:ListBucket"], sources, sid="ReadConfiguration"),
                statement(
                    ["s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"],
                    [f"{arn}/*" for arn in sources],
                    sid="ReadSourceObjects",
                ),
                statement(
                    ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
                    [f"{arn}/*" for arn in destinations],
                    sid="WriteReplicas",
                ),
                statement(
                    ["kms:Decrypt"],
                    [self._keys.of(source.role).arn],
                    sid="DecryptSource",
                    condition={"StringEquals": {"kms:ViaService": f"s3.{source.region}.amazonaws.com"}},
                ),
                statement(
                    ["kms:Encrypt", "kms:GenerateDataKey"],
                    [self._keys.of(destination.role).arn],
                    sid="EncryptReplica",
                    condition={"StringEquals": {"kms:ViaService": f"s3.{destination.region}.amazonaws.com"}},
                ),
            ),
        )
        return role

    def _replicate(
        self, dataset: str, source: RegionContext, destination: RegionContext, role: IamRole
    ) -> S3BucketReplicationConfigurationA:
        src, dst = self.of(dataset, source.role), self.of(dataset, destination.role)
        return S3BucketReplicationConfigurationA(
            self,
            f"{dataset}_{source.role}_replication",
            provider=source.provider,
            bucket=src.bucket.id,
            role=role.arn,
            rule=[
                S3BucketReplicationConfigurationRule(
                    id=f"{dataset}-to-{destination.role}",
                    status="Enabled",
                    priority=1,
                    filter=S3BucketReplicationConfigurationRuleFilter(prefix=""),
                    delete_marker_replication=S3BucketReplicationConfigurationRuleDeleteMarkerReplication(
                        status="Enabled"
                    ),
                    source_selection_criteria=S3BucketReplicationConfigurationRuleSourceSelectionCriteria(
                        sse_kms_encrypted_objects=(
                            S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects(
                                status="Enabled"
                            )
                        )
                    ),
                    destination=S3BucketReplicationConfigurationRuleDestination(
                        bucket=dst.bucket.arn,
                        storage_class="STANDARD",
                        encryption_configuration=(
                            S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration(
                                replica_kms_key_id=self._keys.of(destination.role).arn
                            )
                        ),
                        # Replication Time Control: 99.9 % of new objects within 15 minutes, the
                        # only published bound on S3 replication (DR901); it needs the metrics.
                        replication_time=S3BucketReplicationConfigurationRuleDestinationReplicationTime(
                            status="Enabled",
                            time=S3BucketReplicationConfigurationRuleDestinationReplicationTimeTime(minutes=15),
                        ),
                        metrics=S3BucketReplicationConfigurationRuleDestinationMetrics(
                            status="Enabled",
                            event_threshold=S3BucketReplicationConfigurationRuleDestinationMetricsEventThreshold(
                                minutes=15
                            ),
                        ),
                    ),
                )
            ],
            # S3 rejects a replication configuration until both ends are versioned.
            depends_on=[src.versioning, dst.versioning],
        )
