"""Backup: an AWS Backup vault and daily plan in each region, copying every recovery point to the
vault of the other region.

- Recovery points and their cross-region copies are kept `retention_days` (7) days (drlint
  DR601/DR602); the schedule runs daily (DR603).
- Every Aurora cluster and the DynamoDB table are selected by ARN reference (DR604); each
  region's plan selects that region's resources, because a selection only covers its own region.
- Vaults are encrypted with their region's key (DR301/DR302) and `force_destroy` (DR202).
"""

from __future__ import annotations

from typing import Mapping, Sequence

from constructs import Construct
from cdktf_cdktf_provider_aws.backup_plan import (
    BackupPlan,
    BackupPlanRule,
    BackupPlanRuleCopyAction,
    BackupPlanRuleCopyActionLifecycle,
    BackupPlanRuleLifecycle,
)
from cdktf_cdktf_provider_aws.backup_selection import BackupSelection
from cdktf_cdktf_provider_aws.backup_vault import BackupVault
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment

from ..naming import Naming
from ..policies import service_trust
from ..regions import Account, RegionPair
from .keys import Keys

# 05:00 UTC, after the Aurora automated backup window (03:00-04:00).
DAILY = "cron(0 5 * * ? *)"
_MANAGED_POLICIES = ("AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores")


class Backup(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        naming: Naming,
        regions: RegionPair,
        account: Account,
        keys: Keys,
        protected: Mapping[str, Sequence[str]],
        retention_days: int,
        schedule: str = DAILY,
    ) -> None:
        super().__init__(scope, id)
        n = naming
        role_name = n.name("backup", kind="iam_role")
        # IAM is global: one role serves the selections of both regions.
        self.role = IamRole(
            self,
            "role",
            provider=regions.primary.provider,
            name=role_name,
            assume_role_policy=service_trust("backup.amazonaws.com"),
            tags=n.tags(role_name),
        )
        for policy in _MANAGED_POLICIES:
            IamRolePolicyAttachment(
                self,
                f"role_{policy}",
                provider=regions.primary.provider,
                role=self.role.name,
                policy_arn=f"arn:{account.partition}:iam::aws:policy/service-role/{policy}",
            )
        self.vaults: dict[str, BackupVault] = {}
        for ctx in regions:
            name = n.name(ctx.role, kind="backup")
            self.vaults[ctx.role] = BackupVault(
                self,
                f"{ctx.role}_vault",
                provider=ctx.provider,
                name=name,
                kms_key_arn=keys.of(ctx.role).arn,
                force_destroy=True,
                tags=n.tags(name),
            )
        self.plans: dict[str, BackupPlan] = {}
        self.selections: dict[str, BackupSelection] = {}
        for ctx in regions:
            other = regions.other(ctx)
            name = n.name(ctx.role, "daily", kind="backup")
            self.plans[ctx.role] = BackupPlan(
                self,
                f"{ctx.role}_plan",
                provider=ctx.provider,
                name=name,
                rule=[
                    BackupPlanRule(
                        rule_name=name,
                        target_vault_name=self.vaults[ctx.role].name,
                        schedule=schedule,
                        start_window=60,
                        completion_window=180,
                        lifecycle=BackupPlanRuleLifecycle(delete_after=retention_days),
                        copy_action=[
                            BackupPlanRuleCopyAction(
                                destination_vault_arn=self.vaults[other.role].arn,
                                lifecycle=BackupPlanRuleCopyActionLifecycle(delete_after=retention_days),
                            )
                        ],
                        recovery_point_tags=n.tags(name),
                    )
                ],
                tags=n.tags(name),
            )
            self.selections[ctx.role] = BackupSelection(
                self,
                f"{ctx.role}_selection",
                provider=ctx.provider,
                name=n.name(ctx.role, "stateful", kind="backup"),
                plan_id=self.plans[ctx.role].id,
                iam_role_arn=self.role.arn,
                resources=list(protected[ctx.role]),
            )
