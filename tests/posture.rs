//! `drlint posture`: the DR review page in every format, on seed 002, the reference stack and a
//! two-region fixture whose primary-region loss breaks things; and the SVG picture rendered to
//! PNG (written to the target's temporary directory, to be looked at).

mod common;
use common::{drlint, scratch};

const SEED: &str = "fixtures/seed002/cdk.tf.json";
const PAYMENTS: &str = "fixtures/reference/payments/cdk.tf.json";
const BROKEN: &str = "fixtures/posture/primary-loss/cdk.tf.json";

fn posture(input: &str, extra: &[&str], format: &str) -> String {
    let mut args = vec!["posture", input, "--format", format];
    args.extend_from_slice(extra);
    let r = drlint(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

const SEED_FLAGS: &[&str] = &["--env-suffix", "dev", "--profile", "ephemeral"];

#[test]
fn seed002_human() {
    insta::assert_snapshot!("seed002_human", posture(SEED, SEED_FLAGS, "human"));
}

#[test]
fn seed002_markdown() {
    insta::assert_snapshot!("seed002_markdown", posture(SEED, SEED_FLAGS, "markdown"));
}

#[test]
fn seed002_json() {
    insta::assert_snapshot!("seed002_json", posture(SEED, SEED_FLAGS, "json"));
}

#[test]
fn seed002_svg() {
    insta::assert_snapshot!("seed002_svg", posture(SEED, SEED_FLAGS, "svg"));
}

#[test]
fn payments_human() {
    insta::assert_snapshot!("payments_human", posture(PAYMENTS, &[], "human"));
}

#[test]
fn payments_markdown() {
    insta::assert_snapshot!("payments_markdown", posture(PAYMENTS, &[], "markdown"));
}

#[test]
fn payments_json() {
    insta::assert_snapshot!("payments_json", posture(PAYMENTS, &[], "json"));
}

#[test]
fn payments_svg() {
    insta::assert_snapshot!("payments_svg", posture(PAYMENTS, &[], "svg"));
}

#[test]
fn primary_loss_human() {
    insta::assert_snapshot!("primary_loss_human", posture(BROKEN, &[], "human"));
}

fn json(input: &str, extra: &[&str]) -> serde_json::Value {
    serde_json::from_str(&posture(input, extra, "json")).unwrap()
}

fn names(items: &serde_json::Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_reference_stack_keeps_serving_when_either_region_is_lost() {
    let v = json(PAYMENTS, &[]);
    for loss in v["region_loss"].as_array().unwrap() {
        assert_eq!(loss["breaks"], serde_json::json!([]), "{loss:#}");
        assert_eq!(names(&loss["keeps_serving"]).len(), 3, "{loss:#}");
    }
    let edges = v["edges"].as_array().unwrap();
    assert!(edges.iter().all(|e| e["verdict"] == "ok"), "{edges:#?}");
    let kinds: std::collections::BTreeSet<&str> =
        edges.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["backup-copy", "failover", "replication"]
    );
}

#[test]
fn primary_loss_breaks_what_has_no_working_copy_or_failover() {
    let v = json(BROKEN, &[]);
    let loss = &v["region_loss"][0];
    assert_eq!(loss["region"], "us-east-1");
    let broken = names(&loss["breaks"]);
    assert_eq!(
        broken,
        [
            "Aurora global database `orders-global-brk`",
            "DynamoDB table `orders-brk`",
            "api.orders-brk.example.com A (failover)",
        ],
        "{loss:#}"
    );
    let why: Vec<&str> = loss["breaks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["why"].as_str().unwrap())
        .collect();
    assert!(why[0].starts_with("DR801:"), "{}", why[0]);
    assert!(why[1].starts_with("DR803:"), "{}", why[1]);
    assert!(why[2].starts_with("DR701:"), "{}", why[2]);
    // Losing the DR region loses nothing that serves: the primaries are elsewhere.
    let dr = &v["region_loss"][1];
    assert_eq!(dr["region"], "us-west-2");
    assert_eq!(dr["breaks"], serde_json::json!([]), "{dr:#}");
    // The verdicts are the rules' findings: the same ids as `drlint` reports.
    let lint = drlint(&[BROKEN, "--format", "json"]);
    let lint_ids: std::collections::BTreeSet<String> = common::results(&lint.stdout)
        .into_iter()
        .filter(|r| r.1 == "fail")
        .map(|r| r.0)
        .collect();
    for id in ["DR701", "DR801", "DR803"] {
        assert!(lint_ids.contains(id), "{id} not reported by drlint");
    }
}

#[test]
fn markdown_has_a_mermaid_flowchart_with_a_subgraph_per_region() {
    let md = posture(SEED, SEED_FLAGS, "markdown");
    let start = md.find("```mermaid\n").expect("a mermaid block") + 11;
    let block = &md[start..start + md[start..].find("```").expect("closed")];
    let lines: Vec<&str> = block.lines().collect();
    assert_eq!(lines[0], "flowchart LR");
    let subgraphs: Vec<&&str> = lines
        .iter()
        .filter(|l| l.trim_start().starts_with("subgraph "))
        .collect();
    assert_eq!(subgraphs.len(), 3, "{block}");
    assert!(subgraphs[1].contains("us-east-1 (primary)"), "{block}");
    assert!(subgraphs[2].contains("us-west-2 (DR)"), "{block}");
    let ends = lines.iter().filter(|l| l.trim() == "end").count();
    assert_eq!(ends, subgraphs.len());
    // One linkStyle per link, numbered in order, red for the failing ones.
    let links = lines
        .iter()
        .filter(|l| l.contains("-->") || l.contains("-.->") || l.contains("-.-x"))
        .count();
    let styles: Vec<&&str> = lines
        .iter()
        .filter(|l| l.trim_start().starts_with("linkStyle "))
        .collect();
    assert_eq!(styles.len(), links);
    for (i, s) in styles.iter().enumerate() {
        assert!(
            s.trim_start().starts_with(&format!("linkStyle {i} ")),
            "{s}"
        );
    }
    assert!(styles.iter().any(|s| s.contains("#c62828")), "{block}");
    // Labels are quoted and carry no raw quote, angle bracket or backtick.
    for l in &lines {
        if let Some(q) = l.find("[\"").or_else(|| l.find("(\"")) {
            let label = &l[q + 2..l.rfind('"').unwrap()];
            assert!(!label.contains('"') && !label.contains('`'), "{l}");
        }
    }
}

/// Renders an SVG with resvg; returns (width, height, RGBA pixels).
fn render_png(svg: &str, png: &std::path::Path) -> (u32, u32, Vec<u8>) {
    use resvg::{tiny_skia, usvg};
    let mut opt = usvg::Options::default();
    opt.fontdb_mut().load_system_fonts();
    let tree = usvg::Tree::from_str(svg, &opt).expect("valid SVG");
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.save_png(png).unwrap();
    (size.width(), size.height(), pixmap.data().to_vec())
}

#[test]
fn the_svg_renders_to_a_picture_in_several_colours() {
    let dir = scratch("posture-png");
    for (name, input, flags) in [
        ("seed002", SEED, SEED_FLAGS),
        ("payments", PAYMENTS, &[][..]),
        ("primary-loss", BROKEN, &[][..]),
    ] {
        let svg_path = dir.join(format!("{name}.svg"));
        let mut args = vec!["posture", input, "--svg", svg_path.to_str().unwrap()];
        args.extend_from_slice(flags);
        let r = drlint(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let svg = std::fs::read_to_string(&svg_path).unwrap();
        let png = dir.join(format!("{name}.png"));
        let (w, h, px) = render_png(&svg, &png);
        assert!(w > 400 && h > 200, "{name}: {w}x{h}");
        let mut colours = std::collections::BTreeSet::new();
        let mut drawn = 0usize;
        for p in px.chunks(4) {
            if p[..3] != [255, 255, 255] {
                drawn += 1;
                // Quantized, so anti-aliasing does not count as a colour of its own.
                colours.insert((p[0] / 64, p[1] / 64, p[2] / 64));
            }
        }
        assert!(
            drawn > (w * h / 20) as usize,
            "{name}: only {drawn} pixels drawn"
        );
        assert!(colours.len() >= 4, "{name}: colours {colours:?}");
        eprintln!("{name}: {} ({w}x{h})", png.display());
    }
}

#[test]
fn lint_format_svg_writes_the_same_picture() {
    let a = posture(SEED, SEED_FLAGS, "svg");
    let mut args = vec![SEED, "--format", "svg"];
    args.extend_from_slice(SEED_FLAGS);
    let r = drlint(&args);
    assert_eq!(
        r.code, 1,
        "the lint command keeps its exit code: {}",
        r.stderr
    );
    assert_eq!(r.stdout, a);
}

#[test]
fn bad_input_and_targets_are_exit_2() {
    let r = drlint(&["posture", "fixtures/does-not-exist.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does-not-exist.json"), "{}", r.stderr);
    let r = drlint(&["posture", SEED, "--svg", "no/such/dir/x.svg"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--svg") && r.stderr.contains("does not exist"),
        "{}",
        r.stderr
    );
    let r = drlint(&["posture", SEED, "--svg", SEED]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is an input"), "{}", r.stderr);
    let dir = scratch("posture-same-target");
    let t = dir.join("x.out");
    let t = t.to_str().unwrap();
    let r = drlint(&["posture", SEED, "-o", t, "--svg", t]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("each needs its own file"), "{}", r.stderr);
}

/// docs/posture-*.svg are the pictures of the current code (regenerate with the commands in
/// docs/posture.md when the layout changes).
#[test]
fn the_pictures_in_docs_are_up_to_date() {
    for (doc, input, flags) in [
        ("docs/posture-seed002.svg", SEED, SEED_FLAGS),
        ("docs/posture-payments.svg", PAYMENTS, &[][..]),
    ] {
        let want = posture(input, flags, "svg");
        let have = std::fs::read_to_string(common::root().join(doc)).unwrap();
        assert!(
            have == want,
            "{doc} is out of date: run `drlint posture {input} {} --format svg -o {doc}`",
            flags.join(" ")
        );
    }
}

/// The lint command's Markdown report (the job summary) carries the same Mermaid picture as
/// the posture page, collapsed after the findings tables.
#[test]
fn lint_markdown_has_the_picture_after_the_tables() {
    let mut args = vec![SEED, "--format", "markdown"];
    args.extend_from_slice(SEED_FLAGS);
    let r = drlint(&args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!("seed002_lint_markdown", r.stdout);
    let page = posture(SEED, SEED_FLAGS, "markdown");
    let chart = |md: &str| {
        let start = md.find("```mermaid\n").expect("a mermaid block");
        let end = start + md[start..].find("```\n\n").expect("closed");
        md[start..end].to_string()
    };
    assert_eq!(chart(&r.stdout), chart(&page));
    let details = r
        .stdout
        .find("<details><summary>DR picture</summary>")
        .unwrap();
    assert!(r.stdout.rfind("| error |").unwrap() < details);
}

#[test]
fn lint_markdown_has_no_picture_when_there_is_nothing_to_draw() {
    let dir = scratch("posture-nothing");
    let f = dir.join("iam.tf.json");
    std::fs::write(
        &f,
        r#"{"provider":{"aws":[{"region":"us-east-1"}]},
            "resource":{"aws_iam_role":{"r":{"name":"r","assume_role_policy":"{}"}}}}"#,
    )
    .unwrap();
    let r = drlint(&[
        f.to_str().unwrap(),
        "--env-suffix",
        "x",
        "--format",
        "markdown",
    ]);
    assert!(r.code < 2, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("## drlint — DR policy report"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("DR picture"), "{}", r.stdout);
    assert!(!r.stdout.contains("```mermaid"), "{}", r.stdout);
}

/// A picture longer than Mermaid renders (GitHub shows only an error for it) is replaced by a
/// line that says so and where the SVG is.
#[test]
fn lint_markdown_names_the_svg_when_the_picture_is_too_big_for_mermaid() {
    let dir = scratch("posture-big");
    let f = dir.join("tables.tf.json");
    let tables: Vec<String> = (0..700)
        .map(|i| {
            format!(
                r#""t{i}":{{"provider":"aws.primary","name":"table-{i}-x","hash_key":"id","billing_mode":"PAY_PER_REQUEST","attribute":[{{"name":"id","type":"S"}}],"replica":[{{"region_name":"us-west-2"}}]}}"#
            )
        })
        .collect();
    std::fs::write(
        &f,
        format!(
            r#"{{"provider":{{"aws":[{{"alias":"primary","region":"us-east-1"}},{{"alias":"dr","region":"us-west-2"}}]}},
                "resource":{{"aws_dynamodb_table":{{{}}}}}}}"#,
            tables.join(",")
        ),
    )
    .unwrap();
    let r = drlint(&[
        f.to_str().unwrap(),
        "--env-suffix",
        "x",
        "--format",
        "markdown",
    ]);
    assert!(r.code < 2, "{}", r.stderr);
    assert!(
        r.stdout.contains("<details><summary>DR picture</summary>"),
        "{}",
        &r.stdout[..2000]
    );
    assert!(!r.stdout.contains("```mermaid"));
    assert!(
        r.stdout.contains(
            "The picture has 1400 boxes and 700 edges, more than GitHub's Mermaid renders"
        ),
        "{}",
        &r.stdout[r.stdout.find("DR picture").unwrap()..]
    );
}

/// A sensitive name (here the DB instance's `identifier`) is never shown on the page or in the
/// picture: the resource's address stands in for it.
#[test]
fn sensitive_names_never_appear_in_the_posture() {
    let d = scratch("posture-sensitive");
    let mut plan: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("fixtures/plan/two_region_plan.json").unwrap(),
    )
    .unwrap();
    for rc in plan["resource_changes"].as_array_mut().unwrap() {
        if rc["address"] == "aws_db_instance.main" {
            rc["change"]["after"]["identifier"] = "prod-hunter2-db-qa".into();
            rc["change"]["after_sensitive"]["identifier"] = true.into();
        }
    }
    let f = d.join("plan.json");
    std::fs::write(&f, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
    let f = f.to_str().unwrap();
    for fmt in ["human", "markdown", "json", "svg"] {
        let out = posture(f, &[], fmt);
        assert!(out.contains("aws_db_instance.main"), "{fmt}: {out}");
        assert!(
            !out.contains("hunter2"),
            "{fmt} leaks a sensitive value:\n{out}"
        );
    }
}

/// The rectangles of one class (`box`, `label`) in a picture: (x, y, width, height).
fn rects(svg: &str, class: &str) -> Vec<(f64, f64, f64, f64)> {
    let tag = format!("<rect class=\"{class}\" ");
    svg.match_indices(&tag)
        .map(|(i, _)| {
            let end = i + svg[i..].find("/>").unwrap();
            let attr = |name: &str| -> f64 {
                let key = format!(" {name}=\"");
                let at = svg[i..end].find(&key).unwrap() + i + key.len();
                svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
            };
            (attr("x"), attr("y"), attr("width"), attr("height"))
        })
        .collect()
}

fn overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

/// Three regions, every table replicated to both others (the edges to the third region skip a
/// column), backed up with copies to the other regions: a dense picture.
fn three_region_stack() -> std::path::PathBuf {
    let dir = scratch("posture-three");
    let mut tables = Vec::new();
    for i in 0..5 {
        tables.push(format!(
            r#""t{i}":{{"provider":"aws.primary","name":"orders-table-number-{i}-x","hash_key":"id","billing_mode":"PAY_PER_REQUEST","attribute":[{{"name":"id","type":"S"}}],"replica":[{{"region_name":"us-west-2"}},{{"region_name":"eu-west-1"}}]}}"#
        ));
    }
    let f = dir.join("three.tf.json");
    std::fs::write(
        &f,
        format!(
            r#"{{"provider":{{"aws":[{{"alias":"primary","region":"us-east-1"}},{{"alias":"dr","region":"us-west-2"}},{{"alias":"eu","region":"eu-west-1"}}]}},
            "resource":{{"aws_dynamodb_table":{{{}}},
              "aws_backup_vault":{{"p":{{"provider":"aws.primary","name":"vault-primary-x"}},"d":{{"provider":"aws.dr","name":"vault-dr-x"}},"e":{{"provider":"aws.eu","name":"vault-eu-x"}}}},
              "aws_backup_plan":{{"bp":{{"provider":"aws.primary","name":"plan-x","rule":[{{"rule_name":"daily","target_vault_name":"${{aws_backup_vault.p.name}}","schedule":"cron(0 5 * * ? *)","lifecycle":{{"delete_after":35}},"copy_action":[{{"destination_vault_arn":"${{aws_backup_vault.d.arn}}"}},{{"destination_vault_arn":"${{aws_backup_vault.e.arn}}"}}]}}]}}}},
              "aws_backup_selection":{{"s":{{"provider":"aws.primary","name":"sel-x","plan_id":"${{aws_backup_plan.bp.id}}","iam_role_arn":"arn:aws:iam::123456789012:role/backup","resources":["${{aws_dynamodb_table.t0.arn}}","${{aws_dynamodb_table.t3.arn}}"]}}}}}}}}"#,
            tables.join(",")
        ),
    )
    .unwrap();
    f
}

/// Labels sit on their own edge where they overlap no box and no other label, and boxes do not
/// overlap, on the fixtures and on a dense three-region stack.
#[test]
fn labels_overlap_no_label_and_no_box() {
    let three = three_region_stack();
    for (name, input, flags) in [
        ("seed002", SEED, SEED_FLAGS),
        ("payments", PAYMENTS, &[][..]),
        ("primary-loss", BROKEN, &[][..]),
        (
            "three-region",
            three.to_str().unwrap(),
            &["--env-suffix", "x"][..],
        ),
    ] {
        let svg = posture(input, flags, "svg");
        let (boxes, labels) = (rects(&svg, "box"), rects(&svg, "label"));
        assert!(!boxes.is_empty() && !labels.is_empty(), "{name}");
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                assert!(!overlap(*a, *b), "{name}: labels {a:?} and {b:?} overlap");
            }
            for b in &boxes {
                assert!(!overlap(*a, *b), "{name}: label {a:?} is on box {b:?}");
            }
        }
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(!overlap(*a, *b), "{name}: boxes {a:?} and {b:?} overlap");
            }
        }
        if name == "three-region" {
            let png = scratch("posture-png").join("three-region.png");
            render_png(&svg, &png);
            eprintln!("{name}: {}", png.display());
        }
    }
}

/// Names up to 40 characters are shown whole; the box keeps the full name in its title.
#[test]
fn long_names_fit_their_boxes() {
    let svg = posture(PAYMENTS, &[], "svg");
    assert!(
        svg.contains(">api.payments-ref.example.com A</text>"),
        "{svg}"
    );
    assert!(!svg.contains('…'), "{svg}");
}
