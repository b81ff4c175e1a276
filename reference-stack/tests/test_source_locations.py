"""Every resource records the program line that created it (integrations/cdktf-python), and the
hook itself behaves: opt-in, reversible, never absolute, never pointing into library code."""

from __future__ import annotations

import ast
import importlib
import os
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from cdktf import App, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue

from conftest import REPO, ROOT
from dr_stack import source_locations
from support import all_resources

import drlint_cdktf  # noqa: E402  (on sys.path through dr_stack.source_locations)


def calls_at(tree: ast.AST, line: int) -> list[str]:
    """Names of the callables called by a call expression that starts on `line`."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.lineno == line:
            func = node.func
            if isinstance(func, ast.Name):
                names.append(func.id)
            elif isinstance(func, ast.Attribute):
                names.append(func.attr)
    return names


def module_of(path: Path) -> Any:
    relative = path.relative_to(ROOT).with_suffix("")
    return importlib.import_module(".".join(relative.parts))


@pytest.mark.parametrize("name", ["payments", "transactions"])
def test_every_resource_points_at_the_line_that_creates_it(synthesized: Path, name: str):
    from conftest import load

    doc = load(synthesized / name / "cdk.tf.json")
    trees: dict[Path, ast.AST] = {}
    checked = 0
    for rtype, rname, body in all_resources(doc):
        recorded = body["//"].get("drlint")
        assert recorded, f"{rtype}.{rname} records no source"
        assert set(recorded) == {"source", "line"}
        source, line = recorded["source"], recorded["line"]
        assert not os.path.isabs(source) and ".." not in Path(source).parts, source
        path = REPO / source
        assert path.suffix == ".py" and path.is_file(), f"{rtype}.{rname}: {source} is not a file"
        assert isinstance(line, int) and 1 <= line <= len(path.read_text().splitlines())
        tree = trees.setdefault(path, ast.parse(path.read_text()))
        # The call on that line constructs a class of exactly this resource type.
        module = module_of(path)
        types = {getattr(getattr(module, f, None), "TF_RESOURCE_TYPE", None) for f in calls_at(tree, line)}
        assert rtype in types, f"{rtype}.{rname}: {source}:{line} calls {calls_at(tree, line)}"
        # cdktf's own metadata is untouched beside it.
        assert body["//"]["metadata"]["path"].startswith(f"{name}/")
        checked += 1
    assert checked > 100


def new_stack(tmp_path: Path) -> TerraformStack:
    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "s")
    AwsProvider(stack, "aws", region="us-east-1")
    return stack


def recorded(resource: SqsQueue) -> Any:
    stack = TerraformStack.of(resource)
    doc = stack.to_terraform()
    return doc["resource"]["aws_sqs_queue"][resource.friendly_unique_id]["//"].get("drlint")


@pytest.fixture
def restore_recording():
    yield
    source_locations.record()


def test_records_this_line_relative_to_the_root(tmp_path: Path, restore_recording):
    drlint_cdktf.record_source_locations(root=REPO)
    queue = SqsQueue(new_stack(tmp_path), "q"); line = sys._getframe().f_lineno  # fmt: skip
    assert recorded(queue) == {"source": "reference-stack/tests/test_source_locations.py", "line": line}
    assert drlint_cdktf.is_recording()


def test_recording_is_opt_in_and_stops(tmp_path: Path, restore_recording):
    drlint_cdktf.stop_recording_source_locations()
    drlint_cdktf.stop_recording_source_locations()  # a second stop is harmless
    assert not drlint_cdktf.is_recording()
    assert recorded(SqsQueue(new_stack(tmp_path), "q")) is None


def test_installing_twice_wraps_once(restore_recording):
    from jsii._runtime import JSIIMeta

    drlint_cdktf.record_source_locations()
    hook = JSIIMeta.__call__
    drlint_cdktf.record_source_locations(root=REPO)
    assert JSIIMeta.__call__ is hook
    drlint_cdktf.stop_recording_source_locations()
    assert JSIIMeta.__call__ is not hook


def test_files_outside_the_root_record_nothing(tmp_path: Path, restore_recording):
    drlint_cdktf.record_source_locations(root=tmp_path)
    assert recorded(SqsQueue(new_stack(tmp_path), "q")) is None


def test_code_without_a_file_records_nothing(tmp_path: Path, restore_recording):
    drlint_cdktf.record_source_locations(root=REPO)
    scope: dict[str, Any] = {"SqsQueue": SqsQueue, "stack": new_stack(tmp_path)}
    exec(compile("queue = SqsQueue(stack, 'q')", "<generated>", "exec"), scope)
    # The frame of <generated> is skipped; the next one up (this test) is the program.
    assert recorded(scope["queue"])["source"] == "reference-stack/tests/test_source_locations.py"


LIBRARY = """
from constructs import Construct
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue


class Queues(Construct):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        self.queue = SqsQueue(self, "q")
"""


def test_construct_libraries_are_skipped(tmp_path: Path, restore_recording):
    library = types.ModuleType("acme_constructs")
    # Compiled with this file's name, so only its module name marks it as library code.
    exec(compile(LIBRARY, __file__, "exec"), library.__dict__)
    drlint_cdktf.record_source_locations(root=REPO, skip_modules=["acme_constructs"])
    queues = library.Queues(new_stack(tmp_path), "queues"); line = sys._getframe().f_lineno  # fmt: skip
    # Above the library's frame is the hook's own frame for `Queues` (inside the root here, as
    # when a project vendors the module): skipped as well, so the location is this line.
    assert recorded(queues.queue) == {"source": "reference-stack/tests/test_source_locations.py", "line": line}


def test_nothing_is_recorded_when_every_frame_is_library_code(tmp_path: Path, restore_recording):
    drlint_cdktf.record_source_locations(root=REPO, skip_modules=[__name__])
    # This module is library code now; above it are pytest (site-packages) and the interpreter's
    # own modules (outside the root): no frame is the program.
    assert recorded(SqsQueue(new_stack(tmp_path), "q")) is None


def test_default_root_is_the_git_checkout_else_the_current_directory(tmp_path, monkeypatch):
    checkout = tmp_path / "checkout"
    (checkout / "pkg").mkdir(parents=True)
    (checkout / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git is a file
    program = checkout / "pkg" / "stack.py"
    program.write_text("")
    assert drlint_cdktf._relative(str(program), None) == "pkg/stack.py"
    assert drlint_cdktf.find_git_root(program.parent) == Path(os.path.realpath(checkout))
    assert drlint_cdktf.find_git_root(program.parent) == Path(os.path.realpath(checkout))  # cached

    loose = Path(os.path.realpath(tmp_path / "loose"))
    (loose / "sub").mkdir(parents=True)
    other = loose / "sub" / "main.py"
    other.write_text("")
    # Not inside any checkout (whatever holds the temporary directory).
    monkeypatch.setitem(drlint_cdktf._git_roots, str(other.parent), None)
    monkeypatch.chdir(loose)
    assert drlint_cdktf._relative(str(other), None) == "sub/main.py"
    monkeypatch.chdir(checkout)
    assert drlint_cdktf._relative(str(other), None) is None  # outside the current directory
    assert drlint_cdktf._relative(str(other), loose) == "sub/main.py"
    assert drlint_cdktf._relative("<stdin>", None) is None


def test_no_program_frame_means_no_location():
    settings = drlint_cdktf._Settings(root=REPO, skipped=drlint_cdktf.DEFAULT_SKIPPED_MODULES)
    assert drlint_cdktf._caller_location(None, settings) is None
    frame = sys._getframe()
    location = drlint_cdktf._caller_location(frame, settings); line = frame.f_lineno  # fmt: skip
    assert location == ("reference-stack/tests/test_source_locations.py", line)
