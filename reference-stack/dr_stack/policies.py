"""IAM policy documents as JSON strings: one helper so every policy is written the same way."""

from __future__ import annotations

import json
from typing import Any, Iterable

Statement = dict[str, Any]


def statement(
    actions: Iterable[str],
    resources: Iterable[str] | str,
    *,
    sid: str | None = None,
    effect: str = "Allow",
    condition: dict[str, Any] | None = None,
) -> Statement:
    stmt: Statement = {}
    if sid:
        stmt["Sid"] = sid
    stmt["Effect"] = effect
    stmt["Action"] = sorted(set(actions))
    stmt["Resource"] = resources if isinstance(resources, str) else list(resources)
    if condition:
        stmt["Condition"] = condition
    return stmt


def document(*statements: Statement) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=None)


def service_trust(*services: str, condition: dict[str, Any] | None = None) -> str:
    """Trust policy letting AWS services assume a role."""
    stmt: Statement = {
        "Effect": "Allow",
        "Principal": {"Service": sorted(services)},
        "Action": "sts:AssumeRole",
    }
    if condition:
        stmt["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]})


def deny_insecure_transport(resources: Iterable[str], actions: str = "*") -> Statement:
    """Deny any request that is not made over TLS (resource policies of S3, SNS, SQS)."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": actions,
        "Resource": list(resources),
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
