//! The command line: `drlint FILE...`, `drlint live ...`, `drlint rules`, `drlint explain ID`,
//! `drlint regions FILE...`, `drlint baseline create BASELINE FILE...`.

use crate::config::{self, FailOn, Overrides, Profile, UndecidedMode};
use crate::input::{self, SourceFile};
use crate::report::{self, Format};
use crate::rules::{self, Ctx};
use crate::selection::{self, Selection};
use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{BufferedStandardStream, ColorChoice, NoColor};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;
/// `drlint live`: some region (or the aggregator) could not be audited.
pub const EXIT_INCOMPLETE: i32 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "drlint",
    version,
    about = "Policy and compliance linter for multi-region disaster-recovery infrastructure on AWS",
    long_about = "Checks Terraform plans (`terraform show -json`), Terraform state, and Terraform JSON / CDKTF \
`cdk.tf.json` (and AWS Config snapshots) against the DR contract: naming, teardown settings, customer-managed \
keys in the right region, S3 cross-region replication, CIDRs and peering, backups, and Route 53 failover. \
A directory argument (`drlint cdktf.out/`, `drlint .`) is searched for such files by content.\n\n\
Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage error or unreadable input; \
3 `drlint live` audit incomplete (a region could not be audited).",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub lint: LintArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the rules: id, name, level and summary.
    Rules {
        /// `json`: an array of {id, name, family, level, security_severity (null for
        /// reliability rules), summary, help_uri, needs}; `markdown`: the README table.
        #[arg(long, short = 'f', value_enum, default_value_t = TableFormat::Human)]
        format: TableFormat,
    },
    /// Print a rule's help page (by id or name).
    Explain {
        /// Rule id or name, any case: `DR401`, `dr401` or `crr-delete-markers`.
        rule: String,
    },
    /// Print the region resolved for every resource, and why.
    Regions(Box<RegionsArgs>),
    /// Audit live AWS accounts through AWS Config (read-only calls) and lint what is deployed.
    #[cfg(feature = "live")]
    Live(Box<LiveArgs>),
    /// The DR review on one page: regions, data stores, entry points, a region-loss
    /// simulation and a picture of the system (docs/posture.md).
    Posture(Box<PostureArgs>),
    /// Record today's findings so that `--baseline FILE` reports only new ones.
    #[command(subcommand)]
    Baseline(BaselineCommand),
}

#[derive(Subcommand, Debug)]
pub enum BaselineCommand {
    /// Lint the inputs as usual (same report, same options) and write every finding to
    /// BASELINE; exits 0 whatever was found. Later runs with `--baseline BASELINE` leave those
    /// findings out.
    #[command(
        after_help = "Example: drlint baseline create drlint-baseline.json plan.json\n         drlint plan.json --baseline drlint-baseline.json\n\nThe file format and workflow: docs/baseline.md"
    )]
    Create(Box<BaselineCreateArgs>),
}

#[derive(Args, Debug)]
pub struct BaselineCreateArgs {
    /// The baseline file to write (replaced if it exists).
    #[arg(value_name = "BASELINE")]
    pub baseline_file: PathBuf,
    #[command(flatten)]
    pub lint: LintArgs,
}

#[derive(Args, Debug)]
pub struct RegionsArgs {
    /// Plan / state / Terraform JSON / AWS Config files or directories; `-` reads standard input.
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Name standard input (`-`) by this path in the output.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = RegionsFormat::Human)]
    pub format: RegionsFormat,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

