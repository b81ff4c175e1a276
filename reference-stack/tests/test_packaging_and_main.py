"""Lambda packaging, the cdktf entry point, and options the fixtures do not exercise."""

import json

import pytest

from conftest import synth_config
from dr_stack import mutations, synth
from dr_stack.config import load_config
from dr_stack.mutations import MUTATIONS, configure_for
from dr_stack.packaging import stage_lambda_source
from dr_stack.policies import statement
from dr_stack.synth import Target
from dr_stack.synth import main as synth_main

ARN = "arn:aws:acm:{}:123456789012:certificate/0f3a1b2c-aaaa-bbbb-cccc-0123456789ab"


def test_staging_copies_only_handler_sources(tmp_path):
    source = tmp_path / "src"
    (source / "fn" / "__pycache__").mkdir(parents=True)
    (source / "shared").mkdir()
    (source / "fn" / "handler.py").write_text("x = 1\n")
    (source / "fn" / "test_handler.py").write_text("assert True\n")
    (source / "fn" / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"\0")
    (source / "shared" / "util.py").write_text("y = 2\n")
    staged = stage_lambda_source("fn", source_root=source, build_root=tmp_path / "build")
    assert sorted(p.name for p in staged.iterdir()) == ["handler.py", "util.py"]
    again = stage_lambda_source("fn", source_root=source, build_root=tmp_path / "build")
    assert again == staged
    with pytest.raises(FileNotFoundError):
        stage_lambda_source("missing", source_root=source, build_root=tmp_path / "build")


def test_https_listeners_and_health_checks_with_certificates(tmp_path):
    config = load_config({}, {"ENVIRONMENT_SUFFIX": "ref", "DR_CERTIFICATE_ARN_PRIMARY": ARN.format("us-east-1"),
                              "DR_CERTIFICATE_ARN_DR": ARN.format("us-west-2"),
                              "TERRAFORM_STATE_BUCKET": "tf-state"})
    doc = synth_config(config, tmp_path)
    listeners = doc["resource"]["aws_lb_listener"]
    https = listeners["compute_primary_https"]
    assert https["protocol"] == "HTTPS" and https["certificate_arn"] == ARN.format("us-east-1")
    assert listeners["compute_primary_http"]["default_action"][0]["redirect"]["protocol"] == "HTTPS"
    checks = doc["resource"]["aws_route53_health_check"]
    assert {(c["type"], c["port"]) for c in checks.values()} == {("HTTPS", 443)}
    assert doc["output"]["api_url"]["value"] == "https://api.payments-ref.example.com"
    assert doc["terraform"]["backend"]["s3"]["bucket"] == "tf-state"
    assert doc["terraform"]["backend"]["s3"]["key"] == "payments/ref/payments.tfstate"
    assert doc["terraform"]["backend"]["s3"]["use_lockfile"] is True


def test_mutation_must_match_its_variant():
    config = load_config({}, {"ENVIRONMENT_SUFFIX": "ref", "DR_VARIANT": "payments"})
    with pytest.raises(ValueError, match="transactions variant"):
        configure_for(config, "crr-without-delete-markers")
    assert all(m.variant in ("payments", "transactions") for m in MUTATIONS.values())


def test_main_synthesizes_a_mutant_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ENVIRONMENT_SUFFIX", "ref")
    monkeypatch.setenv("DR_VARIANT", "transactions")
    monkeypatch.setenv("DR_MUTATION", "key-rotation-off")
    import main

    main.main(str(tmp_path))
    doc = json.loads((tmp_path / "stacks" / "transactions" / "cdk.tf.json").read_text())
    assert doc["resource"]["aws_kms_key"]["keys_dr_key"]["enable_key_rotation"] is False


def test_synth_command_line(tmp_path, capsys, monkeypatch):
    assert synth_main([]) == 2
    assert "usage" in capsys.readouterr().err
    monkeypatch.setattr(synth, "synthesize_all", lambda dest: {Target("payments"): dest / "payments/cdk.tf.json"})
    assert synth_main([str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"payments: {tmp_path}/payments/cdk.tf.json\n"


def test_synthesize_all_writes_a_manifest_only_with_mutants(tmp_path):
    synth.synthesize_all(tmp_path, (Target("payments"),))
    assert (tmp_path / "payments" / "cdk.tf.json").exists()
    assert not (tmp_path / "mutants").exists()


def test_removing_an_unknown_construct_is_an_error(tmp_path):
    from cdktf import App

    stack = synth.build(App(outdir=str(tmp_path)), load_config({}, {"ENVIRONMENT_SUFFIX": "ref"}))
    with pytest.raises(KeyError, match="dns/nothing"):
        mutations._remove(stack, "dns", "nothing")


def test_logical_id_collisions_fail_the_synthesis(tmp_path):
    from cdktf import App, TerraformOutput

    app = App(outdir=str(tmp_path))
    stack = synth.build(app, load_config({}, {"ENVIRONMENT_SUFFIX": "ref"}))
    TerraformOutput(stack, "same-id", value="a")
    TerraformOutput(stack, "same_id", value="b")
    with pytest.raises(Exception, match="already used"):
        app.synth()


def test_unknown_routing_is_rejected(tmp_path):
    from cdktf import App, TerraformStack

    from dr_stack.constructs.dns import Dns
    from dr_stack.naming import Naming

    with pytest.raises(ValueError, match="unknown routing"):
        Dns(TerraformStack(App(outdir=str(tmp_path)), "s"), "dns", naming=Naming("p", "ref"), regions=None,
            domain="example.com", load_balancers={}, routing="latency", https=False)


def test_statements_without_sid_or_condition():
    assert statement(["s3:GetObject", "s3:GetObject"], "*") == {
        "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}
