"""Mutants: the reference stack with exactly one deliberate DR defect each.

drlint's end-to-end tests lint every mutant and expect exactly the mutant's rule id and nothing
else; together with the clean variants this shows each rule fires on a realistic stack and stays
quiet on a correct one. A mutant changes the configuration before the stack is built (for
defects that ripple, like a CIDR) and/or edits the built stack through cdktf's escape hatches
(`add_override`, `reset_*`, removing a construct), so the reference constructs stay free of test
switches. `touches` lists the prefixes of the JSON paths a mutant may change; the tests check the
mutant differs from its variant there and nowhere else.

Select one with `DR_MUTATION=<name>` (or the `mutation` context value).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

from cdktf import TerraformResource
from cdktf_cdktf_provider_aws.backup_selection import BackupSelection, BackupSelectionSelectionTag

from .config import DR, PRIMARY, StackConfig
from .stack import DrStack

Configure = Callable[[StackConfig], StackConfig]
Apply = Callable[[DrStack], None]


@dataclass(frozen=True)
class Mutation:
    name: str
    variant: str
    rule_id: str
    defect: str
    touches: tuple[str, ...]
    apply: Apply = lambda stack: None
    configure: Configure = lambda config: config


def _override(resource: TerraformResource, **values: object) -> None:
    for path, value in values.items():
        resource.add_override(path.replace("__", "."), value)


def _with_dr_cidr(cidr: str) -> Configure:
    def configure(config: StackConfig) -> StackConfig:
        variant = dataclasses.replace(config.variant, cidrs={**config.variant.cidrs, DR: cidr})
        return dataclasses.replace(config, variant=variant)

    return configure


def _remove(stack: DrStack, construct: str, child: str) -> None:
    if not stack.node.find_child(construct).node.try_remove_child(child):
        raise KeyError(f"{construct}/{child}")


def _queue_with_sqs_managed_keys(stack: DrStack) -> None:
    inbox = stack.monitoring.inboxes[PRIMARY]
    inbox.reset_kms_master_key_id()
    inbox.reset_kms_data_key_reuse_period_seconds()
    _override(inbox, sqs_managed_sse_enabled=True)


def _without_health_check(stack: DrStack, role: str) -> None:
    record = stack.dns.records[role]
    record.reset_health_check_id()
    _override(record, alias__evaluate_target_health=False)


def _a_record_with_arn(stack: DrStack) -> None:
    # Seed 002's mistake: a Lambda function ARN as the value of an A record.
    record = stack.dns.regional_records[PRIMARY]
    record.reset_alias()
    _override(record, ttl=60, records=[stack.compute.of(PRIMARY).function.arn])


def _slow_dns(stack: DrStack) -> None:
    # CNAME records with a 15-minute TTL: health check detection plus TTL exceeds the 15-min RTO.
    for role in (PRIMARY, DR):
        record = stack.dns.records[role]
        record.reset_alias()
        _override(record, type="CNAME", ttl=900, records=[stack.compute.of(role).load_balancer.dns_name])


def _replicate_documents_within_primary(stack: DrStack) -> None:
    _override(
        stack.storage.replication[("documents", PRIMARY)],
        rule__0__destination__bucket=stack.storage.of("logs", PRIMARY).bucket.arn,
        rule__0__destination__encryption_configuration__replica_kms_key_id=stack.keys.of(PRIMARY).arn,
    )
    _remove(stack, "storage", "documents_dr_replication")


def _with_managed_rpo(seconds: int) -> Configure:
    def configure(config: StackConfig) -> StackConfig:
        database = dataclasses.replace(config.variant.database, managed_rpo_seconds=seconds)
        return dataclasses.replace(config, variant=dataclasses.replace(config.variant, database=database))

    return configure


def _failover_timeouts_over_rto(stack: DrStack) -> None:
    # interval × threshold + TTL is 10 × 30 s + 600 s = 15 min, inside the RTO (DR704 passes);
    # with each failing probe's 6-second timeout, detection alone is 10 × 36 s = 6 min.
    _override(stack.dns.health_checks[PRIMARY], failure_threshold=10)
    for role in (PRIMARY, DR):
        record = stack.dns.records[role]
        record.reset_alias()
        _override(record, type="CNAME", ttl=600, records=[stack.compute.of(role).load_balancer.dns_name])


def _backup_selection_by_missing_tag(stack: DrStack) -> None:
    # A second DR selection by a tag no resource carries: the plan gains nothing from it.
    BackupSelection(
        stack.backup,
        "dr_tagged_selection",
        provider=stack.regions.dr.provider,
        name=stack.naming.name(DR, "tagged", kind="backup"),
        plan_id=stack.backup.plans[DR].id,
        iam_role_arn=stack.backup.role.arn,
        selection_tag=[BackupSelectionSelectionTag(type="STRINGEQUALS", key="Backup", value="daily")],
    )


R = "resource."
MUTATIONS: dict[str, Mutation] = {
    m.name: m
    for m in [
        Mutation(
            "name-without-suffix", "payments", "DR101",
            "the DynamoDB table name lacks the environment suffix",
            (R + "aws_dynamodb_table.data_sessions.name",),
            apply=lambda s: _override(s.sessions.table, name="payments-sessions"),
        ),
        Mutation(
            "name-too-long", "transactions", "DR102",
            "the primary load balancer name is longer than the 32 characters AWS allows",
            (R + "aws_lb.compute_primary_alb.name",),
            apply=lambda s: _override(s.compute.of(PRIMARY).load_balancer, name="transactions-primary-loadbalancer-ref"),
        ),
        Mutation(
            "hardcoded-environment", "payments", "DR103",
            "a dashboard name hard-codes the word 'prod'",
            (R + "aws_cloudwatch_dashboard.monitoring_primary_dashboard.dashboard_name",),
            apply=lambda s: _override(s.monitoring.dashboards[PRIMARY], dashboard_name="payments-prod-ref"),
        ),
        Mutation(
            "deletion-protection-on", "payments", "DR201",
            "the primary Aurora cluster has deletion protection on in an ephemeral stack",
            (R + "aws_rds_cluster.database_primary_cluster.deletion_protection",),
            apply=lambda s: _override(s.database.of(PRIMARY).cluster, deletion_protection=True),
        ),
        Mutation(
            "bucket-not-force-destroy", "transactions", "DR202",
            "the DR documents bucket cannot be destroyed while it holds objects",
            (R + "aws_s3_bucket.storage_documents_dr.force_destroy",),
            apply=lambda s: _override(s.storage.of("documents", DR).bucket, force_destroy=False),
        ),
        Mutation(
            "queue-without-cmk", "payments", "DR301",
            "the primary alarm inbox queue uses SQS-managed encryption instead of a customer-managed key",
            (R + "aws_sqs_queue.monitoring_primary_inbox",),
            apply=_queue_with_sqs_managed_keys,
        ),
        Mutation(
            "key-from-other-region", "payments", "DR302",
            "the DR alarm inbox queue is encrypted with the primary region's key",
            (R + "aws_sqs_queue.monitoring_dr_inbox.kms_master_key_id",),
            apply=lambda s: _override(s.monitoring.inboxes[DR], kms_master_key_id=s.keys.of(PRIMARY).arn),
        ),
        Mutation(
            "key-rotation-off", "transactions", "DR303",
            "the DR region's key has automatic rotation off",
            (R + "aws_kms_key.keys_dr_key.enable_key_rotation",),
            apply=lambda s: _override(s.keys.of(DR), enable_key_rotation=False),
        ),
        Mutation(
            "crr-without-delete-markers", "transactions", "DR401",
            "the logs replication rule uses a filter but does not replicate delete markers",
            (R + "aws_s3_bucket_replication_configuration.storage_logs_primary_replication.rule",),
            apply=lambda s: _override(
                s.storage.replication[("logs", PRIMARY)], rule__0__delete_marker_replication__status="Disabled"
            ),
        ),
        Mutation(
            "crr-same-region", "transactions", "DR402",
            "the primary documents bucket replicates only into a bucket of its own region",
            (
                R + "aws_s3_bucket_replication_configuration.storage_documents_primary_replication.rule",
                # Without the DR-to-primary rule the bucket is no replica holder, only a source.
                R + "aws_s3_bucket_replication_configuration.storage_documents_dr_replication",
            ),
            apply=_replicate_documents_within_primary,
        ),
        Mutation(
            "crr-destination-unversioned", "transactions", "DR403",
            "versioning of the DR logs bucket (a replication destination) is suspended",
            (R + "aws_s3_bucket_versioning.storage_logs_dr_versioning.versioning_configuration",),
            apply=lambda s: _override(
                s.storage.of("logs", DR).versioning, versioning_configuration__status="Suspended"
            ),
        ),
        Mutation(
            "crr-replica-key-wrong-region", "transactions", "DR404",
            "replicas of the documents bucket would be encrypted with a key outside the destination region",
            (R + "aws_s3_bucket_replication_configuration.storage_documents_primary_replication.rule",),
            apply=lambda s: _override(
                s.storage.replication[("documents", PRIMARY)],
                rule__0__destination__encryption_configuration__replica_kms_key_id=s.keys.of(PRIMARY).arn,
            ),
        ),
        Mutation(
            "dr-vpc-overlaps-primary", "transactions", "DR501",
            "the DR VPC (10.10.128.0/17) overlaps the primary VPC (10.10.0.0/16) it is peered with",
            (
                R + "aws_vpc.network_dr_vpc.cidr_block",
                R + "aws_subnet.network_dr_",
                R + "aws_route.network_primary_to_peer.destination_cidr_block",
                R + "aws_vpc_security_group_egress_rule.network_dr_lambda_out_db_local.cidr_ipv4",
                R + "aws_vpc_security_group_egress_rule.network_primary_lambda_out_db_peer.cidr_ipv4",
                R + "aws_vpc_security_group_ingress_rule.network_primary_db_in_peer.cidr_ipv4",
            ),
            configure=_with_dr_cidr("10.10.128.0/17"),
        ),
        Mutation(
            "subnet-outside-vpc", "payments", "DR502",
            "a DR private subnet lies outside the DR VPC",
            (R + "aws_subnet.network_dr_private_2.cidr_block",),
            apply=lambda s: _override(s.network.of(DR).private_subnets[2], cidr_block="10.99.48.0/20"),
        ),
        Mutation(
            "peering-route-missing", "payments", "DR503",
            "the DR VPC routes a wrong CIDR through the peering connection, not the primary VPC's",
            (R + "aws_route.network_dr_to_peer.destination_cidr_block",),
            apply=lambda s: _override(s.network.peer_routes[DR], destination_cidr_block="10.99.0.0/16"),
        ),
        Mutation(
            "backup-retention-short", "transactions", "DR601",
            "the DR backup plan keeps recovery points 3 days",
            (R + "aws_backup_plan.backup_dr_plan.rule",),
            apply=lambda s: _override(s.backup.plans[DR], rule__0__lifecycle__delete_after=3),
        ),
        Mutation(
            "backup-without-cross-region-copy", "payments", "DR602",
            "the primary backup plan keeps its recovery points in the primary region only",
            (R + "aws_backup_plan.backup_primary_plan.rule",),
            apply=lambda s: _override(s.backup.plans[PRIMARY], rule__0__copy_action=None),
        ),
        Mutation(
            "backup-weekly", "payments", "DR603",
            "the primary backup plan runs weekly",
            (R + "aws_backup_plan.backup_primary_plan.rule",),
            apply=lambda s: _override(s.backup.plans[PRIMARY], rule__0__schedule="cron(0 5 ? * SUN *)"),
        ),
        Mutation(
            "replica-without-pitr", "payments", "DR604",
            "the DR replica of the sessions table has no point-in-time recovery",
            (R + "aws_dynamodb_table.data_sessions.replica",),
            apply=lambda s: _override(s.sessions.table, replica__0__point_in_time_recovery=False),
        ),
        Mutation(
            "dr-cluster-without-instance", "payments", "DR801",
            "the DR member cluster of the global database has no DB instance: nothing to promote",
            (R + "aws_rds_cluster_instance.database_dr_instance_0",),
            apply=lambda s: _remove(s, "database", "dr_instance_0"),
        ),
        Mutation(
            "backtrack-on-global-member", "transactions", "DR802",
            "the primary Aurora cluster sets a backtrack window although it is in a global database",
            (R + "aws_rds_cluster.database_primary_cluster.backtrack_window",),
            apply=lambda s: _override(s.database.of(PRIMARY).cluster, backtrack_window=86400),
        ),
        Mutation(
            "table-without-replica", "transactions", "DR803",
            "the sessions table has no replica in the DR region",
            (R + "aws_dynamodb_table.data_sessions.replica",),
            apply=lambda s: _override(s.sessions.table, replica=None),
        ),
        Mutation(
            "lag-alarm-only-in-primary", "payments", "DR804",
            "the Aurora replication-lag alarm of the DR (secondary) cluster is gone: only the primary region has one, where the metric is not emitted",
            (R + "aws_cloudwatch_metric_alarm.monitoring_dr_replication_lag",),
            apply=lambda s: _remove(s, "monitoring", "dr_replication_lag"),
        ),
        Mutation(
            "health-check-on-other-region", "payments", "DR807",
            "the DR record's health check probes the primary load balancer, so it cannot see the DR endpoint fail",
            (R + "aws_route53_health_check.dns_dr_health.fqdn",),
            apply=lambda s: _override(s.dns.health_checks[DR], fqdn=s.compute.of(PRIMARY).load_balancer.dns_name),
        ),
        Mutation(
            "backup-selection-by-missing-tag", "payments", "DR808",
            "a DR backup selection selects by a tag no resource carries",
            (R + "aws_backup_selection.backup_dr_tagged_selection",),
            apply=_backup_selection_by_missing_tag,
        ),
        Mutation(
            "primary-without-health-check", "payments", "DR701",
            "the PRIMARY failover record has neither a health check nor evaluates target health",
            (R + "aws_route53_record.dns_primary_api",),
            apply=lambda s: _without_health_check(s, PRIMARY),
        ),
        Mutation(
            "failover-without-secondary", "payments", "DR702",
            "the PRIMARY failover record has no SECONDARY partner",
            (R + "aws_route53_record.dns_dr_api",),
            apply=lambda s: _remove(s, "dns", "dr_api"),
        ),
        Mutation(
            "weighted-without-health-check", "transactions", "DR703",
            "the DR weighted record has no health check",
            (R + "aws_route53_record.dns_dr_api",),
            apply=lambda s: _without_health_check(s, DR),
        ),
        Mutation(
            "slow-dns-failover", "payments", "DR704",
            "failover records are CNAMEs with a 15-minute TTL: detection plus TTL exceeds the RTO",
            (R + "aws_route53_record.dns_dr_api", R + "aws_route53_record.dns_primary_api"),
            apply=_slow_dns,
        ),
        Mutation(
            "a-record-with-arn", "payments", "DR705",
            "the primary regional A record's value is the Lambda function ARN, not an IPv4 address",
            (R + "aws_route53_record.dns_primary_regional",),
            apply=_a_record_with_arn,
        ),
        Mutation(
            "managed-rpo-too-loose", "transactions", "DR901",
            "rds.global_db_rpo is an hour, so the Aurora global database's RPO bound is beyond the 15-minute objective",
            (R + "aws_rds_cluster_parameter_group.database_dr_parameters.parameter",
             R + "aws_rds_cluster_parameter_group.database_primary_parameters.parameter"),
            configure=_with_managed_rpo(3600),
        ),
        Mutation(
            "failover-timeouts-over-rto", "payments", "DR902",
            "the primary health check needs 10 failures and the failover records are CNAMEs with a 10-minute TTL: "
            "with the per-probe timeouts, detection plus TTL exceeds the 15-minute RTO",
            (R + "aws_route53_health_check.dns_primary_health.failure_threshold",
             R + "aws_route53_record.dns_dr_api", R + "aws_route53_record.dns_primary_api"),
            apply=_failover_timeouts_over_rto,
        ),
    ]
}


def configure_for(config: StackConfig, name: str) -> StackConfig:
    """The configuration a mutant is built from (checks the mutant belongs to the variant)."""
    mutation = MUTATIONS[name]
    if mutation.variant != config.variant.name:
        raise ValueError(f"mutation {name} applies to the {mutation.variant} variant, not {config.variant.name}")
    return mutation.configure(config)


def apply_mutation(stack: DrStack, name: str) -> None:
    MUTATIONS[name].apply(stack)
