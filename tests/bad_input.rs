//! docs/design.md §8: every bad input gets a clear message (which file, where, what to do) and exit
//! code 2 — or a documented warning — and never a panic.

mod common;
use common::{drlint, drlint_with_stdin, scratch};
use std::io::Write;

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

/// Exit 2, the file named, the message and help present, no panic.
fn rejected(args: &[&str], file_hint: &str, message: &str) -> String {
    let r = drlint(args);
    assert_eq!(r.code, 2, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(file_hint),
        "stderr does not name `{file_hint}`: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains(message),
        "stderr lacks `{message}`: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "a rejected input must not produce a report: {}",
        r.stdout
    );
    r.stderr
}

const MIN_PLAN: &str = r#"{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{"root_module":{}},"configuration":{"root_module":{}}}"#;

#[test]
fn empty_file() {
    let d = scratch("bad_empty");
    let f = write(&d, "empty.json", b"");
    let e = rejected(&[&f], "empty.json", "the file is empty");
    assert!(e.contains("help: pass the output of `terraform show -json"));
}

#[test]
fn not_json() {
    let d = scratch("bad_notjson");
    let f = write(
        &d,
        "plan.txt",
        b"Terraform will perform the following actions:\n",
    );
    let e = rejected(&[&f], "plan.txt:1:1", "invalid JSON");
    assert!(e.contains("this is not JSON"), "{e}");
}

#[test]
fn truncated_json() {
    let d = scratch("bad_truncated");
    let f = write(&d, "plan.json", &MIN_PLAN.as_bytes()[..60]);
    let e = rejected(&[&f], "plan.json:1:", "truncated");
    assert!(e.contains("regenerate"), "{e}");
}

#[test]
fn random_json_object_is_not_a_plan() {
    let d = scratch("bad_kind");
    let f = write(&d, "package.json", br#"{"name": "x", "version": "1.0.0"}"#);
    rejected(
        &[&f],
        "package.json",
        "unrecognised kind (top-level keys: name, version)",
    );
    let g = write(&d, "list.json", b"[1, 2]");
    rejected(&[&g], "list.json", "is not an object");
}

#[test]
fn state_is_detected_not_rejected() {
    let d = scratch("ok_state");
    let f = write(
        &d,
        "state.json",
        br#"{"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{"resources":[
        {"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","provider_name":"registry.terraform.io/hashicorp/aws",
         "values":{"bucket":"logs-qa","arn":"arn:aws:s3:::logs-qa","region":"eu-west-1","force_destroy":false}}]}}}"#,
    );
    let r = drlint(&[&f, "--env-suffix", "qa", "--format", "json"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stdout.contains("\"kind\": \"Terraform state JSON\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("\"region\": \"eu-west-1\""),
        "region from the state's attribute: {}",
        r.stdout
    );
}

#[test]
fn binary_tfplan_is_explained() {
    let d = scratch("bad_zip");
    let f = write(&d, "tfplan", b"PK\x03\x04\x14\x00\x00\x00\x08\x00tfplan");
    let e = rejected(&[&f], "tfplan", "binary Terraform plan file");
    assert!(e.contains("terraform show -json tfplan > plan.json"), "{e}");
}

#[test]
fn utf16_with_bom_is_decoded() {
    let r = drlint(&[
        "fixtures/samples/plan/checkov__utf16le_bom_s3_iam_fv0.2.json",
        "--format",
        "json",
    ]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stdout.contains("decoded UTF-16 LE"),
        "the decoding is reported as a notice: {}",
        r.stdout
    );
}

