//! Every real third-party sample in fixtures/samples loads, and the regions of the multi-region
//! samples are pinned resource by resource.

use drlint::input;
use drlint::model::RegionSource;
use drlint::read::build_model;
use std::path::{Path, PathBuf};

fn samples(dir: &str) -> Vec<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/samples")
        .join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&d)
        .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn every_plan_and_tfjson_sample_loads() {
    let mut n = 0;
    for dir in ["plan", "tfjson"] {
        for p in samples(dir) {
            let f = input::load(p.to_str().unwrap()).unwrap_or_else(|e| panic!("{e}"));
            let files = [f];
            build_model(&files).unwrap_or_else(|e| panic!("{e}"));
            n += 1;
        }
    }
    assert_eq!(n, 50, "expected the 41 plans and 9 Terraform JSON samples");
}

/// (address, region or None, a fragment of the reason when unknown)
fn pinned(file: &str) -> Vec<(String, Option<String>, String)> {
    let p = samples("plan")
        .into_iter()
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(file))
        .unwrap();
    let files = [input::load(p.to_str().unwrap()).unwrap()];
    let m = build_model(&files).unwrap();
    m.resources
        .iter()
        .map(|r| {
            let why = match &r.region_source {
                RegionSource::Unknown(w) => w.clone(),
                other => format!("{other:?}"),
            };
            (r.address.clone(), r.region.map(str::to_string), why)
        })
        .collect()
}

fn check(file: &str, want: &[(&str, Option<&str>, &str)]) {
    let got = pinned(file);
    assert_eq!(got.len(), want.len(), "{file}: {got:#?}");
    for ((addr, region, why), (waddr, wregion, wwhy)) in got.iter().zip(want) {
        assert_eq!(addr, waddr);
        assert_eq!(region.as_deref(), *wregion, "{addr}");
        assert!(why.contains(wwhy), "{addr}: reason `{why}` lacks `{wwhy}`");
    }
}

#[test]
fn regions_terracost_two_regions() {
    // Root resources use `aws` (eu-west-1) or `aws.paris` (eu-west-3). The modules ec2, ec2.ebs
    // and rds have no provider block of their own, and Terraform 0.15 wrote their resources'
    // key as `ec2:aws` without recording the module call's `providers`: they may inherit `aws`
    // or be passed `aws.paris`, so the file does not determine their region.
    let undetermined = "records neither a provider block";
    check(
        "terracost__two_regions",
        &[
            ("aws_instance.example", Some("eu-west-3"), "aws.paris"),
            ("module.ec2.aws_elb.front", None, undetermined),
            ("module.ec2.aws_instance.front[0]", None, undetermined),
            (
                "module.ec2.module.ebs.aws_ebs_volume.volume",
                None,
                undetermined,
            ),
            ("module.rds.aws_db_instance.db", None, undetermined),
        ],
    );
}

#[test]
fn regions_tfcompliance_alias_useast1() {
    // Every resource lives in module.apigw_test_1, whose own provider blocks
    // (`module.apigw_test_1:aws`, `...:aws.edgeprovider`) set no region: it comes from the
    // environment at run time. Nested modules (`acm_cert_regional:aws`, old spelling) record
    // neither a provider block nor the providers passed to them.
    let own_block = "declared in module.apigw_test_1: its provider block sets no region";
    let nested = "records neither a provider block in `module.apigw_test_1.module.";
    let mut want: Vec<(&str, Option<&str>, &str)> = [
        "module.apigw_test_1.aws_api_gateway_account.main",
        "module.apigw_test_1.aws_api_gateway_base_path_mapping.main",
        "module.apigw_test_1.aws_api_gateway_deployment.main",
        "module.apigw_test_1.aws_api_gateway_domain_name.apigw",
        "module.apigw_test_1.aws_api_gateway_integration.root_integration",
        "module.apigw_test_1.aws_api_gateway_integration_response.root_integration_response",
        "module.apigw_test_1.aws_api_gateway_method.root_method",
        "module.apigw_test_1.aws_api_gateway_method_response.root_response",
        "module.apigw_test_1.aws_api_gateway_method_settings.main",
        "module.apigw_test_1.aws_api_gateway_rest_api.base",
        "module.apigw_test_1.aws_api_gateway_stage.main",
        "module.apigw_test_1.aws_route53_record.apigw",
        "module.apigw_test_1.aws_ssm_parameter.api_gw_arn",
        "module.apigw_test_1.aws_ssm_parameter.api_gw_id",
        "module.apigw_test_1.aws_ssm_parameter.api_gw_name",
        "module.apigw_test_1.aws_ssm_parameter.api_gw_root_resource_id",
        "module.apigw_test_1.aws_wafv2_web_acl_association.main",
    ]
    .into_iter()
    .map(|a| (a, None, own_block))
    .collect();
    for a in [
        "module.apigw_test_1.module.acm_cert_regional[0].aws_acm_certificate.cert",
        "module.apigw_test_1.module.acm_cert_regional[0].aws_acm_certificate_validation.cert_validation",
        "module.apigw_test_1.module.acm_cert_regional[0].aws_route53_record.cert_validation[\"testapi.cc.aws.cmclabs.io\"]",
        "module.apigw_test_1.module.api_gw_log_role.aws_iam_policy.default[0]",
        "module.apigw_test_1.module.api_gw_log_role.aws_iam_role.default",
        "module.apigw_test_1.module.api_gw_log_role.aws_iam_role_policy_attachment.inline[0]",
    ] {
        want.push((a, None, nested));
    }
    check("tfcompliance__alias_useast1", &want);
}

#[test]
fn regions_infracost_alias_passed_to_module() {
    // `providers = { aws = aws.env }`: Terraform 1.5 writes the root key `aws.env`.
    check(
        "infracost__alias_aws_env",
        &[(
            "module.mine.aws_sqs_queue.sqs_withTags",
            Some("us-east-1"),
            "aws.env",
        )],
    );
}

#[test]
fn regions_provider_v6_resource_attribute() {
    // AWS provider v6: each resource carries its own `region` (here from var.region).
    let got = pinned("awcy__rds_kms_s3_versioning");
    let bucket = got
        .iter()
        .find(|(a, _, _)| a == "aws_kms_key.logs")
        .unwrap();
    assert_eq!(bucket.1.as_deref(), Some("ap-southeast-1"));
    assert!(bucket.2.contains("Attribute"));
}