#[derive(Args, Debug)]
#[command(
    long_about = "The DR review on one page: the regions and how they were inferred; per data store its \
replication / backup mechanism, regions, RPO estimates and verdict; per entry point (Route 53 record set with a \
routing policy) its failover path, health checks, TTL and RTO estimate; and, per region, what keeps serving and \
what breaks when it is lost. The verdicts are the rules' findings (the same as `drlint FILE...`), arranged as a \
system. --format markdown includes the picture as a Mermaid flowchart; --format svg or --svg FILE writes it as SVG.\n\n\
Exit codes: 0 the page was written (whatever it shows; gate on `drlint FILE...`); 2 usage error or unreadable input."
)]
pub struct PostureArgs {
    /// Plan / state / Terraform JSON / AWS Config files or directories; `-` reads standard input.
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Name standard input (`-`) by this path in messages.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = PostureFormat::Human)]
    pub format: PostureFormat,
    /// Write the --format output to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Also write the picture as SVG to this file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// How checks that cannot be decided from the input count (`ignore` leaves them out of
    /// the verdicts).
    #[arg(long, value_enum)]
    pub undecided: Option<UndecidedMode>,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PostureFormat {
    /// Plain text for the terminal.
    Human,
    /// Tables, the region-loss simulation and a Mermaid picture (GitHub renders it).
    Markdown,
    /// The posture as one JSON object (docs/posture.md).
    Json,
    /// The picture of the system as SVG.
    Svg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RegionsFormat {
    /// One aligned line per resource, after the primary and DR regions.
    Human,
    /// A JSON object with the regions and one entry per resource.
    Json,
}

#[cfg(feature = "live")]
#[derive(Args, Debug)]
#[command(
    long_about = "Audits live AWS accounts through AWS Config with read-only calls \
(DescribeConfigurationRecorderStatus, ListDiscoveredResources, BatchGetResourceConfig; \
DescribeConfigurationAggregatorSourcesStatus and SelectAggregateResourceConfig with --aggregator; \
STS GetCallerIdentity to name the account) and lints what is deployed.\n\n\
Regions are audited in parallel. A region that cannot be audited (no credentials, AccessDenied, \
AWS Config not recording) is reported and the other regions are still audited; the exit code is \
then 3 (audit incomplete). SARIF has one run per audited account and region (category \
drlint/live/<account>/<region>/) and needs --save-snapshot DIR, so that every result has a file \
to point at."
)]
pub struct LiveArgs {
    /// Region to audit (repeatable; default: the AWS SDK's region, e.g. AWS_REGION).
    #[arg(long, value_name = "REGION")]
    pub region: Vec<String>,
    /// Read every account and region through this AWS Config aggregator
    /// (SelectAggregateResourceConfig, called in the first --region).
    #[arg(long, value_name = "NAME")]
    pub aggregator: Option<String>,
    /// AWS shared-config profile for credentials (not drlint's DR --profile).
    #[arg(long, value_name = "NAME")]
    pub aws_profile: Option<String>,
    /// Send AWS API calls to this endpoint (e.g. a VPC endpoint or a test server).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Write what was fetched as snapshot files DIR/<region>.json (DIR/<account>-<region>.json
    /// with --aggregator), lintable offline; findings point into them. Required for SARIF.
    #[arg(long, value_name = "DIR")]
    pub save_snapshot: Option<PathBuf>,
    /// Terraform state or plan JSON (`terraform show -json`; repeatable): findings on deployed
    /// resources it manages (same ARN) point at their `.tf` line, found as for `drlint FILE`
    /// (--source-dir). Read for locations only; it is not linted.
    #[arg(long, value_name = "FILE")]
    pub state: Vec<String>,
    /// API calls in flight at once, over all regions (1-64).
    #[arg(long, value_name = "N", default_value_t = crate::live::DEFAULT_CONCURRENCY as u16,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Progress as plain lines on stderr, even on a terminal (the default off a terminal; a
    /// line updated in place on one).
    #[arg(long, conflicts_with = "quiet")]
    pub progress: bool,
    /// No progress on stderr (faults are still printed).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// `drlint rules --format`: the same words as the main command's --format.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TableFormat {
    #[value(alias = "text")]
    Human,
    Json,
    Markdown,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorWhen {
    /// Color when standard output is a terminal and NO_COLOR is not set.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Plan / state / Terraform JSON / AWS Config files, or directories to search for them
    /// (by content; `.gitignore`d, hidden, `.terraform/` and `node_modules/` entries are
    /// skipped); `-` reads standard input. Several inputs are one system.
    pub files: Vec<String>,
    /// Name standard input (`-`) by this path in reports (SARIF, GitHub annotations) and
    /// messages; without it, standard input is `<stdin>` in messages and `stdin.json` in SARIF.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    #[command(flatten)]
    pub run: RunArgs,
}

/// What shapes the settings: configuration file, DR facts, rule selection. Shared by linting,
/// `drlint live` and `drlint regions`.
#[derive(Args, Debug)]
pub struct SettingsArgs {
    /// Configuration file (default: drlint.toml in the first input's directory or a parent up to
    /// the repository root, else in the current directory).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Environment suffix every name must carry (overrides environment_suffix).
    #[arg(long, value_name = "SUFFIX")]
    pub env_suffix: Option<String>,
    /// DR profile: production stacks keep data; ephemeral stacks must be destroyable.
    #[arg(long, value_enum)]
    pub profile: Option<Profile>,
    /// The primary region (overrides [regions] primary and inference).
    #[arg(long, value_name = "REGION")]
    pub primary_region: Option<String>,
    /// The DR region (overrides [regions] dr and inference).
    #[arg(long, value_name = "REGION")]
    pub dr_region: Option<String>,
    /// Recovery point objective, e.g. 5m.
    #[arg(long, value_name = "DURATION")]
    pub rpo: Option<String>,
    /// Recovery time objective, e.g. 15m.
    #[arg(long, value_name = "DURATION")]
    pub rto: Option<String>,
    /// DR901/DR902 fail where AWS publishes only a typical RPO/RTO figure and no bound
    /// (same as objectives.strict = true).
    #[arg(long)]
    pub strict_objectives: bool,
    /// Shortest acceptable backup retention in days (default 7).
    #[arg(long, value_name = "DAYS")]
    pub min_retention_days: Option<u32>,
    /// Rules to run: ids (DR401), id prefixes (DR4), names (crr-delete-markers), families
    /// (replication) or ALL; comma-separated or repeated. Replaces `select` in drlint.toml.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Rules not to run (same selectors as --select); adds to `ignore` in drlint.toml.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
}

/// Settings and output options shared by `drlint FILE...` and `drlint live`.
#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Output format for standard output (or --output).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the --format output to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Also write a report to a file, e.g. `--report sarif=drlint.sarif` (repeatable).
    #[arg(long, value_name = "FORMAT=PATH")]
    pub report: Vec<String>,
    /// Lowest level that makes the exit code 1.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// How to report checks that cannot be decided from the input.
    #[arg(long, value_enum)]
    pub undecided: Option<UndecidedMode>,
    /// When to color the human output.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Leave out the findings recorded in this baseline file (from `drlint baseline create`)
    /// and list its entries that no longer match; only new findings count for the exit code.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// The Terraform root module's directory (its `.tf` files), so that findings on plan and
    /// state resources point at the `.tf` line. Default: the plan's directory when it holds
    /// `*.tf` files, else the repository root when that does.
    #[arg(long, value_name = "DIR")]
    pub source_dir: Option<PathBuf>,
    /// The repository root SARIF and GitHub annotation paths are relative to (default:
    /// $GITHUB_WORKSPACE, else the nearest folder above the working directory with `.git`,
    /// else the working directory).
    #[arg(long, value_name = "DIR")]
    pub source_root: Option<PathBuf>,
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    match cli.command {
        Some(Command::Rules { format }) => print_rules(format),
        Some(Command::Explain { rule }) => explain(&rule),
        Some(Command::Regions(args)) => regions(&args),
        Some(Command::Posture(args)) => posture(&args),
        #[cfg(feature = "live")]
        Some(Command::Live(args)) => live(&args),
        Some(Command::Baseline(BaselineCommand::Create(args))) => baseline_create(&args),
        None => lint(&cli.lint, None),
    }
}

