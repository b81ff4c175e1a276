"""Keys: one customer-managed KMS key per region, with rotation and identical key policies.

KMS keys are regional: a resource may only use the key of its own region (drlint DR302). Both keys
get the same policy document, which names the services of both regions, so the policies are
byte-identical as seed 004 asks while every ARN in them stays region-specific.
"""

from __future__ import annotations

from constructs import Construct
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey

from ..naming import Naming
from ..policies import document
from ..regions import Account, RegionContext, RegionPair

# Services that write encrypted data on the stack's behalf without an IAM role of ours:
# CloudWatch alarms and EventBridge publishing to encrypted SNS topics, SNS delivering to
# encrypted SQS queues.
_SERVICE_PRINCIPALS = ["cloudwatch.amazonaws.com", "events.amazonaws.com", "sns.amazonaws.com"]


def key_policy(account: Account, regions: RegionPair) -> str:
    root = f"arn:{account.partition}:iam::{account.account_id}:root"
    return document(
        {
            "Sid": "EnableIamPolicies",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "AllowCloudWatchLogs",
            "Effect": "Allow",
            "Principal": {"Service": [f"logs.{ctx.region}.amazonaws.com" for ctx in regions]},
            "Action": ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
            "Resource": "*",
            "Condition": {
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": [
                        account.arn("logs", ctx.region, "log-group:*") for ctx in regions
                    ]
                }
            },
        },
        {
            "Sid": "AllowServicesToEncrypt",
            "Effect": "Allow",
            "Principal": {"Service": _SERVICE_PRINCIPALS},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        },
    )


class Keys(Construct):
    """`keys.of(role)` is the key every encrypted resource of that region uses."""

    def __init__(self, scope: Construct, id: str, *, naming: Naming, regions: RegionPair, account: Account) -> None:
        super().__init__(scope, id)
        policy = key_policy(account, regions)
        self._keys: dict[str, KmsKey] = {}
        self.aliases: dict[str, KmsAlias] = {}
        for ctx in regions:
            self._keys[ctx.role] = self._key(ctx, naming, policy)

    def _key(self, ctx: RegionContext, naming: Naming, policy: str) -> KmsKey:
        name = naming.name(ctx.role)
        key = KmsKey(
            self,
            f"{ctx.role}_key",
            provider=ctx.provider,
            description=f"{name}: data at rest of the {ctx.role} region",
            enable_key_rotation=True,
            deletion_window_in_days=7,
            policy=policy,
            tags=naming.tags(name),
        )
        self.aliases[ctx.role] = KmsAlias(
            self,
            f"{ctx.role}_alias",
            provider=ctx.provider,
            name=f"alias/{name}",
            target_key_id=key.key_id,
        )
        return key

    def of(self, role: str) -> KmsKey:
        return self._keys[role]
