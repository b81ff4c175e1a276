"""Parameters: the same SSM parameter names in both regions, each holding that region's values.

Endpoints are plain `String` parameters; the API key is a `SecureString` encrypted with the
region's own key (drlint DR301/DR302). The stack creates the API-key parameter with a placeholder
and never overwrites it, so the real key is set once out of band and never lands in Terraform
configuration.
"""

from __future__ import annotations

from typing import Callable, Mapping

from cdktf import TerraformResourceLifecycle
from constructs import Construct
from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter

from ..naming import Naming
from ..regions import RegionContext, RegionPair
from .keys import Keys

PLACEHOLDER = "set-me-out-of-band"


class Parameters(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        naming: Naming,
        regions: RegionPair,
        keys: Keys,
        values: Callable[[str], Mapping[str, str]],
        secure: tuple[str, ...] = ("api/key",),
    ) -> None:
        super().__init__(scope, id)
        self._naming = naming
        self.names: dict[str, str] = {}
        self.parameters: dict[tuple[str, str], SsmParameter] = {}
        for ctx in regions:
            for key, value in values(ctx.role).items():
                self._parameter(ctx, key, type="String", value=value)
            for key in secure:
                self._parameter(
                    ctx,
                    key,
                    type="SecureString",
                    key_id=keys.of(ctx.role).arn,
                    value=PLACEHOLDER,
                    lifecycle=TerraformResourceLifecycle(ignore_changes=["value"]),
                )

    def _parameter(self, ctx: RegionContext, key: str, **settings: object) -> None:
        name = self._naming.path(key)
        self.names[key] = name
        self.parameters[(key, ctx.role)] = SsmParameter(
            self,
            f"{ctx.role}_{key.replace('/', '_').replace('-', '_')}",
            provider=ctx.provider,
            name=name,
            tags=self._naming.tags(name),
            **settings,  # type: ignore[arg-type]
        )