fn print_rules(format: TableFormat) -> i32 {
    let text = match format {
        TableFormat::Human => rules::docs::rule_list_human(),
        TableFormat::Json => rules::docs::rule_list_json(),
        TableFormat::Markdown => rules::docs::rule_table_markdown(),
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot write the rule list: {e}");
            EXIT_ERROR
        }
    }
}

fn explain(id: &str) -> i32 {
    match selection::find_rule(id) {
        Some(r) => {
            print!("{}", r.help_markdown());
            EXIT_OK
        }
        None => {
            eprintln!("error: {}", selection::unknown_message("rule", id));
            EXIT_ERROR
        }
    }
}

/// Loads every input: files, `-`, and directories (searched by content). Prints on stderr which
/// files a directory contributed.
fn load_all(files: &[String], stdin_name: Option<&str>) -> Result<Vec<SourceFile>, i32> {
    if files.iter().filter(|f| *f == "-").count() > 1 {
        eprintln!("error: `-` (standard input) can be given only once");
        return Err(EXIT_ERROR);
    }
    enum Loaded {
        File(SourceFile),
        Dir(String, input::DirInputs),
    }
    let loaded: Vec<Result<Loaded, input::InputError>> = files
        .par_iter()
        .map(|f| {
            if f != "-" && Path::new(f).is_dir() {
                input::load_dir(f).map(|d| Loaded::Dir(f.clone(), d))
            } else {
                input::load_as(f, stdin_name).map(Loaded::File)
            }
        })
        .collect();
    let mut ok = Vec::new();
    let mut failed = false;
    for l in loaded {
        match l {
            Ok(Loaded::File(f)) => ok.push(f),
            Ok(Loaded::Dir(dir, d)) => {
                eprintln!("drlint: {}", dir_summary(&dir, &d));
                ok.extend(d.files);
            }
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    if failed {
        return Err(EXIT_ERROR);
    }
    // A file named and also found in a named directory is one input, not two.
    let mut seen = std::collections::HashSet::new();
    ok.retain(|f| match std::fs::canonicalize(&f.name) {
        Ok(p) => seen.insert(p),
        Err(_) => true,
    });
    Ok(ok)
}

/// "read 2 files from cdktf.out/: a/cdk.tf.json, b/cdk.tf.json (skipped 1 other JSON file)"
fn dir_summary(dir: &str, d: &input::DirInputs) -> String {
    const SHOWN: usize = 8;
    let n = d.files.len();
    let mut names: Vec<&str> = d
        .files
        .iter()
        .take(SHOWN)
        .map(|f| f.name.as_str())
        .collect();
    if n > SHOWN {
        names.push("…");
    }
    let mut s = format!(
        "read {n} file{} from {dir}: {}",
        if n == 1 { "" } else { "s" },
        names.join(", ")
    );
    if d.skipped > 0 {
        s.push_str(&format!(
            " (skipped {} other JSON file{})",
            d.skipped,
            if d.skipped == 1 { "" } else { "s" }
        ));
    }
    s
}

/// What a resource's region came from, in words.
fn describe_source(r: &crate::model::Resource) -> String {
    use crate::model::RegionSource;
    match &r.region_source {
        RegionSource::Attribute => "the resource's `region` attribute".to_string(),
        RegionSource::Arn => "the region in the resource's ARN".to_string(),
        RegionSource::Provider(p) => format!("provider `{p}`"),
        RegionSource::Variable(v) => format!("provider region variable {v}"),
        RegionSource::ConfigItem => "the configuration item's awsRegion".to_string(),
        RegionSource::Unknown(why) => why.clone(),
    }
}

/// `google`, `azurerm`, `random`… for a resource that is not an AWS resource.
fn non_aws_provider(rtype: &str) -> Option<&str> {
    if rtype.starts_with("aws_") || rtype.starts_with("AWS::") {
        return None;
    }
    Some(rtype.split('_').next().unwrap_or(rtype))
}

/// The configuration (found from the first input) and the decoded inputs, for the commands that
/// read files without the lint command's run options (`drlint regions`, `drlint posture`).
fn config_and_inputs(
    settings: &SettingsArgs,
    files: &[String],
    stdin_name: Option<&str>,
) -> Result<(LoadedConfig, Vec<SourceFile>), i32> {
    let anchor = anchor(files, stdin_name);
    let cfg = load_config(settings, anchor.as_deref())?;
    Ok((cfg, load_all(files, stdin_name)?))
}

fn regions(args: &RegionsArgs) -> i32 {
    let (cfg, loaded) =
        match config_and_inputs(&args.settings, &args.files, args.stdin_filename.as_deref()) {
            Ok(x) => x,
            Err(code) => return code,
        };
    let model = match crate::read::build_model(&loaded) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let settings = match resolve_settings(&args.settings, None, None, cfg, &model) {
        Ok(s) => s,
        Err(code) => return code,
    };
    struct Row {
        address: String,
        rtype: String,
        region: Option<String>,
        role: &'static str,
        source: String,
    }
    let rows: Vec<Row> = model
        .resources
        .iter()
        .map(|r| {
            let non_aws = non_aws_provider(r.rtype);
            let region = if non_aws.is_some() {
                None
            } else {
                r.region.map(str::to_string)
            };
            let role = match (&region, non_aws) {
                (_, Some(_)) => "not AWS",
                (None, _) => "unknown",
                (Some(g), _) if settings.primary.as_ref() == Some(g) => "primary",
                (Some(g), _) if settings.dr.as_ref() == Some(g) => "DR",
                (Some(_), _) => "other",
            };
            let source = match non_aws {
                Some(p) => format!("not an AWS resource (provider {p}); it has no AWS region"),
                None if r.region.is_none() => format!("region unknown: {}", describe_source(r)),
                None => describe_source(r),
            };
            Row {
                address: r.address.clone(),
                rtype: r.rtype.to_string(),
                region,
                role,
                source,
            }
        })
        .collect();
    let mut out = std::io::stdout().lock();
    let res = match args.format {
        RegionsFormat::Json => {
            let v = serde_json::json!({
                "primary_region": settings.primary,
                "primary_region_source": settings.primary_source,
                "dr_region": settings.dr,
                "dr_region_source": settings.dr_source,
                "config_file": settings.config_file,
                "resources": rows.iter().map(|r| serde_json::json!({
                    "address": r.address,
                    "type": r.rtype,
                    "region": r.region,
                    "role": r.role,
                    "source": r.source,
                })).collect::<Vec<_>>(),
            });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            )
        }
        RegionsFormat::Human => (|| {
            let show = |v: &Option<String>, src: &str| match v {
                Some(v) => format!("{v} ({src})"),
                None => "unknown".to_string(),
            };
            writeln!(
                out,
                "primary region: {}",
                show(&settings.primary, &settings.primary_source)
            )?;
            writeln!(
                out,
                "DR region: {}",
                show(&settings.dr, &settings.dr_source)
            )?;
            writeln!(out)?;
            let aw = rows
                .iter()
                .map(|r| r.address.chars().count())
                .max()
                .unwrap_or(0);
            let rw = rows
                .iter()
                .map(|r| r.region.as_deref().unwrap_or("-").len())
                .max()
                .unwrap_or(0);
            for r in &rows {
                writeln!(
                    out,
                    "{:<aw$}  {:<rw$}  {:<7}  {}",
                    r.address,
                    r.region.as_deref().unwrap_or("-"),
                    r.role,
                    r.source
                )?;
            }
            Ok(())
        })(),
    };
    match res {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
        _ => EXIT_OK,
    }
}

/// The path that anchors configuration discovery: the first input, or `--stdin-filename` when
/// the first input is standard input.
fn anchor(files: &[String], stdin_name: Option<&str>) -> Option<String> {
    let first = files.first()?;
    if first == "-" {
        stdin_name.map(str::to_string)
    } else {
        Some(first.clone())
    }
}

/// `drlint baseline create BASELINE FILE...`: the target is checked before any work.
fn baseline_create(args: &BaselineCreateArgs) -> i32 {
    let path = &args.baseline_file;
    if args.lint.run.baseline.is_some() {
        eprintln!(
            "error: `drlint baseline create` records every finding; --baseline cannot be combined with it (to update a baseline, create it again)"
        );
        return EXIT_ERROR;
    }
    if let Some(why) = target_problem(path) {
        eprintln!("error: baseline create: {}: {why}", path.display());
        return EXIT_ERROR;
    }
    let key = target_key(path);
    if args
        .lint
        .files
        .iter()
        .any(|i| std::fs::canonicalize(i).is_ok_and(|c| c == key))
    {
        eprintln!(
            "error: baseline create: {} is an input; writing the baseline there would overwrite it",
            path.display()
        );
        return EXIT_ERROR;
    }
    let run = &args.lint.run;
    let reports = run
        .report
        .iter()
        .filter_map(|s| s.split_once('='))
        .map(|(_, p)| Path::new(p));
    if run
        .output
        .as_deref()
        .into_iter()
        .chain(reports)
        .any(|p| target_key(p) == key)
    {
        eprintln!(
            "error: baseline create: {} is also a report target (--output/--report); each needs its own file",
            path.display()
        );
        return EXIT_ERROR;
    }
    lint(&args.lint, Some(path))
}

/// Lints `args.files`; with `create_baseline`, also writes the baseline there and exits 0.
fn lint(args: &LintArgs, create_baseline: Option<&Path>) -> i32 {
    if args.files.is_empty() {
        eprintln!(
            "error: no input files\n  help: run `drlint plan.json` (from `terraform show -json tfplan > plan.json`), `drlint cdktf.out/` or `drlint .`; `drlint --help` lists the options"
        );
        return EXIT_ERROR;
    }
    let anchor = anchor(&args.files, args.stdin_filename.as_deref());
    let mut prepared = match prepare(&args.run, &args.files, anchor.as_deref()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    prepared.create_baseline = create_baseline.map(Path::to_path_buf);
    let started = std::time::Instant::now();
    let loaded = match load_all(&args.files, args.stdin_filename.as_deref()) {
        Ok(f) => f,
        Err(code) => return code,
    };
    run(
        &args.run,
        prepared,
        &loaded,
        &[],
        started,
        LiveExtra::default(),
    )
}

/// What `drlint live` adds to the pipeline: the locator of `--state` sources, and the SARIF
/// runs (one per audited account and region).
#[derive(Default)]
struct LiveExtra {
    locator: Option<Box<dyn crate::model::SourceLocator>>,
    source_summary: Vec<String>,
    source_warnings: Vec<crate::model::Warning>,
    runs: Option<report::sarif::LiveRuns>,
}

/// The configuration file and the rule selection, checked before any input is read.
pub struct LoadedConfig {
    file_cfg: config::FileConfig,
    /// The file's name for messages and sources (`drlint.toml` when there is none).
    cfg_name: String,
    cfg_path: Option<PathBuf>,
    selection: Selection,
}

/// What is checked before any input is read: report targets and the configuration file.
pub struct Prepared {
    extra: Vec<(Format, PathBuf)>,
    cfg: LoadedConfig,
    /// `--baseline`, read and checked.
    baseline: Option<crate::baseline::Baseline>,
    /// `drlint baseline create FILE`: where to write the baseline.
    create_baseline: Option<PathBuf>,
}

fn load_config(args: &SettingsArgs, anchor: Option<&str>) -> Result<LoadedConfig, i32> {
    let cfg_path = config::find(args.config.as_deref(), anchor);
    let (file_cfg, cfg_name) = match &cfg_path {
        Some(p) => match config::load_file(p) {
            Ok(c) => (c, p.display().to_string()),
            Err(e) => {
                eprintln!("error: {e}");
                return Err(EXIT_ERROR);
            }
        },
        None => (config::FileConfig::default(), "drlint.toml".to_string()),
    };
    let selection = match selection::resolve(&file_cfg, &cfg_name, &args.select, &args.ignore) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(EXIT_ERROR);
        }
    };
    Ok(LoadedConfig {
        file_cfg,
        cfg_name,
        cfg_path,
        selection,
    })
}

