"""Data: the DynamoDB global table that holds session state.

One table in the primary region with a replica in the DR region (not two tables). On-demand
billing; point-in-time recovery on the table *and* on the replica (drlint DR604); each side
encrypted with its own region's key (DR301/DR302); deletion protection off for the ephemeral
profile (DR201).
"""

from __future__ import annotations

from constructs import Construct
from cdktf_cdktf_provider_aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableReplica,
    DynamodbTableServerSideEncryption,
    DynamodbTableTtl,
)

from ..naming import Naming
from ..regions import RegionPair
from .keys import Keys


class SessionTable(Construct):
    def __init__(self, scope: Construct, id: str, *, naming: Naming, regions: RegionPair, keys: Keys) -> None:
        super().__init__(scope, id)
        self.name = naming.name("sessions", kind="dynamodb")
        self.table = DynamodbTable(
            self,
            "sessions",
            provider=regions.primary.provider,
            name=self.name,
            billing_mode="PAY_PER_REQUEST",
            hash_key="session_id",
            attribute=[DynamodbTableAttribute(name="session_id", type="S")],
            ttl=DynamodbTableTtl(attribute_name="expires_at", enabled=True),
            stream_enabled=True,  # global tables replicate through the stream
            stream_view_type="NEW_AND_OLD_IMAGES",
            point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=True),
            server_side_encryption=DynamodbTableServerSideEncryption(
                enabled=True, kms_key_arn=keys.of(regions.primary.role).arn
            ),
            replica=[
                DynamodbTableReplica(
                    region_name=regions.dr.region,
                    kms_key_arn=keys.of(regions.dr.role).arn,
                    point_in_time_recovery=True,
                    propagate_tags=True,
                )
            ],
            deletion_protection_enabled=False,
            tags=naming.tags(self.name),
        )