#[test]
fn gzip_is_decoded() {
    let d = scratch("ok_gzip");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(MIN_PLAN.as_bytes()).unwrap();
    let f = write(&d, "plan.json.gz", &gz.finish().unwrap());
    let r = drlint(&[&f, "--env-suffix", "x"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let corrupt = write(
        &d,
        "bad.json.gz",
        &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3],
    );
    rejected(
        &[&corrupt],
        "bad.json.gz",
        "gzip data is corrupt or truncated",
    );
}

#[test]
fn errored_plan_is_rejected() {
    let d = scratch("bad_errored");
    let f = write(
        &d,
        "plan.json",
        MIN_PLAN
            .replace("\"format_version\"", "\"errored\":true,\"format_version\"")
            .as_bytes(),
    );
    let e = rejected(
        &[&f],
        "plan.json:1:",
        "Terraform reported errors while planning",
    );
    assert!(e.contains("terraform plan"), "{e}");
}

#[test]
fn unknown_format_version_warns_and_continues() {
    let d = scratch("warn_fv");
    let f = write(
        &d,
        "plan.json",
        MIN_PLAN.replace("\"1.2\"", "\"9.9\"").as_bytes(),
    );
    let r = drlint(&[&f, "--env-suffix", "x", "--color", "never"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("warning: ") && r.stdout.contains("unknown format_version \"9.9\""),
        "{}",
        r.stdout
    );
}

#[test]
fn directory_missing_file_and_permissions() {
    let d = scratch("bad_paths");
    // A directory is searched for inputs; one without any is an error.
    rejected(
        &[d.to_str().unwrap()],
        "bad_paths",
        "no plan, state, Terraform JSON configuration or AWS Config file in this directory",
    );
    rejected(&["no/such/plan.json"], "no/such/plan.json", "no such file");
    // Unreadable permissions: root reads anything, so the message itself is unit-tested in
    // input.rs (io_errors_are_explained); here we check it end to end when not root.
    let f = write(&d, "locked.json", MIN_PLAN.as_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read(&f).is_err() {
            rejected(&[&f], "locked.json", "permission denied");
        }
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
}

#[test]
fn duplicate_keys_warn_and_last_wins() {
    let d = scratch("warn_dup");
    let plan = r#"{"format_version":"1.2","resource_changes":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b",
      "change":{"actions":["create"],"after":{"bucket":"data-qa","force_destroy":false,"force_destroy":true},"after_unknown":{}}}],
      "configuration":{"provider_config":{"aws":{"name":"aws","expressions":{"region":{"constant_value":"us-east-1"}}}},
      "root_module":{"resources":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","provider_config_key":"aws","expressions":{}}]}}}"#;
    let f = write(&d, "plan.json", plan.as_bytes());
    let r = drlint(&[
        &f,
        "--env-suffix",
        "qa",
        "--profile",
        "ephemeral",
        "--format",
        "json",
    ]);
    assert!(
        r.stdout
            .contains("duplicate key \\\"force_destroy\\\"; the last value is used"),
        "{}",
        r.stdout
    );
    // The last value (true) is used, so the ephemeral teardown check passes.
    assert!(!r.stdout.contains("\"rule_id\": \"DR202\""), "{}", r.stdout);
}

#[test]
fn deeply_nested_and_huge_values() {
    let d = scratch("bad_deep");
    let deep = format!("{{\"resource\":{}{}}}", "[".repeat(5000), "]".repeat(5000));
    let f = write(&d, "deep.tf.json", deep.as_bytes());
    rejected(&[&f], "deep.tf.json:1:", "nested deeper than 256 levels");
    // A 20 MB string value is fine.
    let huge = format!(
        r#"{{"resource":{{"aws_sqs_queue":{{"q":{{"name":"jobs-qa","policy":"{}"}}}}}},"provider":{{"aws":{{"region":"us-east-1"}}}}}}"#,
        "x".repeat(20 << 20)
    );
    let g = write(&d, "huge.tf.json", huge.as_bytes());
    let r = drlint(&[&g, "--env-suffix", "qa", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("\"rule_id\": \"DR301\""));
}

#[test]
fn non_utf8_strings_warn_and_are_replaced() {
    let d = scratch("warn_utf8");
    let mut bytes =
        br#"{"resource":{"aws_sqs_queue":{"q":{"name":"jobs-qa","tags":{"Owner":"J"#.to_vec();
    bytes.extend_from_slice(&[0xe9, 0x72, 0xf4, 0x6d, 0x65]); // Latin-1 "Jérôme"
    bytes.extend_from_slice(br#""}}}},"provider":{"aws":{"region":"us-east-1"}}}"#);
    let f = write(&d, "latin1.tf.json", &bytes);
    let r = drlint(&[&f, "--env-suffix", "qa", "--color", "never"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("invalid UTF-8 at byte"), "{}", r.stdout);
}

#[test]
fn stdin_and_usage_errors() {
    let r = drlint_with_stdin(
        &["-", "--env-suffix", "x", "--format", "json"],
        MIN_PLAN.as_bytes(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"file\": \"<stdin>\""));
    let r = drlint_with_stdin(&["-"], b"");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("<stdin>: the file is empty"),
        "{}",
        r.stderr
    );
    assert_eq!(drlint(&[]).code, 2);
    assert_eq!(drlint(&["--format", "xml", "x.json"]).code, 2);
    assert_eq!(drlint(&["explain", "DR999"]).code, 2);
    let r = drlint(&["x.json", "--report", "sarif"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("expected FORMAT=PATH"));
}

#[test]
fn bad_configuration_is_rejected() {
    let d = scratch("bad_config");
    let cfg = write(&d, "drlint.toml", b"profile = \"staging\"\n");
    let r = drlint(&["fixtures/seed002/cdk.tf.json", "--config", &cfg]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("drlint.toml: 1:") && r.stderr.contains("invalid configuration"),
        "{}",
        r.stderr
    );
    let cfg = write(
        &d,
        "w.toml",
        b"[[waiver]]\nrule = \"DR401\"\nresource = \"*\"\nreason = \" \"\n",
    );
    let r = drlint(&["fixtures/seed002/cdk.tf.json", "--config", &cfg]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("a reason is required"), "{}", r.stderr);
}

#[test]
fn aws_config_input_is_recognised_and_explained() {
    // AWS Config items are read (the KMS key there is AWS managed, so nothing is checked).
    let r = drlint(&["fixtures/samples/awsconfig/rdk__ci_kms_key.json"]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    // A cloud-custodian placebo recording is not AWS output: refused with an explanation.
    let r = drlint(&[
        "fixtures/samples/awsconfig/custodian__placebo_select_resource_config_kms_key.json",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("placebo"), "{}", r.stderr);
}