/// Why a report cannot be written to `path`, checked before any work (the path itself is not
/// created or truncated here).
fn target_problem(path: &Path) -> Option<String> {
    if path.as_os_str().is_empty() {
        return Some("the path is empty".to_string());
    }
    if path.is_dir() {
        return Some("is a directory; give a file path, e.g. reports/drlint.sarif".to_string());
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Some(if parent.exists() {
            format!("{} is not a directory", parent.display())
        } else {
            format!(
                "directory {} does not exist; create it first (e.g. `mkdir -p {}`)",
                parent.display(),
                parent.display()
            )
        });
    }
    if path.exists()
        && let Err(e) = std::fs::OpenOptions::new().append(true).open(path)
    {
        return Some(format!("cannot be written: {e}"));
    }
    if let Ok(m) = std::fs::metadata(parent)
        && m.permissions().readonly()
    {
        return Some(format!("directory {} is read-only", parent.display()));
    }
    None
}

/// The same file, however it is spelled (`a.sarif`, `./a.sarif`, `dir/../a.sarif`).
fn target_key(path: &Path) -> PathBuf {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf());
    match path.file_name() {
        Some(n) => dir.join(n),
        None => path.to_path_buf(),
    }
}

/// Checks `--output` / `--report` targets and loads the configuration (found from `anchor`, the
/// first input).
/// `inputs` are the paths given on the command line: a report must not overwrite one.
fn prepare(args: &RunArgs, inputs: &[String], anchor: Option<&str>) -> Result<Prepared, i32> {
    let mut extra = Vec::new();
    for spec in &args.report {
        let Some((fmt, path)) = spec.split_once('=') else {
            eprintln!("error: --report {spec}: expected FORMAT=PATH, e.g. sarif=drlint.sarif");
            return Err(EXIT_ERROR);
        };
        match fmt.parse::<Format>() {
            Ok(f) => extra.push((f, PathBuf::from(path))),
            Err(_) => {
                eprintln!(
                    "error: --report {spec}: unknown format `{fmt}` (human, sarif, json, github, markdown, svg)"
                );
                return Err(EXIT_ERROR);
            }
        }
    }
    let mut targets: Vec<(String, &Path)> = Vec::new();
    if let Some(o) = &args.output {
        targets.push(("--output".to_string(), o.as_path()));
    }
    for (spec, (_, p)) in args.report.iter().zip(&extra) {
        targets.push((format!("--report {spec}"), p.as_path()));
    }
    let mut seen: Vec<(PathBuf, &str)> = Vec::new();
    for (flag, path) in &targets {
        if let Some(why) = target_problem(path) {
            eprintln!("error: {flag}: {}: {why}", path.display());
            return Err(EXIT_ERROR);
        }
        let key = target_key(path);
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            eprintln!(
                "error: {flag}: {} is also the target of {first}; each report needs its own file",
                path.display()
            );
            return Err(EXIT_ERROR);
        }
        // (A report inside an input directory is fine: it is not one of drlint's input kinds.)
        if inputs
            .iter()
            .any(|i| std::fs::canonicalize(i).is_ok_and(|c| c == key))
        {
            eprintln!(
                "error: {flag}: {} is an input; writing the report there would overwrite it",
                path.display()
            );
            return Err(EXIT_ERROR);
        }
        seen.push((key, flag));
    }
    if let Some(d) = &args.source_dir
        && !d.is_dir()
    {
        eprintln!(
            "error: --source-dir {}: {}\n  help: pass the directory that holds the Terraform root module's .tf files, or leave --source-dir out",
            d.display(),
            if d.exists() {
                "not a directory"
            } else {
                "no such directory"
            }
        );
        return Err(EXIT_ERROR);
    }
    let baseline = match &args.baseline {
        Some(p) => match crate::baseline::load(p) {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("error: --baseline {e}");
                return Err(EXIT_ERROR);
            }
        },
        None => None,
    };
    let cfg = load_config(&args.settings, anchor)?;
    Ok(Prepared {
        extra,
        cfg,
        baseline,
        create_baseline: None,
    })
}

