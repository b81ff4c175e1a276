"""Load the Lambda handlers as the runtime does (handler next to the shared helpers), and fakes
for the AWS clients they call."""

from __future__ import annotations

import base64
import importlib.util
import json
import sys
from types import ModuleType
from typing import Any

from conftest import ROOT

sys.path.insert(0, str(ROOT / "lambda" / "shared"))


def load_handler(package: str) -> ModuleType:
    path = ROOT / "lambda" / package / "handler.py"
    spec = importlib.util.spec_from_file_location(f"{package}_handler", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


class Recorder:
    """Records calls; `fail` makes every call raise."""

    def __init__(self, fail: bool = False, **returns: Any) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail = fail
        self.returns = returns

    def __getattr__(self, name: str) -> Any:
        def call(**kwargs: Any) -> Any:
            if self.fail:
                raise RuntimeError(f"{name} failed")
            self.calls.append((name, kwargs))
            return self.returns.get(name, {})

        return call


def alb(method: str, path: str, body: Any = None, *, base64_body: bool = False) -> dict[str, Any]:
    raw = "" if body is None else (body if isinstance(body, str) else json.dumps(body))
    if base64_body:
        raw = base64.b64encode(raw.encode()).decode()
    return {
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:::targetgroup/x"}},
        "httpMethod": method,
        "path": path,
        "headers": {},
        "body": raw,
        "isBase64Encoded": base64_body,
    }


def body(response: dict[str, Any]) -> dict[str, Any]:
    return json.loads(response["body"])
