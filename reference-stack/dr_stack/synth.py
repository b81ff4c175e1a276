"""Synthesize the variants and the mutants with a fixed suffix, deterministically.

`python -m dr_stack.synth DEST` writes `DEST/<variant>/cdk.tf.json`,
`DEST/mutants/<name>/cdk.tf.json` and `DEST/mutants/manifest.json`. All targets are built in one
process: loading the jsii assemblies takes ~20 s, each stack then ~2 s.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cdktf import App

from .config import VARIANTS, StackConfig, load_config
from .mutations import MUTATIONS, apply_mutation, configure_for
from .source_locations import record as record_source_locations
from .stack import DrStack

FIXTURE_SUFFIX = "ref"


@dataclass(frozen=True)
class Target:
    variant: str
    mutation: str | None = None

    @property
    def relpath(self) -> str:
        if self.mutation:
            return f"mutants/{self.mutation}/cdk.tf.json"
        return f"{self.variant}/cdk.tf.json"


TARGETS: tuple[Target, ...] = (
    *(Target(name) for name in VARIANTS),
    *(Target(m.variant, m.name) for m in MUTATIONS.values()),
)


def build(app: App, config: StackConfig) -> DrStack:
    """The stack for `config`, with its mutation (if any) applied; each resource records the
    source line that created it (dr_stack/source_locations.py)."""
    record_source_locations()
    if config.mutation:
        config = configure_for(config, config.mutation)
    stack = DrStack(app, config.variant.name, config)
    if config.mutation:
        apply_mutation(stack, config.mutation)
    return stack


def fixture_config(target: Target) -> StackConfig:
    """Fixtures never depend on the caller's environment."""
    env = {"ENVIRONMENT_SUFFIX": FIXTURE_SUFFIX, "DR_VARIANT": target.variant}
    if target.mutation:
        env["DR_MUTATION"] = target.mutation
    return load_config({}, env)


def synthesize(target: Target, dest: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="drstack-") as outdir:
        app = App(outdir=outdir)
        build(app, fixture_config(target))
        app.synth()
        produced = Path(outdir) / "stacks" / target.variant / "cdk.tf.json"
        out = dest / target.relpath
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(produced, out)
    return out


def manifest() -> dict[str, dict[str, str]]:
    return {
        m.name: {"variant": m.variant, "rule_id": m.rule_id, "defect": m.defect}
        for m in sorted(MUTATIONS.values(), key=lambda m: m.rule_id)
    }


def synthesize_all(dest: Path, targets: tuple[Target, ...] = TARGETS) -> dict[Target, Path]:
    written = {target: synthesize(target, dest) for target in targets}
    if any(t.mutation for t in targets):
        path = dest / "mutants" / "manifest.json"
        path.write_text(json.dumps(manifest(), indent=2, sort_keys=True) + "\n")
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m dr_stack.synth DEST", file=sys.stderr)
        return 2
    dest = Path(argv[0])
    for target, path in synthesize_all(dest).items():
        print(f"{target.mutation or target.variant}: {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
