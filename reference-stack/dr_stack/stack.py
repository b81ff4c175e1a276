"""The stack: one Terraform configuration spanning both regions, wired from one construct per concern.

Every resource goes through an explicitly aliased provider (`aws.primary` / `aws.dr`), so the
region of everything is visible in the synthesized JSON and drlint never has to guess.
"""

from __future__ import annotations

from cdktf import LocalBackend, S3Backend, TerraformElement, TerraformOutput, TerraformStack
from constructs import Construct, Node
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.data_aws_secretsmanager_secret_version import DataAwsSecretsmanagerSecretVersion
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags

from .config import DR, PRIMARY, ROLES, StackConfig
from .constructs.backup import Backup
from .constructs.compute import Compute, FunctionSpec
from .constructs.data import SessionTable
from .constructs.database import AuroraGlobalDatabase
from .constructs.dns import Dns
from .constructs.dr_automation import DrAutomation
from .constructs.events import CriticalEventReplication
from .constructs.keys import Keys
from .constructs.monitoring import BucketReplication, Monitored, Monitoring
from .constructs.network import Network
from .constructs.parameters import Parameters
from .constructs.storage import ReplicatedBuckets
from .naming import Naming
from .policies import Statement, statement
from .regions import Account, RegionContext, RegionPair

# Output names use the seeds' words: "secondary" is the DR region.
_OUTPUT_ROLE = {PRIMARY: "primary", DR: "secondary"}


