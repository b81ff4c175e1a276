//! The parse limit of a JSON file, for benchmarks: read the file and parse it once with
//! serde_json into `serde::de::IgnoredAny` (every byte validated, nothing built). No linter that
//! reads the whole file can be faster than this by much, so drlint's time is reported as a ratio
//! to it, measured in the same run: `cargo run --release --example parse_limit -- plan.json`.

use serde::de::IgnoredAny;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_limit FILE.json");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    match serde_json::from_str::<IgnoredAny>(&text) {
        Ok(_) => println!("{path}: {} bytes of valid JSON", text.len()),
        Err(e) => {
            eprintln!("{path}: invalid JSON: {e}");
            std::process::exit(2);
        }
    }
}
