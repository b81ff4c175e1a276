"""drlint end to end: both variants lint clean; each mutant yields exactly its rule.

Runs the drlint binary ($DRLINT_BIN, else <repo>/target/debug/drlint) on the committed fixtures
(test_fixtures.py proves they are fresh) with reference-stack/drlint.toml. A missing binary is a
failure, not a skip: these tests are the proof that the rules describe a stack that can exist.
"""

import functools
import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, ROOT
from dr_stack.config import VARIANTS
from dr_stack.mutations import MUTATIONS
from dr_stack.synth import Target

FIXTURES = REPO / "fixtures" / "reference"
CONFIG = ROOT / "drlint.toml"


def drlint_binary() -> Path:
    binary = Path(os.environ.get("DRLINT_BIN") or REPO / "target" / "debug" / "drlint")
    if not binary.is_file():
        pytest.fail(
            f"drlint binary not found at {binary}: build it with `cargo build` in {REPO} "
            "or point DRLINT_BIN at it",
            pytrace=False,
        )
    return binary


@functools.cache
def rule_ids() -> list[str]:
    """The rule ids, in id order, as the binary lists them (`drlint rules --format json`)."""
    proc = subprocess.run([str(drlint_binary()), "rules", "--format", "json"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"drlint rules exited {proc.returncode}: {proc.stderr}"
    ids = [rule["id"] for rule in json.loads(proc.stdout)]
    assert ids, "drlint rules --format json listed no rule"
    return ids


def lint(target: Target, *, explicit_regions: bool = True) -> tuple[int, dict]:
    variant = VARIANTS[target.variant]
    regions = ["--primary-region", variant.primary_region, "--dr-region", variant.dr_region]
    proc = subprocess.run(
        [str(drlint_binary()), str(FIXTURES / target.relpath), "--config", str(CONFIG),
         *(regions if explicit_regions else []), "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode in (0, 1), f"drlint exited {proc.returncode}: {proc.stderr}"
    return proc.returncode, json.loads(proc.stdout)


def summary(results: list[dict]) -> list[str]:
    return [f"{r['rule_id']} {r['outcome']} {r['resource']} {r.get('attribute', '')}: {r['message']}" for r in results]


@pytest.mark.parametrize("explicit_regions", [True, False], ids=["region-flags", "regions-inferred"])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_reference_variant_lints_clean(variant: str, explicit_regions: bool):
    code, report = lint(Target(variant), explicit_regions=explicit_regions)
    results = [r for r in report["results"] if r["rule_id"] in rule_ids()]
    assert results == [], "\n".join(summary(results))
    assert code == 0
    # Without flags drlint infers the pair from the provider aliases `primary` and `dr`.
    settings = report["settings"]
    assert (settings["primary_region"], settings["dr_region"]) == (
        VARIANTS[variant].primary_region, VARIANTS[variant].dr_region)


def test_every_rule_has_a_mutant():
    assert sorted({m.rule_id for m in MUTATIONS.values()}) == sorted(rule_ids())


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutant_yields_exactly_its_rule(name: str):
    mutation = MUTATIONS[name]
    _, report = lint(Target(mutation.variant, name))
    results = report["results"]
    assert results, f"{name}: drlint found nothing; expected {mutation.rule_id} ({mutation.defect})"
    assert {r["rule_id"] for r in results} == {mutation.rule_id}, "\n".join(summary(results))
    assert all(r["outcome"] == "fail" for r in results), "\n".join(summary(results))
