//! DR901 rpo-budget and DR902 rto-budget: the estimates API (`drlint::rules::objectives`) on
//! the reference stack, `--strict-objectives` / `objectives.strict`, and what AWS Config input
//! can decide (docs/live-coverage.md).

mod common;
use common::{drlint, results, scratch};
use drlint::config::Settings;
use drlint::input;
use drlint::read::build_model;
use drlint::rules::Ctx;
use drlint::rules::objectives::{
    Estimate, Mechanism, Verdict, failover_rtos, store_rpos, strict_verdict,
};

fn settings(rpo: u64, rto: u64, dr: &str) -> Settings {
    Settings {
        primary: Some("us-east-1".into()),
        dr: Some(dr.into()),
        rpo_secs: rpo,
        rto_secs: rto,
        ..Settings::default()
    }
}

#[test]
fn transactions_stores_have_bounded_rpos() {
    let files = [input::load("fixtures/reference/transactions/cdk.tf.json").unwrap()];
    let model = build_model(&files).unwrap();
    let s = settings(900, 900, "us-east-2");
    let cx = Ctx::new(&model, &s);
    let rpos = store_rpos(&cx);
    let by = |m: Mechanism| rpos.iter().filter(move |r| r.mechanism == m);
    // Aurora PostgreSQL with rds.global_db_rpo = 60 on the writer's parameter group.
    let aurora: Vec<_> = by(Mechanism::AuroraGlobalManagedRpo).collect();
    assert_eq!(aurora.len(), 1, "{rpos:#?}");
    assert_eq!(aurora[0].estimate, Estimate::Bound { secs: 60 });
    assert_eq!(aurora[0].regions, ["us-east-1", "us-east-2"]);
    assert_eq!(aurora[0].verdict, Verdict::Met);
    // Both primary buckets replicate with RTC: 15 minutes, within 15m; the DR buckets are not
    // estimated (outside the primary region).
    let buckets: Vec<_> = by(Mechanism::S3CrrRtc).collect();
    assert_eq!(buckets.len(), 2, "{rpos:#?}");
    assert!(
        buckets
            .iter()
            .all(|b| b.estimate == Estimate::Bound { secs: 900 } && b.verdict == Verdict::Met)
    );
    // The eventually consistent table: typically a second, no bound.
    let table: Vec<_> = by(Mechanism::DynamoDbMrec).collect();
    assert_eq!(table.len(), 1);
    assert_eq!(table[0].verdict, Verdict::MetTypically);
    assert_eq!(rpos.len(), 4, "{rpos:#?}");
    // A 5-minute objective: the buckets miss it, with RTC as without.
    let strict5 = settings(300, 900, "us-east-2");
    let cx = Ctx::new(&model, &strict5);
    let missed: Vec<_> = store_rpos(&cx)
        .into_iter()
        .filter(|r| r.verdict == Verdict::Missed)
        .map(|r| r.mechanism)
        .collect();
    assert_eq!(missed, [Mechanism::S3CrrRtc, Mechanism::S3CrrRtc]);
}

#[test]
fn payments_failover_adds_detection_ttl_and_promotion() {
    let files = [input::load("fixtures/reference/payments/cdk.tf.json").unwrap()];
    let model = build_model(&files).unwrap();
    let mut s = settings(900, 900, "us-west-2");
    let cx = Ctx::new(&model, &s);
    let paths = failover_rtos(&cx);
    assert_eq!(paths.len(), 1);
    let p = &paths[0];
    assert_eq!(p.name, "api.payments-ref.example.com");
    // 3 × (30 s + 6 s), the ALB alias's 60 s, and the Aurora secondary's promotion (typical).
    assert_eq!(p.detection, Estimate::Bound { secs: 108 });
    assert_eq!(p.detection_how, "3 × (30s + 6s timeout)");
    assert_eq!(p.ttl, Estimate::Bound { secs: 60 });
    let promotion = p
        .promotion
        .as_ref()
        .expect("the Aurora secondary in us-west-2");
    assert_eq!(
        promotion.estimate,
        Estimate::Typical {
            secs: 60,
            at_least: 0
        }
    );
    assert_eq!(
        p.total,
        Estimate::Typical {
            secs: 228,
            at_least: 168
        }
    );
    assert_eq!(p.verdict, Verdict::MetTypically);
    assert_eq!(p.reported_by, None);
    assert_eq!(strict_verdict(&cx, p.verdict), Verdict::MetTypically);
    s.strict_objectives = true;
    let cx = Ctx::new(&model, &s);
    assert_eq!(strict_verdict(&cx, p.verdict), Verdict::Missed);
    // The Aurora MySQL global database has no managed RPO: typical only.
    let aurora = store_rpos(&cx)
        .into_iter()
        .find(|r| r.mechanism == Mechanism::AuroraGlobal)
        .unwrap();
    assert_eq!(aurora.verdict, Verdict::MetTypically);
}

