"""Resource names: `<prefix>-<parts>-<suffix>`, checked against AWS limits before synthesis.

The suffix always ends the name as its own `-`-delimited token, so parallel environments never
collide and drlint's DR101 sees it. Names carry a role word (`primary` / `dr`), never a region
name, so the same code serves any region pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longest name AWS accepts, per kind of resource (DR102 checks the same limits).
MAX_LENGTH: dict[str, int] = {
    "alb": 32,
    "target_group": 32,
    "iam_role": 64,
    "lambda": 64,
    "s3": 63,
    "rds": 63,
    "sqs": 80,
    "sns": 256,
    "dynamodb": 255,
    "event_bus": 256,
    "event_rule": 64,
    "state_machine": 80,
    "backup": 50,
    "security_group": 255,
    "alarm": 255,
    "dashboard": 255,
    "generic": 128,
}

# Kinds that must be lowercase letters, digits and hyphens (S3 buckets, RDS identifiers, ALBs).
_STRICT = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
_GENERAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_STRICT_KINDS = {"alb", "target_group", "s3", "rds"}


class InvalidNameError(ValueError):
    """A generated name would be rejected by AWS."""


@dataclass(frozen=True)
class Naming:
    prefix: str
    suffix: str

    def name(self, *parts: str, kind: str = "generic") -> str:
        """`prefix-part-...-suffix`, validated for `kind`."""
        value = "-".join((self.prefix, *parts, self.suffix))
        limit = MAX_LENGTH[kind]
        if len(value) > limit:
            raise InvalidNameError(f"{kind} name {value!r} is {len(value)} characters; AWS allows {limit}")
        pattern = _STRICT if kind in _STRICT_KINDS else _GENERAL
        if not pattern.match(value) or "--" in value:
            raise InvalidNameError(f"{kind} name {value!r} has characters AWS rejects")
        return value

    def path(self, *parts: str) -> str:
        """A hierarchical name (SSM parameters): `/prefix/suffix/part/...`."""
        return "/" + "/".join((self.prefix, self.suffix, *parts))

    def tags(self, name: str) -> dict[str, str]:
        """Per-resource tags; the provider's default tags add project, suffix and role."""
        return {"Name": name}