/// Configuration file + flags + inference from the model, with the rule selection applied.
fn resolve_settings(
    args: &SettingsArgs,
    fail_on: Option<FailOn>,
    undecided: Option<UndecidedMode>,
    cfg: LoadedConfig,
    model: &crate::model::Model,
) -> Result<config::Settings, i32> {
    let LoadedConfig {
        file_cfg,
        cfg_name,
        cfg_path,
        selection,
    } = cfg;
    let overrides = Overrides {
        env_suffix: args.env_suffix.clone(),
        profile: args.profile,
        primary: args.primary_region.clone(),
        dr: args.dr_region.clone(),
        rpo: args.rpo.clone(),
        rto: args.rto.clone(),
        strict_objectives: args.strict_objectives,
        min_retention_days: args.min_retention_days,
        fail_on,
        undecided,
    };
    let mut settings = match config::resolve(file_cfg, &cfg_name, &overrides, &model.infer()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(EXIT_ERROR);
        }
    };
    settings.config_file = cfg_path.map(|p| p.display().to_string());
    settings.rule_levels = selection.levels;
    for (w, id) in settings.waivers.iter_mut().zip(selection.waiver_rules) {
        w.rule = id.to_string();
    }
    settings.disabled_rules = rules::ALL
        .iter()
        .filter(|r| !selection.enabled.iter().any(|e| e.id == r.id))
        .map(|r| r.id.to_string())
        .collect();
    Ok(settings)
}