#[test]
fn strict_objectives_fail_typical_figures_by_flag_and_by_config() {
    let input = "fixtures/reference/payments/cdk.tf.json";
    let base = [
        input,
        "--config",
        "reference-stack/drlint.toml",
        "--format",
        "json",
    ];
    let r = drlint(&base);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let mut strict = base.to_vec();
    strict.push("--strict-objectives");
    let r = drlint(&strict);
    assert_eq!(r.code, 1);
    let res = results(&r.stdout);
    let ids: Vec<(&str, &str)> = res.iter().map(|x| (x.0.as_str(), x.2.as_str())).collect();
    assert_eq!(
        ids,
        [
            ("DR901", "aws_dynamodb_table.data_sessions"),
            ("DR901", "aws_rds_global_cluster.database_global"),
            ("DR902", "aws_route53_record.dns_primary_api"),
        ],
        "{res:#?}"
    );
    assert!(res.iter().all(|x| x.1 == "fail"));
    // The same from the configuration file.
    let d = scratch("objectives_strict");
    let cfg = d.join("drlint.toml");
    std::fs::write(
        &cfg,
        "environment_suffix = \"ref\"\nprofile = \"ephemeral\"\n[objectives]\nrpo = \"15m\"\nstrict = true\n",
    )
    .unwrap();
    let r = drlint(&[input, "--config", cfg.to_str().unwrap(), "--format", "json"]);
    assert_eq!(results(&r.stdout).len(), 3, "{}", r.stdout);
    // A wrong type is a configuration error (exit 2) that names the key.
    std::fs::write(&cfg, "[objectives]\nstrict = \"yes\"\n").unwrap();
    let r = drlint(&[input, "--config", cfg.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("drlint.toml"), "{}", r.stderr);
}

#[test]
fn aws_config_input_decides_what_it_records() {
    // S3 replication is recorded, its replication time control is not mapped: undecided, where
    // the same stack as Terraform JSON fails (no RTC: typically 15 minutes > 5 minutes).
    let cfg = drlint(&[
        "fixtures/awsconfig/replication_bad.snapshot.json",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&cfg.stdout).unwrap();
    let dr901: Vec<&serde_json::Value> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule_id"] == "DR901")
        .collect();
    assert_eq!(dr901.len(), 1, "{}", cfg.stdout);
    assert_eq!(dr901[0]["outcome"], "undecided");
    assert!(
        dr901[0]["message"]
            .as_str()
            .unwrap()
            .contains("replication time control is not recorded by AWS Config"),
        "{}",
        dr901[0]["message"]
    );
    let tf = drlint(&[
        "fixtures/awsconfig/replication_bad.tf.json",
        "--format",
        "json",
    ]);
    assert!(
        results(&tf.stdout)
            .iter()
            .any(|r| r.0 == "DR901" && r.1 == "fail" && r.2 == "aws_s3_bucket.primary"),
        "{}",
        tf.stdout
    );
    // Route 53 record sets are not recorded: DR902 is undecided once for the run.
    let dr902: Vec<&serde_json::Value> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule_id"] == "DR902")
        .collect();
    assert_eq!(dr902.len(), 1);
    assert_eq!(dr902[0]["outcome"], "undecided");
    assert!(dr902[0]["resource"].is_null());
    // A store with no copy outside its region fails from Config as from Terraform.
    let r = drlint(&[
        "fixtures/awsconfig/teardown_bad.snapshot.json",
        "--format",
        "json",
    ]);
    assert!(
        results(&r.stdout)
            .iter()
            .any(|x| x.0 == "DR901" && x.1 == "fail"),
        "{}",
        r.stdout
    );
}

#[test]
fn aws_config_aurora_managed_rpo_is_not_recorded() {
    let d = scratch("objectives_config_aurora");
    let items = |engine: &str| {
        format!(
            r#"[
          {{"resourceType":"AWS::RDS::DBCluster","resourceId":"c1","resourceName":"db-east","awsRegion":"us-east-1",
           "arn":"arn:aws:rds:us-east-1:111122223333:cluster:db-east",
           "configuration":{{"dBClusterIdentifier":"db-east","engine":"{engine}"}}}},
          {{"resourceType":"AWS::RDS::DBCluster","resourceId":"c2","resourceName":"db-west","awsRegion":"us-west-2",
           "arn":"arn:aws:rds:us-west-2:111122223333:cluster:db-west",
           "configuration":{{"dBClusterIdentifier":"db-west","engine":"{engine}"}}}},
          {{"resourceType":"AWS::RDS::GlobalCluster","resourceId":"g","resourceName":"g","awsRegion":"us-east-1",
           "configuration":{{"globalClusterIdentifier":"g","engine":"{engine}","globalClusterMembers":[
             {{"dBClusterArn":"arn:aws:rds:us-east-1:111122223333:cluster:db-east","isWriter":true}},
             {{"dBClusterArn":"arn:aws:rds:us-west-2:111122223333:cluster:db-west","isWriter":false}}]}}}}]"#
        )
    };
    let dr901 = |engine: &str| {
        let f = d.join(format!("{engine}.json"));
        std::fs::write(&f, items(engine)).unwrap();
        let r = drlint(&[
            f.to_str().unwrap(),
            "--primary-region",
            "us-east-1",
            "--dr-region",
            "us-west-2",
            "--format",
            "json",
        ]);
        assert!(r.code <= 1, "{}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["rule_id"] == "DR901")
            .map(|x| {
                (
                    x["outcome"].as_str().unwrap().to_string(),
                    x["message"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    // Aurora PostgreSQL: rds.global_db_rpo lives in a parameter group Config input lacks.
    let pg = dr901("aurora-postgresql");
    assert_eq!(pg.len(), 1, "{pg:?}");
    assert_eq!(pg[0].0, "undecided");
    assert!(
        pg[0].1.contains("no cluster parameter groups"),
        "{}",
        pg[0].1
    );
    // Aurora MySQL has no managed RPO: typically under a second, not a failure.
    assert_eq!(dr901("aurora-mysql"), Vec::<(String, String)>::new());
}
