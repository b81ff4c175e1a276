//! The command line: `drlint FILE...`, `drlint live ...`, `drlint rules`, `drlint explain ID`,
//! `drlint regions FILE...`.

use crate::config::{self, FailOn, Overrides, Profile, UndecidedMode};
use crate::input::{self, SourceFile};
use crate::report::{self, Format};
use crate::rules::{self, Ctx};
use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, NoColor, StandardStream};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

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
`cdk.tf.json` against the DR contract: naming, teardown settings, customer-managed keys in the right region, \
S3 cross-region replication, CIDRs and peering, backups, and Route 53 failover.\n\n\
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
        /// `json`: an array of {id, name, family, level, security_severity, summary, help_uri,
        /// needs}; `markdown`: the README table.
        #[arg(long, short = 'f', value_enum, default_value_t = TableFormat::Human)]
        format: TableFormat,
    },
    /// Print a rule's help page (by id or name).
    Explain { rule: String },
    /// Print the region resolved for every resource, and why.
    Regions {
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Audit live AWS accounts through AWS Config (read-only calls) and lint what is deployed.
    #[cfg(feature = "live")]
    Live(Box<LiveArgs>),
}

#[cfg(feature = "live")]
#[derive(Args, Debug)]
#[command(
    long_about = "Audits live AWS accounts through AWS Config with read-only calls \
(DescribeConfigurationRecorderStatus, ListDiscoveredResources, BatchGetResourceConfig; \
SelectAggregateResourceConfig with --aggregator) and lints what is deployed.\n\n\
Regions are audited in parallel. A region that cannot be audited (no credentials, AccessDenied, \
AWS Config not recording) is reported and the other regions are still audited; the exit code is \
then 3 (audit incomplete)."
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
    /// Send AWS Config API calls to this endpoint (e.g. a VPC endpoint or a test server).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Write what was fetched as snapshot files DIR/<region>.json (lintable offline; SARIF
    /// locations point into them).
    #[arg(long, value_name = "DIR")]
    pub save_snapshot: Option<PathBuf>,
    /// Print progress on stderr even when it is not a terminal.
    #[arg(long)]
    pub progress: bool,
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
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Plan / state / Terraform JSON files; `-` reads standard input. Several files are one system.
    pub files: Vec<String>,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Settings and output options shared by `drlint FILE...` and `drlint live`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Configuration file (default: drlint.toml next to the first input, else in the current directory).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Environment suffix every name must carry (overrides environment_suffix).
    #[arg(long, value_name = "SUFFIX")]
    pub env_suffix: Option<String>,
    /// DR profile: production stacks keep data; ephemeral stacks must be destroyable.
    #[arg(long, value_enum)]
    pub profile: Option<Profile>,
    #[arg(long, value_name = "REGION")]
    pub primary_region: Option<String>,
    #[arg(long, value_name = "REGION")]
    pub dr_region: Option<String>,
    /// Recovery point objective, e.g. 5m.
    #[arg(long)]
    pub rpo: Option<String>,
    /// Recovery time objective, e.g. 15m.
    #[arg(long)]
    pub rto: Option<String>,
    #[arg(long, value_name = "DAYS")]
    pub min_retention_days: Option<u32>,
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
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
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
        Some(Command::Regions { files }) => regions(&files),
        #[cfg(feature = "live")]
        Some(Command::Live(args)) => live(&args),
        None => lint(&cli.lint),
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
    match rules::by_id(id) {
        Some(r) => {
            print!("{}", r.help_markdown());
            EXIT_OK
        }
        None => {
            eprintln!("error: no rule `{id}`; `drlint rules` lists them");
            EXIT_ERROR
        }
    }
}

fn load_all(files: &[String]) -> Result<Vec<SourceFile>, i32> {
    if files.iter().filter(|f| *f == "-").count() > 1 {
        eprintln!("error: `-` (standard input) can be given only once");
        return Err(EXIT_ERROR);
    }
    let loaded: Vec<Result<SourceFile, input::InputError>> =
        files.par_iter().map(|f| input::load(f)).collect();
    let mut ok = Vec::new();
    let mut failed = false;
    for l in loaded {
        match l {
            Ok(f) => ok.push(f),
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    if failed { Err(EXIT_ERROR) } else { Ok(ok) }
}

fn regions(files: &[String]) -> i32 {
    let loaded = match load_all(files) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let model = match crate::read::build_model(&loaded) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let mut out = std::io::stdout().lock();
    for r in &model.resources {
        let _ = writeln!(
            out,
            "{}\t{}\t{:?}",
            r.address,
            r.region.as_deref().unwrap_or("unknown"),
            r.region_source
        );
    }
    EXIT_OK
}

fn lint(args: &LintArgs) -> i32 {
    if args.files.is_empty() {
        eprintln!(
            "error: no input files\n  help: run `drlint plan.json` (from `terraform show -json tfplan > plan.json`) or `drlint cdktf.out/stacks/<stack>/cdk.tf.json`; `drlint --help` lists the options"
        );
        return EXIT_ERROR;
    }
    let prepared = match prepare(&args.run, args.files.first().map(String::as_str)) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let started = std::time::Instant::now();
    let loaded = match load_all(&args.files) {
        Ok(f) => f,
        Err(code) => return code,
    };
    run(&args.run, prepared, &loaded, &[], started)
}

/// What is checked before any input is read: report targets and the configuration file.
pub struct Prepared {
    extra: Vec<(Format, PathBuf)>,
    file_cfg: config::FileConfig,
    cfg_name: String,
}

/// Checks `--report` specs and loads the configuration (next to `anchor`, the first input).
fn prepare(args: &RunArgs, anchor: Option<&str>) -> Result<Prepared, i32> {
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
                    "error: --report {spec}: unknown format `{fmt}` (human, sarif, json, github, markdown)"
                );
                return Err(EXIT_ERROR);
            }
        }
    }
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
    Ok(Prepared {
        extra,
        file_cfg,
        cfg_name,
    })
}

