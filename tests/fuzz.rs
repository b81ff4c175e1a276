//! Property tests: random bytes, random JSON and mutated real samples go through every parser,
//! the model, every rule and every reporter without a panic. A rejected input must come back as
//! an error, never as a crash.

use codespan_reporting::term::termcolor::NoColor;
use drlint::config::Settings;
use drlint::input;
use drlint::read::build_model;
use drlint::rules::{self, Ctx};
use proptest::prelude::*;
use std::path::Path;

/// Runs the whole pipeline on bytes; returns whether the input was accepted.
fn pipeline(bytes: Vec<u8>) -> bool {
    let Ok(file) = input::decode("fuzz.json", bytes) else {
        return false;
    };
    let files = [file];
    let Ok(model) = build_model(&files) else {
        return false;
    };
    let mut settings = Settings::default();
    let inferred = model.infer();
    settings.env_suffix = inferred.env_suffix.map(|s| s.0);
    settings.primary = inferred.primary.map(|s| s.0);
    settings.dr = inferred.dr.map(|s| s.0);
    let cx = Ctx::new(&model, &settings);
    let outcomes = rules::run(&cx, rules::ALL);
    let report = drlint::findings::build(&model, &settings, outcomes);
    let mut out = Vec::new();
    let root = drlint::report::SourceRoot::resolve(None).unwrap();
    drlint::report::human::render(&report, &mut NoColor::new(&mut out)).unwrap();
    drlint::report::sarif::render(&report, &root, &[], &mut out).unwrap();
    drlint::report::json::render(&report, &mut out).unwrap();
    drlint::report::github::render(&report, &root, &mut out).unwrap();
    let posture = drlint::posture::build(&cx, &report.findings);
    drlint::report::markdown::render(&report, Some(&posture), &mut out).unwrap();
    out.extend(drlint::posture::svg::render(&posture).into_bytes());
    true
}

fn samples() -> Vec<Vec<u8>> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in [
        "fixtures/samples/plan",
        "fixtures/samples/tfjson",
        "fixtures/seed002",
        "fixtures/plan",
    ] {
        for e in std::fs::read_dir(base.join(dir)).unwrap() {
            let p = e.unwrap().path();
            let ok = p.extension().is_some_and(|x| x == "json");
            // The 2.4 MB sample makes each case slow without adding shapes the others lack.
            if ok && std::fs::metadata(&p).unwrap().len() < 400_000 {
                paths.push(p);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

/// A mutation of a byte buffer.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let structural = prop::sample::select(vec![
        b"{".to_vec(),
        b"}".to_vec(),
        b"[".to_vec(),
        b"]".to_vec(),
        b",".to_vec(),
        b":".to_vec(),
        b"\"".to_vec(),
        b"\\".to_vec(),
        b"null".to_vec(),
        b"true".to_vec(),
        b"\"${aws_kms_key.x.arn}\"".to_vec(),
        b"{\"a\":".to_vec(),
        b"\xff\xfe".to_vec(),
        b"\x00".to_vec(),
        "é".as_bytes().to_vec(),
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 0usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), structural).prop_map(|(i, s)| Mutation::Insert(i, s)),
        (any::<usize>(), 0usize..200).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(mut b: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let len = b.len().max(1);
        match m {
            Mutation::Flip(i, v) => {
                if !b.is_empty() {
                    let i = i % len;
                    b[i] = *v;
                }
            }
            Mutation::Truncate(i) => b.truncate(i % len),
            Mutation::Delete(i, n) => {
                let i = i % len;
                let end = (i + n).min(b.len());
                if i < end {
                    b.drain(i..end);
                }
            }
            Mutation::Insert(i, s) => {
                let i = i % (b.len() + 1);
                b.splice(i..i, s.iter().copied());
            }
            Mutation::Duplicate(i, n) => {
                let i = i % len;
                let end = (i + n).min(b.len());
                let chunk: Vec<u8> = b.get(i..end).map(<[u8]>::to_vec).unwrap_or_default();
                b.splice(i..i, chunk);
            }
        }
    }
    b
}

/// Random JSON values (kept small and shallow enough to be fast).
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        "[a-z0-9_.:/${}\\-]{0,24}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "name",
                    "bucket",
                    "region",
                    "rule",
                    "filter",
                    "status",
                    "tags",
                    "replica",
                    "kms_key_id",
                    "records",
                    "type",
                    "cidr_block",
                    "vpc_id",
                    "after",
                    "after_unknown",
                    "references",
                    "constant_value",
                    "address",
                    "schedule",
                    "copy_action",
                    "x",
                ])
                .prop_map(String::from),
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        pipeline(bytes);
    }

    #[test]
    fn mutated_samples_never_panic(pick in any::<prop::sample::Index>(), muts in prop::collection::vec(mutation(), 1..6)) {
        let s = samples();
        let bytes = apply(s[pick.index(s.len())].clone(), &muts);
        pipeline(bytes);
    }

    #[test]
    fn random_resources_never_panic(
        rtype in prop::sample::select(vec![
            "aws_s3_bucket", "aws_s3_bucket_replication_configuration", "aws_dynamodb_table", "aws_kms_key",
            "aws_vpc", "aws_subnet", "aws_vpc_peering_connection", "aws_route53_record", "aws_backup_plan",
            "aws_backup_selection", "aws_rds_cluster", "aws_lambda_function", "aws_route", "aws_route53_health_check",
        ]),
        after in json_value(),
        unknown in json_value(),
        attrs in json_value(),
    ) {
        // The same random attributes as a plan resource and as a Terraform JSON resource.
        let plan = serde_json::json!({
            "format_version": "1.2",
            "resource_changes": [{
                "address": format!("{rtype}.r"), "mode": "managed", "type": rtype, "name": "r",
                "change": {"actions": ["create"], "after": after, "after_unknown": unknown, "after_sensitive": unknown}
            }],
            "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}}},
                "root_module": {"resources": [{"address": format!("{rtype}.r"), "mode": "managed", "type": rtype, "name": "r",
                    "provider_config_key": "aws", "expressions": attrs.clone()}]}}
        });
        prop_assert!(pipeline(plan.to_string().into_bytes()) || !after.is_object());
        let tfjson = serde_json::json!({
            "provider": {"aws": [{"alias": "dr", "region": "us-west-2"}]},
            "resource": {rtype: {"r": attrs, "s": {"provider": "aws.dr"}}}
        });
        pipeline(tfjson.to_string().into_bytes());
    }
}
