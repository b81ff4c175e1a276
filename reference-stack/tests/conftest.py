"""Shared fixtures: every variant and mutant is synthesized once per test session.

Loading the jsii assemblies costs ~20 s and each stack ~2 s, so one session-wide synthesis in
this process serves the construct tests, the staleness test and (through the committed fixtures)
the drlint end-to-end tests, and lets coverage see the stack code.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPO = ROOT.parent
sys.path.insert(0, str(ROOT))
sys.dont_write_bytecode = True  # never leave __pycache__ in the Lambda sources
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")

from dr_stack.synth import TARGETS, Target, synthesize_all  # noqa: E402


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory holding `<variant>/cdk.tf.json`, `mutants/<name>/cdk.tf.json` and the manifest."""
    dest = tmp_path_factory.mktemp("synth")
    synthesize_all(dest, TARGETS)
    return dest


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def payments(synthesized: Path) -> dict[str, Any]:
    return load(synthesized / Target("payments").relpath)


@pytest.fixture(scope="session")
def transactions(synthesized: Path) -> dict[str, Any]:
    return load(synthesized / Target("transactions").relpath)


@pytest.fixture(scope="session", params=["payments", "transactions"])
def variant(request: pytest.FixtureRequest, synthesized: Path) -> dict[str, Any]:
    return load(synthesized / Target(request.param).relpath)


def synth_config(config, outdir: Path) -> dict[str, Any]:
    """Synthesize one stack from an explicit configuration (for options the fixtures do not use)."""
    from cdktf import App

    from dr_stack.synth import build

    app = App(outdir=str(outdir))
    build(app, config)
    app.synth()
    return load(outdir / "stacks" / config.variant.name / "cdk.tf.json")