/// Loaded sources to reports and an exit code: the one pipeline behind `drlint FILE...` and
/// `drlint live`. `notices` (e.g. regions a live audit could not read) join the report's notices.
/// `started` is when reading the inputs began (for DRLINT_TIMINGS).
fn run(
    args: &RunArgs,
    prepared: Prepared,
    loaded: &[SourceFile],
    notices: &[String],
    started: std::time::Instant,
) -> i32 {
    let Prepared {
        extra,
        file_cfg,
        cfg_name,
    } = prepared;
    // DRLINT_TIMINGS=1 prints the time of each phase on stderr (for benchmarks).
    let timings = std::env::var_os("DRLINT_TIMINGS").is_some();
    let mut clock = started;
    let mut phase = |name: &str| {
        if timings {
            eprintln!("timing: {name:<8} {:>8.3} s", clock.elapsed().as_secs_f64());
        }
        clock = std::time::Instant::now();
    };
    phase("read");
    let mut model = match crate::read::build_model(loaded) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    model
        .warnings
        .extend(notices.iter().map(|n| crate::model::Warning {
            file: None,
            span: None,
            message: n.clone(),
        }));
    phase("model");
    let overrides = Overrides {
        env_suffix: args.env_suffix.clone(),
        profile: args.profile,
        primary: args.primary_region.clone(),
        dr: args.dr_region.clone(),
        rpo: args.rpo.clone(),
        rto: args.rto.clone(),
        min_retention_days: args.min_retention_days,
        fail_on: args.fail_on,
        undecided: args.undecided,
    };
    let settings = match config::resolve(file_cfg, &cfg_name, &overrides, &model.infer()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let cx = Ctx::new(&model, &settings);
    let outcomes = rules::run(&cx, rules::ALL);
    let report = crate::findings::build(&model, &settings, outcomes);
    phase("rules");

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
    for (fmt, path) in targets {
        let res = match path {
            None => {
                if fmt == Format::Human {
                    let mut s = StandardStream::stdout(color);
                    report::human::render(&report, &mut s)
                } else {
                    let mut s = std::io::stdout().lock();
                    write_format(fmt, &report, &mut s)
                }
            }
            Some(p) => std::fs::File::create(&p)
                .map(std::io::BufWriter::new)
                .and_then(|mut f| {
                    if fmt == Format::Human {
                        report::human::render(&report, &mut NoColor::new(&mut f))?;
                    } else {
                        write_format(fmt, &report, &mut f)?;
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
    if report.failed() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

#[cfg(feature = "live")]
fn live(args: &LiveArgs) -> i32 {
    let prepared = match prepare(&args.run, None) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(dir) = &args.save_snapshot
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("error: --save-snapshot {}: {e}", dir.display());
        return EXIT_ERROR;
    }
    let opts = crate::live::Options {
        regions: args.region.clone(),
        aggregator: args.aggregator.clone(),
        aws_profile: args.aws_profile.clone(),
        endpoint_url: args.endpoint_url.clone(),
        progress: args.progress || std::io::stderr().is_terminal(),
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
    let mut report_fault = |scope: &str, message: &str| {
        let others = if opts.aggregator.is_some() || opts.regions.len() < 2 {
            ""
        } else {
            "; the other regions were audited"
        };
        eprintln!("drlint: {scope}: {message}{others}");
        notices.push(format!("audit incomplete: {scope}: {message}"));
        incomplete = true;
    };
    for f in &audit.faults {
        report_fault(&f.scope, &f.message);
    }
    let mut loaded = Vec::new();
    for doc in audit.documents {
        let file = match &args.save_snapshot {
            Some(dir) => {
                let path = dir.join(format!("{}.json", doc.label));
                if let Err(e) = std::fs::write(&path, &doc.json) {
                    eprintln!("error: --save-snapshot {}: {e}", path.display());
                    return EXIT_ERROR;
                }
                input::load(&path.to_string_lossy())
            }
            // Not a file on disk: SARIF reports such findings as notifications, not locations.
            None => input::decode(
                &format!("{}{}", input::LIVE_PREFIX, doc.label),
                doc.json.into_bytes(),
            ),
        };
        match file {
            Ok(f) => loaded.push(f),
            Err(e) => report_fault(&doc.label, &e.to_string()),
        }
    }
    if opts.progress {
        let n: usize = loaded.len();
        eprintln!(
            "drlint: audit fetched {n} document{} in {:.1} s",
            if n == 1 { "" } else { "s" },
            started.elapsed().as_secs_f64()
        );
    }
    let code = run(&args.run, prepared, &loaded, &notices, started);
    if incomplete && code != EXIT_ERROR {
        EXIT_INCOMPLETE
    } else {
        code
    }
}

fn write_format(
    fmt: Format,
    report: &crate::findings::Report,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    match fmt {
        Format::Human => report::human::render(report, &mut NoColor::new(w)),
        Format::Sarif => report::sarif::render(report, w),
        Format::Json => report::json::render(report, w),
        Format::Github => report::github::render(report, w),
        Format::Markdown => report::markdown::render(report, w),
    }
}
