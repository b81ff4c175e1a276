//! DR101 on names built from interpolations in a plan: a value known only after apply whose
//! configuration references one resource attribute with a known value is decided when the suffix
//! sits inside that value (no text around it can glue onto the token), and stays undecided,
//! with the reason, when the suffix is at its edge. Terraform JSON is covered by the fixtures
//! fixtures/rules/DR101/{pass,fail}-interpolated.tf.json.

mod common;
use common::{drlint, results, scratch};
use serde_json::{Value as J, json};

fn change(rtype: &str, name: &str, after: J, unknown: J) -> J {
    json!({"address": format!("{rtype}.{name}"), "mode": "managed", "type": rtype, "name": name,
           "provider_name": "registry.terraform.io/hashicorp/aws",
           "change": {"actions": ["create"], "before": null, "after": after,
                      "after_unknown": unknown, "before_sensitive": false, "after_sensitive": {}}})
}

fn config(rtype: &str, name: &str, expressions: J) -> J {
    json!({"address": format!("{rtype}.{name}"), "mode": "managed", "type": rtype, "name": name,
           "provider_config_key": "aws", "expressions": expressions, "schema_version": 0})
}

fn group(name: &str, function: &str) -> (J, J) {
    let t = format!("aws_lambda_function.{function}.function_name");
    (
        change(
            "aws_cloudwatch_log_group",
            name,
            json!({"retention_in_days": 30}),
            json!({"name": true, "arn": true}),
        ),
        config(
            "aws_cloudwatch_log_group",
            name,
            json!({"name": {"references": [t, format!("aws_lambda_function.{function}")]}}),
        ),
    )
}

#[test]
fn plan_names_from_one_known_reference() {
    let dir = scratch("names_interpolated_plan");
    let function = |name: &str, fname: &str| {
        (
            change(
                "aws_lambda_function",
                name,
                json!({"function_name": fname, "runtime": "python3.12"}),
                json!({"arn": true}),
            ),
            config(
                "aws_lambda_function",
                name,
                json!({"function_name": {"constant_value": fname}}),
            ),
        )
    };
    let parts = [
        function("inner", "payments-test-worker"),
        function("edge", "payments-worker-test"),
        group("inner", "inner"),
        group("edge", "edge"),
    ];
    let plan = json!({
        "format_version": "1.2", "terraform_version": "1.9.5",
        "planned_values": {"root_module": {}},
        "resource_changes": parts.iter().map(|p| p.0.clone()).collect::<Vec<_>>(),
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                                        "expressions": {"region": {"constant_value": "us-east-1"}}}},
            "root_module": {"resources": parts.iter().map(|p| p.1.clone()).collect::<Vec<_>>()},
        },
    });
    let p = dir.join("plan.json");
    std::fs::write(&p, plan.to_string()).unwrap();
    let r = drlint(&[
        p.to_str().unwrap(),
        "--env-suffix",
        "test",
        "--select",
        "DR101",
        "--format",
        "json",
    ]);
    assert!(r.code <= 1, "{}", r.stderr);
    let got = results(&r.stdout);
    let v: J = serde_json::from_str(&r.stdout).unwrap();
    // The inner one is decided (passes); the edge one is undecided and says why.
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].1, "undecided");
    assert_eq!(got[0].2, "aws_cloudwatch_log_group.edge");
    let msg = v["results"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("it is built from `payments-worker-test`"),
        "{msg}"
    );
    assert!(msg.contains("does not record the text around it"), "{msg}");
}
