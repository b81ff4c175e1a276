//! The command line: `drlint FILE...`, `drlint rules`, `drlint explain ID`, `drlint regions FILE...`.

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

#[derive(Parser, Debug)]
#[command(
    name = "drlint",
    version,
    about = "Policy and compliance linter for multi-region disaster-recovery infrastructure on AWS",
    long_about = "Checks Terraform plans (`terraform show -json`), Terraform state, and Terraform JSON / CDKTF \
`cdk.tf.json` against the DR contract: naming, teardown settings, customer-managed keys in the right region, \
S3 cross-region replication, CIDRs and peering, backups, and Route 53 failover.\n\n\
Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage error or unreadable input.",
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
    /// Print the rule table.
    Rules {
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
    },
    /// Print a rule's help page (by id or name).
    Explain { rule: String },
    /// Print the region resolved for every resource, and why.
    Regions {
        #[arg(required = true)]
        files: Vec<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TableFormat {
    Text,
    Markdown,
    Json,
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
        None => lint(&cli.lint),
    }
}

fn print_rules(format: TableFormat) -> i32 {
    let mut out = std::io::stdout().lock();
    let r = match format {
        TableFormat::Markdown => write!(out, "{}", rules::docs::rule_table_markdown()),
        TableFormat::Json => {
            let v: Vec<serde_json::Value> = rules::ALL
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "name": r.name, "family": r.family, "level": r.level.as_str(),
                        "security_severity": r.security_severity, "summary": r.summary(),
                    })
                })
                .collect();
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            )
        }
        TableFormat::Text => rules::ALL.iter().try_for_each(|r| {
            writeln!(
                out,
                "{}  {:<26} {:<8} {}",
                r.id,
                r.name,
                r.level.as_str(),
                r.summary()
            )
        }),
    };
    if r.is_err() { EXIT_ERROR } else { EXIT_OK }
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
    let mut extra = Vec::new();
    for spec in &args.report {
        let Some((fmt, path)) = spec.split_once('=') else {
            eprintln!("error: --report {spec}: expected FORMAT=PATH, e.g. sarif=drlint.sarif");
            return EXIT_ERROR;
        };
        match fmt.parse::<Format>() {
            Ok(f) => extra.push((f, PathBuf::from(path))),
            Err(_) => {
                eprintln!(
                    "error: --report {spec}: unknown format `{fmt}` (human, sarif, json, github, markdown)"
                );
                return EXIT_ERROR;
            }
        }
    }
    let cfg_path = config::find(
        args.config.as_deref(),
        args.files.first().map(String::as_str),
    );
    let (file_cfg, cfg_name) = match &cfg_path {
        Some(p) => match config::load_file(p) {
            Ok(c) => (c, p.display().to_string()),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        },
        None => (config::FileConfig::default(), "drlint.toml".to_string()),
    };

    // DRLINT_TIMINGS=1 prints the time of each phase on stderr (for benchmarks).
    let timings = std::env::var_os("DRLINT_TIMINGS").is_some();
    let mut clock = std::time::Instant::now();
    let mut phase = |name: &str| {
        if timings {
            eprintln!("timing: {name:<8} {:>8.3} s", clock.elapsed().as_secs_f64());
        }
        clock = std::time::Instant::now();
    };
    let loaded = match load_all(&args.files) {
        Ok(f) => f,
        Err(code) => return code,
    };
    phase("read");
    let model = match crate::read::build_model(&loaded) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
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