/// A memory figure of this process from /proc/self/status, in MiB (0 where there is none).
fn proc_status_mib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// User and system CPU time of this process so far, from /proc/self/stat (0 where there is
/// none). Ticks are taken as 100 a second, the value on every Linux that drlint is built for.
fn process_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // The fields after the command name, which is in parentheses and may hold spaces.
            let rest = &s[s.rfind(')')? + 1..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .map_or(0.0, |ticks| ticks as f64 / 100.0)
}

/// Loaded sources to reports and an exit code: the one pipeline behind `drlint FILE...` and
/// `drlint live`. `notices` (regions a live audit could not read) join the report's notices,
/// and make SARIF say the run did not succeed (`executionSuccessful: false`).
/// `started` is when reading the inputs began (for DRLINT_TIMINGS).
fn run(
    args: &RunArgs,
    prepared: Prepared,
    loaded: &[SourceFile],
    notices: &[String],
    started: std::time::Instant,
    live: LiveExtra,
) -> i32 {
    let Prepared {
        extra,
        cfg,
        baseline,
        create_baseline,
    } = prepared;
    let root = match report::SourceRoot::resolve(args.source_root.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    // DRLINT_TIMINGS=1 prints the time of each phase on stderr (for benchmarks), with the
    // resident memory then: the mapped files' pages (and the binary's) apart from the heap.
    let timings = std::env::var_os("DRLINT_TIMINGS").is_some();
    let mut clock = started;
    let mut cpu_before = 0.0;
    let mut phase = |name: &str| {
        if timings {
            let cpu = process_cpu_seconds();
            eprintln!(
                "timing: {name:<8} {:>8.3} s  cpu {:>6.2} s  rss {:>6} MiB  peak {:>6} MiB  (file {:>4} MiB, anon {:>4} MiB)",
                clock.elapsed().as_secs_f64(),
                cpu - cpu_before,
                proc_status_mib("VmRSS:"),
                proc_status_mib("VmHWM:"),
                proc_status_mib("RssFile:"),
                proc_status_mib("RssAnon:")
            );
            cpu_before = cpu;
        }
        clock = std::time::Instant::now();
    };
    phase("read");
    // A baseline target that a named directory contributed as an input.
    if let Some(path) = &create_baseline {
        let key = target_key(path);
        if loaded
            .iter()
            .any(|f| std::fs::canonicalize(&f.name).is_ok_and(|c| c == key))
        {
            eprintln!(
                "error: baseline create: {} is one of the inputs read from a directory; writing the baseline there would overwrite it",
                path.display()
            );
            return EXIT_ERROR;
        }
    }
    let mut model = match crate::read::build_model(loaded) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    crate::read::attach_sources(
        &mut model,
        &crate::read::SourceOptions {
            dir: args.source_dir.clone(),
        },
    );
    let LiveExtra {
        locator,
        source_summary,
        source_warnings,
        runs: live_runs,
    } = live;
    if let Some(l) = locator {
        model.sources = Some(l);
    }
    model.source_summary.extend(source_summary);
    model.warnings.extend(source_warnings);
    model
        .warnings
        .extend(notices.iter().map(|n| crate::model::Warning {
            file: None,
            span: None,
            message: n.clone(),
        }));
    phase("model");
    let enabled = cfg.selection.enabled.clone();
    let settings = match resolve_settings(&args.settings, args.fail_on, args.undecided, cfg, &model)
    {
        Ok(s) => s,
        Err(code) => return code,
    };
    let cx = Ctx::new(&model, &settings);
    let outcomes = rules::run(&cx, &enabled);
    phase("rules");
    let mut report = crate::findings::build(&model, &settings, outcomes);
    if let Some(b) = &baseline {
        crate::baseline::apply(&mut report, b);
    }
    // The rules and the findings have read what they need of the inputs; the few lines the
    // reports show are mapped again when read (see `Text::release`).
    for f in loaded {
        f.text.release();
    }
    phase("findings");
    if let Some(path) = &create_baseline {
        let file = crate::baseline::create(&report);
        if let Err(e) = crate::baseline::write(path, &file) {
            eprintln!(
                "error: baseline create: cannot write {}: {e}",
                path.display()
            );
            return EXIT_ERROR;
        }
        let n = file.findings.len();
        eprintln!(
            "drlint: wrote {n} finding{} to baseline {}; run with `--baseline {}` to report only new findings",
            if n == 1 { "" } else { "s" },
            path.display(),
            path.display()
        );
    }

    let color = match args.color {
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
        ColorWhen::Auto
            if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() =>
        {
            ColorChoice::Auto
        }
        ColorWhen::Auto => ColorChoice::Never,
    };
    let mut targets = vec![(args.format, args.output.clone())];
    targets.extend(extra.into_iter().map(|(f, p)| (f, Some(p))));
    // The picture (SVG, or Mermaid in the Markdown report) is drawn from the posture, computed
    // only when asked for.
    let posture = targets
        .iter()
        .any(|(f, _)| matches!(f, Format::Svg | Format::Markdown))
        .then(|| crate::posture::build(&cx, &report.findings));
    for (fmt, path) in targets {
        let res = match path {
            None => {
                if fmt == Format::Human {
                    let mut s = BufferedStandardStream::stdout(color);
                    report::human::render(&report, &mut s).and_then(|()| s.flush())
                } else {
                    // Standard output is line-buffered: a report of many lines would be one
                    // write per line.
                    let mut s =
                        std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
                    let extra = (live_runs.as_ref(), posture.as_ref());
                    write_format(fmt, &report, &root, notices, extra, &mut s)
                        .and_then(|()| s.flush())
                }
            }
            Some(p) => std::fs::File::create(&p)
                .map(std::io::BufWriter::new)
                .and_then(|mut f| {
                    if fmt == Format::Human {
                        report::human::render(&report, &mut NoColor::new(&mut f))?;
                    } else {
                        let extra = (live_runs.as_ref(), posture.as_ref());
                        write_format(fmt, &report, &root, notices, extra, &mut f)?;
                    }
                    f.flush()
                })
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", p.display()))),
        };
        if let Err(e) = res {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                break;
            }
            eprintln!("error: cannot write the report: {e}");
            return EXIT_ERROR;
        }
    }
    phase("report");
    let code = if create_baseline.is_some() {
        // The findings are accepted: that is what the baseline is for.
        EXIT_OK
    } else if report.failed() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    // The process ends once the reports are written: freeing the model (a tree per resource)
    // and the findings one allocation at a time would only delay the exit (0.1 s on a plan
    // of 100k resources). The operating system takes the memory back at once, as compilers
    // do with theirs (clang's -disable-free).
    std::mem::forget(posture);
    std::mem::forget(report);
    std::mem::forget(model);
    code
}

