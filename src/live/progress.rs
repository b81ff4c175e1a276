//! The progress line of `drlint live` on stderr: items fetched per region (or per account and
//! region of an aggregator) and the rate. On a terminal, one line rewritten in place a few times
//! a second; elsewhere (CI logs) a plain line every few seconds; nothing with `--quiet`. Each
//! scope also gets a final line when it is done (not with `--quiet`).

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Nothing (`--quiet`).
    #[default]
    Off,
    /// A plain line every [`LINE_INTERVAL`] (stderr is not a terminal, or `--progress`).
    Lines,
    /// One line rewritten in place (stderr is a terminal).
    Bar,
}

impl Mode {
    /// `--quiet` wins; `--progress` asks for plain lines; else a bar on a terminal, plain lines
    /// elsewhere.
    pub fn pick(quiet: bool, lines: bool) -> Mode {
        if quiet {
            Mode::Off
        } else if lines || !std::io::stderr().is_terminal() {
            Mode::Lines
        } else {
            Mode::Bar
        }
    }
}

/// How often plain lines are printed.
pub const LINE_INTERVAL: Duration = Duration::from_secs(5);
const BAR_INTERVAL: Duration = Duration::from_millis(200);

/// One counter per scope; the ticker thread reads them.
pub struct Progress {
    mode: Mode,
    scopes: Mutex<Vec<Scope>>,
    stop: AtomicBool,
}

struct Scope {
    name: String,
    started: Instant,
    count: Arc<AtomicUsize>,
    done: bool,
}

/// A handle a fetching task counts its items on.
#[derive(Clone)]
pub struct Counter(Arc<AtomicUsize>);

impl Counter {
    pub fn add(&self, n: usize) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
}

fn rate(n: usize, since: Instant) -> String {
    let secs = since.elapsed().as_secs_f64();
    if secs < 0.05 {
        return String::new();
    }
    format!(", {:.0}/s", n as f64 / secs)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl Progress {
    pub fn new(mode: Mode) -> Arc<Progress> {
        Arc::new(Progress {
            mode,
            scopes: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        })
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Starts counting for `name` (`us-east-1`, `aggregator org`).
    pub fn scope(&self, name: &str) -> Counter {
        let count = Arc::new(AtomicUsize::new(0));
        if let Ok(mut s) = self.scopes.lock() {
            s.push(Scope {
                name: name.to_string(),
                started: Instant::now(),
                count: count.clone(),
                done: false,
            });
        }
        Counter(count)
    }

    /// The scope is done: its final line (`drlint: us-east-1: 2 items in 0.3 s`).
    pub fn done(&self, name: &str, what: &str) {
        let Ok(mut s) = self.scopes.lock() else {
            return;
        };
        let Some(sc) = s.iter_mut().find(|s| s.name == name && !s.done) else {
            return;
        };
        sc.done = true;
        if self.mode == Mode::Off {
            return;
        }
        let n = sc.count.load(Ordering::Relaxed);
        let line = format!(
            "drlint: {name}: {n} item{} {what} in {:.1} s{}",
            plural(n),
            sc.started.elapsed().as_secs_f64(),
            rate(n, sc.started)
        );
        let mut e = std::io::stderr().lock();
        if self.mode == Mode::Bar {
            let _ = write!(e, "\r\x1b[2K");
        }
        let _ = writeln!(e, "{line}");
    }

    /// The line for the scopes still running, if any.
    fn line(&self) -> Option<String> {
        let s = self.scopes.lock().ok()?;
        let parts: Vec<String> = s
            .iter()
            .filter(|s| !s.done)
            .map(|s| {
                let n = s.count.load(Ordering::Relaxed);
                format!("{}: {n} item{}{}", s.name, plural(n), rate(n, s.started))
            })
            .collect();
        if parts.is_empty() {
            return None;
        }
        Some(format!("drlint: {}", parts.join("; ")))
    }

    /// Prints the line periodically until [`Progress::finish`]; a no-op with [`Mode::Off`].
    pub fn start(self: &Arc<Self>) -> Option<std::thread::JoinHandle<()>> {
        if self.mode == Mode::Off {
            return None;
        }
        let p = self.clone();
        Some(std::thread::spawn(move || {
            let every = if p.mode == Mode::Bar {
                BAR_INTERVAL
            } else {
                LINE_INTERVAL
            };
            let mut last = Instant::now();
            while !p.stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
                if last.elapsed() < every {
                    continue;
                }
                last = Instant::now();
                if let Some(line) = p.line() {
                    let mut e = std::io::stderr().lock();
                    let _ = if p.mode == Mode::Bar {
                        // Cut to the terminal's usual width so the line never wraps.
                        let cut: String = line.chars().take(119).collect();
                        write!(e, "\r\x1b[2K{cut}")
                    } else {
                        writeln!(e, "{line}")
                    };
                    let _ = e.flush();
                }
            }
            if p.mode == Mode::Bar {
                let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            }
        }))
    }

    pub fn finish(&self, ticker: Option<std::thread::JoinHandle<()>>) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = ticker {
            let _ = t.join();
        }
    }
}