class DrStack(TerraformStack):
    def __init__(self, scope: Construct, id: str, config: StackConfig) -> None:
        super().__init__(scope, id)
        self._logical_ids: dict[str, str] = {}
        self.config = config
        variant = config.variant
        naming = Naming(config.prefix, config.environment_suffix)
        self.naming = naming
        self._backend(id, config)

        self.regions = RegionPair(*(self._region(role, variant.region(role), naming) for role in ROLES))
        primary = self.regions.primary.provider
        self.account = Account(
            account_id=DataAwsCallerIdentity(self, "account", provider=primary).account_id,
            partition=DataAwsPartition(self, "partition", provider=primary).partition,
        )
        # An existing secret (seed convention): RDS-managed passwords do not work with global databases.
        master_password = DataAwsSecretsmanagerSecretVersion(
            self, "db_master_password", provider=primary, secret_id=config.master_secret_id
        ).secret_string

        self.keys = Keys(self, "keys", naming=naming, regions=self.regions, account=self.account)
        self.network = Network(
            self,
            "network",
            naming=naming,
            regions=self.regions,
            cidrs=variant.cidrs,
            availability_zones=config.availability_zones,
            database_port=variant.database.port,
            https=config.https,
        )
        self.database = AuroraGlobalDatabase(
            self,
            "database",
            naming=naming,
            regions=self.regions,
            network=self.network,
            keys=self.keys,
            spec=variant.database,
            master_password=master_password,
            backup_retention_days=config.backup_retention_days,
        )
        self.sessions = SessionTable(self, "data", naming=naming, regions=self.regions, keys=self.keys)
        self.storage = (
            ReplicatedBuckets(
                self, "storage", naming=naming, regions=self.regions, keys=self.keys, datasets=variant.buckets
            )
            if variant.has("buckets")
            else None
        )
        self.events = (
            CriticalEventReplication(
                self,
                "events",
                naming=naming,
                regions=self.regions,
                account=self.account,
                source=f"{config.prefix}.processor",
                detail_types=("PaymentProcessed", "PaymentFailed"),
            )
            if variant.has("events")
            else None
        )
        self.compute = Compute(
            self,
            "compute",
            naming=naming,
            regions=self.regions,
            network=self.network,
            keys=self.keys,
            spec=FunctionSpec(
                source=variant.lambda_source,
                memory_mb=config.lambda_memory_mb,
                environment=self._function_environment,
                statements=self._function_statements,
            ),
            with_queue=variant.has("queue"),
            certificate_arns=config.certificate_arns,
        )
        self.dns = Dns(
            self,
            "dns",
            naming=naming,
            regions=self.regions,
            domain=config.domain,
            load_balancers={role: self.compute.of(role).load_balancer for role in ROLES},
            routing=variant.routing,
            https=config.https,
        )
        self.monitoring = Monitoring(
            self,
            "monitoring",
            naming=naming,
            regions=self.regions,
            account=self.account,
            keys=self.keys,
            monitored=Monitored(
                cluster_ids={role: self.database.of(role).identifier for role in ROLES},
                function_names={role: self.compute.of(role).function_name for role in ROLES},
                table_name=self.sessions.name,
                table_name_ref=self.sessions.table.name,
                bucket_replications=self._bucket_replications(),
            ),
        )
        self.backup = Backup(
            self,
            "backup",
            naming=naming,
            regions=self.regions,
            account=self.account,
            keys=self.keys,
            protected={
                PRIMARY: [self.database.of(PRIMARY).cluster.arn, self.sessions.table.arn],
                DR: [self.database.of(DR).cluster.arn],
            },
            retention_days=config.backup_retention_days,
        )
        self.parameters = (
            Parameters(
                self, "parameters", naming=naming, regions=self.regions, keys=self.keys,
                values=self._parameter_values,
            )
            if variant.has("parameters")
            else None
        )
        self.dr_automation = (
            DrAutomation(
                self,
                "dr_automation",
                naming=naming,
                regions=self.regions,
                account=self.account,
                keys=self.keys,
                global_cluster_id=self.database.global_identifier,
                cluster_ids={role: self.database.of(role).identifier for role in ROLES},
                health_checks=self.dns.health_checks,
                topics=self.monitoring.topics,
            )
            if variant.has("dr_automation")
            else None
        )
        self._outputs()

    # -- wiring helpers ------------------------------------------------------------------------

    def _backend(self, id: str, config: StackConfig) -> None:
        if config.state_bucket:
            S3Backend(
                self,
                bucket=config.state_bucket,
                key=f"{config.prefix}/{config.environment_suffix}/{id}.tfstate",
                region=config.state_bucket_region or config.variant.primary_region,
                encrypt=True,
            )
            # S3-native state locking (Terraform 1.10+); cdktf 0.21 has no property for it yet.
            self.add_override("terraform.backend.s3.use_lockfile", True)
        else:
            # A relative path keeps the synthesized JSON free of machine-specific paths.
            LocalBackend(self, path=f"terraform.{id}.tfstate")

    def _region(self, role: str, region: str, naming: Naming) -> RegionContext:
        provider = AwsProvider(
            self,
            role,
            alias=role,
            region=region,
            default_tags=[
                AwsProviderDefaultTags(
                    tags={
                        "Project": naming.prefix,
                        "EnvironmentSuffix": naming.suffix,
                        "DrRole": role,
                        "ManagedBy": "cdktf",
                    }
                )
            ],
        )
        return RegionContext(role=role, region=region, provider=provider)

    def _function_environment(self, role: str) -> dict[str, str]:
        env = {"DR_ROLE": role, "TABLE_NAME": self.sessions.name}
        if self.events is not None:
            env |= {"EVENT_BUS_NAME": self.events.bus_name, "EVENT_SOURCE": self.events.source}
        if self.config.variant.has("parameters"):
            env["PARAMETER_PREFIX"] = self.naming.path()
        if self.storage is not None:
            env |= {
                "LOG_BUCKET": self.storage.of("logs", role).name,
                "DOCUMENT_BUCKET": self.storage.of("documents", role).name,
            }
        return env

    def _function_statements(self, ctx: RegionContext) -> list[Statement]:
        """What the processor may touch, as ARNs of its own region only."""
        a = self.account
        table = a.arn("dynamodb", ctx.region, f"table/{self.sessions.name}")
        found = [
            statement(
                ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
                 "dynamodb:UpdateItem"],
                [table],
                sid="SessionTable",
            )
        ]
        if self.events is not None:
            found.append(statement(["events:PutEvents"], [self.events.buses[ctx.role].arn], sid="PublishEvents"))
        if self.config.variant.has("parameters"):
            found.append(
                statement(
                    ["ssm:GetParameter", "ssm:GetParametersByPath"],
                    [a.arn("ssm", ctx.region, f"parameter{self.naming.path()}"),
                     a.arn("ssm", ctx.region, f"parameter{self.naming.path()}/*")],
                    sid="ReadParameters",
                )
            )
        if self.storage is not None:
            found.append(
                statement(
                    ["s3:GetObject", "s3:PutObject"],
                    [f"{self.storage.of(d, ctx.role).bucket.arn}/*" for d in self.storage.datasets],
                    sid="OwnBuckets",
                )
            )
        return found

    def _bucket_replications(self) -> list[BucketReplication]:
        if self.storage is None:
            return []
        return [
            BucketReplication(
                role=ctx.role,
                source_bucket=self.storage.of(dataset, ctx.role).name,
                destination_bucket=self.storage.of(dataset, self.regions.other(ctx).role).name,
                rule_id=f"{dataset}-to-{self.regions.other(ctx).role}",
            )
            for ctx in self.regions
            for dataset in self.storage.datasets
        ]

    def _parameter_values(self, role: str) -> dict[str, str]:
        return {
            "db/writer-endpoint": self.database.global_cluster.endpoint,
            "db/reader-endpoint": self.database.of(role).cluster.reader_endpoint,
            "sessions/table-name": self.sessions.name,
            "api/url": self.dns.url(self.dns.api_name),
        }

    def _outputs(self) -> None:
        def out(name: str, value: object, description: str) -> None:
            TerraformOutput(self, name, value=value, description=description)

        out("api_url", self.dns.url(self.dns.api_name), "Regionless endpoint: Route 53 picks the healthy region")
        out("hosted_zone_id", self.dns.zone.zone_id, "Route 53 hosted zone id")
        out("hosted_zone_name_servers", self.dns.zone.name_servers, "Delegate the zone to these name servers")
        out("dynamodb_table_name", self.sessions.name, "DynamoDB global table")
        out("global_db_writer_endpoint", self.database.global_cluster.endpoint,
            "Aurora global writer endpoint (follows the writer across regions)")
        for role in ROLES:
            label = _OUTPUT_ROLE[role]
            compute, cluster = self.compute.of(role), self.database.of(role).cluster
            out(f"{label}_endpoint_url", self.dns.url(self.dns.regional_names[role]), f"{label} region endpoint")
            out(f"{label}_alb_dns_name", compute.load_balancer.dns_name, f"{label} load balancer")
            out(f"{label}_db_endpoint", cluster.endpoint, f"{label} Aurora cluster endpoint")
            out(f"{label}_db_reader_endpoint", cluster.reader_endpoint, f"{label} Aurora reader endpoint")
            out(f"{label}_lambda_name", compute.function_name, f"{label} processor function")
            if self.storage is not None:
                for dataset in self.storage.datasets:
                    out(f"{dataset}_bucket_{label}", self.storage.of(dataset, role).name, f"{dataset} bucket")
            if self.dr_automation is not None:
                out(f"{label}_failover_state_machine_arn", self.dr_automation.state_machines[role].arn,
                    f"Promote the {label} region's Aurora cluster")
                out(f"{label}_failover_drill_document", self.dr_automation.documents[role].name,
                    f"SSM Automation failover drill ({label} region)")
        if self.events is not None:
            out("event_bus_name", self.events.bus_name, "EventBridge bus (same name in both regions)")
        if self.parameters is not None:
            out("parameter_names", sorted(self.parameters.names.values()), "SSM parameters (both regions)")

    # -- logical ids -----------------------------------------------------------------------------

    def _allocate_logical_id(self, element: TerraformElement | Node) -> str:
        """Readable Terraform addresses: the construct path below the stack, e.g.
        `aws_s3_bucket.storage_logs_primary` instead of cdktf's hashed default. Construct ids are
        chosen so these are unique; a collision is a bug, so it fails the synthesis."""
        # Assets pass their construct node instead of an element.
        path = element.path if isinstance(element, Node) else element.node.path
        logical_id = "_".join(path.split("/")[1:]).replace("-", "_")
        # cdktf asks again on every reference, so remember which path owns which id.
        owner = self._logical_ids.setdefault(logical_id, path)
        if owner != path:
            raise ValueError(f"logical id {logical_id!r} of {path} is already used by {owner}")
        return logical_id