#[cfg(feature = "live")]
fn live(args: &LiveArgs) -> i32 {
    let prepared = match prepare(&args.run, &args.state, None) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // Every SARIF result needs a file to point at: the saved snapshot (a --state points only the
    // resources it manages at their .tf lines). Checked before any call is made.
    let sarif = std::iter::once(args.run.format)
        .chain(prepared.extra.iter().map(|(f, _)| *f))
        .any(|f| f == Format::Sarif);
    if sarif && args.save_snapshot.is_none() {
        eprintln!(
            "error: SARIF from `drlint live` needs --save-snapshot DIR: every code-scanning result must point into a file in the checkout, and the live inventory is only in memory\n  help: add `--save-snapshot snapshots` (the findings then point into snapshots/<region>.json; with --state FILE, those on resources Terraform manages point at their .tf line)"
        );
        return EXIT_ERROR;
    }
    if let Some(dir) = &args.save_snapshot
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("error: --save-snapshot {}: {e}", dir.display());
        return EXIT_ERROR;
    }
    // The state files, before any call: a bad one is a usage error.
    let mut extra = LiveExtra::default();
    if !args.state.is_empty() {
        let files = match load_all(&args.state, None) {
            Ok(f) => f,
            Err(code) => return code,
        };
        match crate::live::managed::state_sources(&files, args.run.source_dir.clone()) {
            Ok(s) => {
                if s.locator.is_none() {
                    extra.source_summary.push(format!(
                        "--state: no Terraform sources found for {}; live findings point into the snapshots",
                        args.state.join(", ")
                    ));
                }
                extra.locator = s.locator;
                extra.source_summary.extend(s.summary);
                extra.source_warnings = s.warnings;
                if s.with_arn == 0 {
                    extra.source_summary.push(
                        "--state: no resource in the state has an ARN, so no live finding can be matched to it".to_string(),
                    );
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        }
    }
    let opts = crate::live::Options {
        regions: args.region.clone(),
        aggregator: args.aggregator.clone(),
        aws_profile: args.aws_profile.clone(),
        endpoint_url: args.endpoint_url.clone(),
        progress: crate::live::progress::Mode::pick(args.quiet, args.progress),
        concurrency: usize::from(args.concurrency),
    };
    let started = std::time::Instant::now();
    let audit = match crate::live::audit(&opts) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let mut notices = Vec::new();
    let mut incomplete = false;
    let several = opts.aggregator.is_some() || opts.regions.len() > 1;
    let mut report_fault = |scope: &str, message: &str| {
        let others = if several {
            "; the others were audited"
        } else {
            ""
        };
        eprintln!("drlint: {scope}: {message}{others}");
        notices.push(format!("audit incomplete: {scope}: {message}"));
        incomplete = true;
    };
    for f in &audit.faults {
        report_fault(&f.scope, &f.message);
    }
    let mut loaded = Vec::new();
    let mut runs = Vec::new();
    for doc in audit.documents {
        let (label, account, region, complete) = (doc.label, doc.account, doc.region, doc.complete);
        let file = match &args.save_snapshot {
            Some(dir) => {
                let path = dir.join(format!("{label}.json"));
                if let Err(e) = std::fs::write(&path, &doc.json) {
                    eprintln!("error: --save-snapshot {}: {e}", path.display());
                    return EXIT_ERROR;
                }
                // Read from memory, named by the saved file: findings point into it.
                input::decode(&path.to_string_lossy(), doc.json.into_bytes())
            }
            // Not a file on disk: SARIF is not written without --save-snapshot.
            None => input::decode(
                &format!("{}{label}", input::LIVE_PREFIX),
                doc.json.into_bytes(),
            ),
        };
        match file {
            Ok(f) => {
                match (&account, complete) {
                    (Some(a), true) => runs.push(report::sarif::LiveRun {
                        account: a.clone(),
                        region: region.clone(),
                        file: loaded.len(),
                    }),
                    (None, _) => report_fault(
                        &format!("region {region}"),
                        "the account could not be told (STS GetCallerIdentity failed and no item names it), so its findings have no code-scanning category and are left out of SARIF results",
                    ),
                    _ => {}
                }
                loaded.push(f);
            }
            Err(e) => report_fault(&label, &e.to_string()),
        }
    }
    if opts.progress != crate::live::progress::Mode::Off {
        let n: usize = loaded.len();
        eprintln!(
            "drlint: audit fetched {n} document{} in {:.1} s",
            if n == 1 { "" } else { "s" },
            started.elapsed().as_secs_f64()
        );
    }
    extra.runs = Some(report::sarif::LiveRuns { runs });
    let code = run(&args.run, prepared, &loaded, &notices, started, extra);
    if incomplete && code != EXIT_ERROR {
        EXIT_INCOMPLETE
    } else {
        code
    }
}

fn write_format(
    fmt: Format,
    report: &crate::findings::Report,
    root: &report::SourceRoot,
    faults: &[String],
    // The live audit's runs (SARIF) and the computed posture (SVG, Markdown), when there are.
    (live, posture): (
        Option<&report::sarif::LiveRuns>,
        Option<&crate::posture::Posture>,
    ),
    w: &mut dyn Write,
) -> std::io::Result<()> {
    match fmt {
        Format::Svg => match posture {
            Some(p) => w.write_all(crate::posture::svg::render(p).as_bytes()),
            None => Err(std::io::Error::other("the posture was not computed")),
        },
        Format::Human => report::human::render(report, &mut NoColor::new(w)),
        Format::Sarif => match live {
            Some(l) => report::sarif::render_live(report, root, faults, l, w),
            None => report::sarif::render(report, root, faults, w),
        },
        Format::Json => report::json::render(report, w),
        Format::Github => report::github::render(report, root, w),
        Format::Markdown => report::markdown::render(report, posture, w),
    }
}

/// `drlint posture FILE...`: the posture page, and the picture with `--svg FILE`.
fn posture(args: &PostureArgs) -> i32 {
    let mut targets: Vec<(&str, &Path)> = Vec::new();
    if let Some(o) = &args.output {
        targets.push(("--output", o.as_path()));
    }
    if let Some(p) = &args.svg {
        targets.push(("--svg", p.as_path()));
    }
    for (flag, path) in &targets {
        if let Some(why) = target_problem(path) {
            eprintln!("error: {flag}: {}: {why}", path.display());
            return EXIT_ERROR;
        }
        if args
            .files
            .iter()
            .any(|i| std::fs::canonicalize(i).is_ok_and(|c| c == target_key(path)))
        {
            eprintln!(
                "error: {flag}: {} is an input; writing there would overwrite it",
                path.display()
            );
            return EXIT_ERROR;
        }
    }
    if let [(_, a), (_, b)] = targets[..]
        && target_key(a) == target_key(b)
    {
        eprintln!(
            "error: --svg: {} is also the target of --output; each needs its own file",
            b.display()
        );
        return EXIT_ERROR;
    }
    let (cfg, loaded) =
        match config_and_inputs(&args.settings, &args.files, args.stdin_filename.as_deref()) {
            Ok(x) => x,
            Err(code) => return code,
        };
    let model = match crate::read::build_model(&loaded) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let enabled = cfg.selection.enabled.clone();
    let settings = match resolve_settings(&args.settings, None, args.undecided, cfg, &model) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let cx = Ctx::new(&model, &settings);
    let outcomes = rules::run(&cx, &enabled);
    let report = crate::findings::build(&model, &settings, outcomes);
    let posture = crate::posture::build(&cx, &report.findings);
    let render = |fmt: PostureFormat, w: &mut dyn Write| -> std::io::Result<()> {
        match fmt {
            PostureFormat::Human => crate::posture::text::render_human(&posture, w),
            PostureFormat::Markdown => crate::posture::text::render_markdown(&posture, w),
            PostureFormat::Json => {
                serde_json::to_writer_pretty(&mut *w, &posture).map_err(std::io::Error::other)?;
                writeln!(w)
            }
            PostureFormat::Svg => w.write_all(crate::posture::svg::render(&posture).as_bytes()),
        }
    };
    let mut outputs: Vec<(PostureFormat, Option<&Path>)> =
        vec![(args.format, args.output.as_deref())];
    if let Some(p) = &args.svg {
        outputs.push((PostureFormat::Svg, Some(p.as_path())));
    }
    for (fmt, path) in outputs {
        let res = match path {
            None => {
                let mut s = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
                render(fmt, &mut s).and_then(|()| s.flush())
            }
            Some(p) => std::fs::File::create(p)
                .map(std::io::BufWriter::new)
                .and_then(|mut f| {
                    render(fmt, &mut f)?;
                    f.flush()
                })
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", p.display()))),
        };
        match res {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => break,
            Err(e) => {
                eprintln!("error: cannot write the posture: {e}");
                return EXIT_ERROR;
            }
            Ok(()) => {}
        }
    }
    EXIT_OK
}
