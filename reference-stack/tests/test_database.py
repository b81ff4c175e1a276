"""Database: Aurora global database, writer in the primary region, reader cluster in the DR region."""

import pytest

from support import REGIONS, region_of, resource, resources, stack_name

EXPECTED = {
    "payments": ("aurora-mysql", "db.r5.large", ("require_secure_transport", "ON")),
    "transactions": ("aurora-postgresql", "db.serverless", ("rds.force_ssl", "1")),
}


def test_global_cluster(variant):
    name = stack_name(variant)
    engine = EXPECTED[name][0]
    global_cluster = resource(variant, "aws_rds_global_cluster", "database_global")
    assert global_cluster["engine"] == engine
    assert global_cluster["storage_encrypted"] is True
    assert global_cluster["deletion_protection"] is False
    assert global_cluster["global_cluster_identifier"] == f"{name}-global-ref"
    if name == "transactions":
        assert global_cluster["engine_version"].startswith("15.")


@pytest.mark.parametrize("role", ["primary", "dr"])
def test_regional_clusters(variant, role):
    name = stack_name(variant)
    engine, instance_class, tls = EXPECTED[name]
    cluster = resource(variant, "aws_rds_cluster", f"database_{role}_cluster")
    assert region_of(variant, cluster) == REGIONS[name][role]
    assert cluster["cluster_identifier"] == f"{name}-{role}-ref"
    assert cluster["global_cluster_identifier"] == "${aws_rds_global_cluster.database_global.id}"
    assert cluster["engine"] == engine
    assert cluster["storage_encrypted"] is True
    assert cluster["kms_key_id"] == f"${{aws_kms_key.keys_{role}_key.arn}}"
    assert cluster["backup_retention_period"] >= 7
    assert cluster["skip_final_snapshot"] is True
    assert cluster["deletion_protection"] is False
    # AWS rejects backtracking on global databases (and Aurora PostgreSQL has none).
    assert "backtrack_window" not in cluster
    params = resource(variant, "aws_rds_cluster_parameter_group", f"database_{role}_parameters")
    managed_rpo = [{"name": "rds.global_db_rpo", "value": "60"}] if name == "transactions" else []
    assert params["parameter"] == [{"name": tls[0], "value": tls[1]}, *managed_rpo]
    instances = [i for k, i in resources(variant, "aws_rds_cluster_instance").items() if k.startswith(f"database_{role}_")]
    assert instances and all(i["instance_class"] == instance_class for i in instances)
    assert all(i["publicly_accessible"] is False for i in instances)
    assert all(region_of(variant, i) == REGIONS[name][role] for i in instances)


def test_only_the_writer_has_credentials_and_the_reader_waits_for_it(variant):
    primary = resource(variant, "aws_rds_cluster", "database_primary_cluster")
    dr = resource(variant, "aws_rds_cluster", "database_dr_cluster")
    assert primary["master_password"] == "${data.aws_secretsmanager_secret_version.db_master_password.secret_string}"
    assert "master_password" not in dr and "master_username" not in dr
    assert all(d.startswith("aws_rds_cluster_instance.database_primary_instance_") for d in dr["depends_on"])
    assert primary["lifecycle"]["ignore_changes"] == ["engine_version"]
    assert dr["lifecycle"]["ignore_changes"] == ["engine_version", "replication_source_identifier"]


def test_master_password_comes_from_an_existing_secret(variant):
    secret = variant["data"]["aws_secretsmanager_secret_version"]["db_master_password"]
    assert secret["secret_id"] == f"{stack_name(variant)}/ref/aurora-master"
