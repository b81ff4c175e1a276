"""Database: an Aurora global database with a writer cluster in the primary region and a
read-only secondary cluster in the DR region.

- Encrypted with each region's own key (DR301/DR302); TLS required by a cluster parameter group.
- Automated backups kept 7 days (DR601); AWS Backup adds daily snapshots copied cross-region.
- Ephemeral: no deletion protection, `skip_final_snapshot` (DR201/DR202).
- No backtracking: AWS rejects `backtrack_window` on clusters of a global database, and Aurora
  PostgreSQL has no backtracking at all (see the README).
- The master password comes from an existing Secrets Manager secret: RDS-managed master passwords
  are not supported for clusters of a global database.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from constructs import Construct
from cdktf_cdktf_provider_aws.db_subnet_group import DbSubnetGroup
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster, RdsClusterServerlessv2ScalingConfiguration
from cdktf_cdktf_provider_aws.rds_cluster_instance import RdsClusterInstance
from cdktf_cdktf_provider_aws.rds_cluster_parameter_group import (
    RdsClusterParameterGroup,
    RdsClusterParameterGroupParameter,
)
from cdktf_cdktf_provider_aws.rds_global_cluster import RdsGlobalCluster

from ..config import DatabaseSpec
from ..naming import Naming
from ..regions import RegionContext, RegionPair
from .keys import Keys
from .network import Network


@dataclass
class RegionalDatabase:
    cluster: RdsCluster
    identifier: str
    instances: list[RdsClusterInstance]


class AuroraGlobalDatabase(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        naming: Naming,
        regions: RegionPair,
        network: Network,
        keys: Keys,
        spec: DatabaseSpec,
        master_password: str,
        backup_retention_days: int,
    ) -> None:
        super().__init__(scope, id)
        self._naming, self._spec, self._network, self._keys = naming, spec, network, keys
        self._retention = backup_retention_days
        self.global_identifier = naming.name("global", kind="rds")
        self.global_cluster = RdsGlobalCluster(
            self,
            "global",
            provider=regions.primary.provider,
            global_cluster_identifier=self.global_identifier,
            engine=spec.engine,
            engine_version=spec.engine_version,
            database_name=spec.database_name,
            storage_encrypted=True,
            deletion_protection=False,
        )
        self._by_role: dict[str, RegionalDatabase] = {}
        primary = self._regional(regions.primary, master_password=master_password, after=[])
        self._regional(regions.dr, master_password=None, after=primary.instances)

    def of(self, role: str) -> RegionalDatabase:
        return self._by_role[role]

    def _regional(
        self, ctx: RegionContext, *, master_password: str | None, after: list[RdsClusterInstance]
    ) -> RegionalDatabase:
        n, spec, role, p = self._naming, self._spec, ctx.role, ctx.provider
        net = self._network.of(role)
        identifier = n.name(role, kind="rds")
        subnets = DbSubnetGroup(
            self,
            f"{role}_subnets",
            provider=p,
            name=identifier,
            description=f"Private subnets of the {role} Aurora cluster",
            subnet_ids=[s.id for s in net.private_subnets],
            tags=n.tags(identifier),
        )
        parameters = RdsClusterParameterGroup(
            self,
            f"{role}_parameters",
            provider=p,
            name=identifier,
            family=spec.parameter_family,
            description="Require TLS for every connection"
            + (", bound the global database RPO" if spec.managed_rpo_seconds else ""),
            parameter=[
                RdsClusterParameterGroupParameter(name=name, value=value)
                for name, value in _parameters(spec)
            ],
            tags=n.tags(identifier),
        )
        is_primary = master_password is not None
        cluster = RdsCluster(
            self,
            f"{role}_cluster",
            provider=p,
            cluster_identifier=identifier,
            global_cluster_identifier=self.global_cluster.id,
            engine=spec.engine,
            engine_version=spec.engine_version,
            engine_mode="provisioned",
            # Only the writer cluster creates the database and its master user; the secondary
            # cluster inherits both through replication.
            master_username=spec.master_username if is_primary else None,
            master_password=master_password,
            port=spec.port,
            db_subnet_group_name=subnets.name,
            db_cluster_parameter_group_name=parameters.name,
            vpc_security_group_ids=[net.database_sg.id],
            storage_encrypted=True,
            kms_key_id=self._keys.of(role).arn,
            backup_retention_period=self._retention,
            preferred_backup_window="03:00-04:00",
            preferred_maintenance_window="sun:06:00-sun:07:00",
            copy_tags_to_snapshot=True,
            deletion_protection=False,
            skip_final_snapshot=True,
            apply_immediately=True,
            serverlessv2_scaling_configuration=(
                RdsClusterServerlessv2ScalingConfiguration(
                    min_capacity=spec.serverless_capacity[0], max_capacity=spec.serverless_capacity[1]
                )
                if spec.serverless_capacity
                else None
            ),
            # The secondary cluster can only join once the primary has a writer instance.
            depends_on=list(after) or None,
            # Minor versions move with auto upgrades (and the global cluster); after a failover or
            # switchover AWS rewrites the secondary's replication source.
            lifecycle=TerraformResourceLifecycle(
                ignore_changes=["engine_version"] if is_primary else ["engine_version", "replication_source_identifier"]
            ),
            tags=n.tags(identifier),
        )
        instances = [
            RdsClusterInstance(
                self,
                f"{role}_instance_{i}",
                provider=p,
                identifier=n.name(role, str(i + 1), kind="rds"),
                cluster_identifier=cluster.id,
                instance_class=spec.instance_class,
                engine=spec.engine,
                db_subnet_group_name=subnets.name,
                publicly_accessible=False,
                auto_minor_version_upgrade=True,
                tags=n.tags(n.name(role, str(i + 1))),
            )
            for i in range(spec.instances[role])
        ]
        regional = RegionalDatabase(cluster=cluster, identifier=identifier, instances=instances)
        self._by_role[role] = regional
        return regional


def _parameters(spec: DatabaseSpec) -> list[tuple[str, str]]:
    """The cluster parameters: TLS, and the managed RPO where the engine has one."""
    params = [spec.tls_parameter]
    if spec.managed_rpo_seconds is not None:
        params.append(("rds.global_db_rpo", str(spec.managed_rpo_seconds)))
    return params
