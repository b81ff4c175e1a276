"""The committed synthesized output (fixtures/reference/) is what the code synthesizes today, and
each mutant differs from its variant exactly where it says it does."""

import json
from pathlib import Path

import pytest

from conftest import REPO, load
from dr_stack.mutations import MUTATIONS
from dr_stack.synth import TARGETS, Target, manifest

FIXTURES = REPO / "fixtures" / "reference"
REGENERATE = "run reference-stack/scripts/synth_fixtures.sh and commit fixtures/reference"


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.mutation or t.variant)
def test_committed_fixture_is_fresh(synthesized: Path, target: Target):
    committed = FIXTURES / target.relpath
    assert committed.exists(), f"{committed} is missing: {REGENERATE}"
    assert committed.read_text() == (synthesized / target.relpath).read_text(), f"{committed} is stale: {REGENERATE}"


def test_no_orphan_fixtures():
    expected = {FIXTURES / t.relpath for t in TARGETS}
    assert set(FIXTURES.rglob("cdk.tf.json")) == expected, REGENERATE


def test_manifest_is_fresh():
    assert json.loads((FIXTURES / "mutants" / "manifest.json").read_text()) == manifest(), REGENERATE


def leaves(value, path=""):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from leaves(child, f"{path}.{key}" if path else key)
        if not value:
            yield path, {}
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from leaves(child, f"{path}.{i}")
        if not value:
            yield path, []
    else:
        yield path, value


def changed_paths(base, mutant):
    a, b = dict(leaves(base)), dict(leaves(mutant))
    return {p for p in a.keys() | b.keys() if a.get(p, KeyError) != b.get(p, KeyError)}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutant_changes_only_what_it_declares(synthesized: Path, name: str):
    mutation = MUTATIONS[name]
    base = load(synthesized / Target(mutation.variant).relpath)
    mutant = load(synthesized / Target(mutation.variant, name).relpath)
    changed = changed_paths(base, mutant)
    # cdktf records which resource types carry escape-hatch overrides.
    changed = {p for p in changed if not p.startswith("//.metadata.overrides")}
    # A resource's recorded source line moves when a mutant builds it through other code.
    changed = {p for p in changed if ".//.drlint." not in p}
    assert changed, f"{name} changes nothing"
    stray = {p for p in changed if not any(p.startswith(t) for t in mutation.touches)}
    assert not stray, f"{name} also changes {sorted(stray)[:5]}"
    for touch in mutation.touches:
        assert any(p.startswith(touch) for p in changed), f"{name} declares {touch} but does not change it"
