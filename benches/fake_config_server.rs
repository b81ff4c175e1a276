//! The fake AWS Config endpoint of the live tests (`tests/fake_config`), serving generated
//! inventories, for the live-audit benchmark (`SUITE=live bash benches/run.sh`).
//!
//!   fake_config_server ITEMS [ACCOUNTS] [REGIONS_COMMA_SEPARATED] [THROTTLE_EVERY]
//!
//! Prints the endpoint's URL on the first line of standard output, then serves until killed
//! (at most an hour).

#[path = "../tests/fake_config/mod.rs"]
mod fake_config;

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: fake_config_server ITEMS [ACCOUNTS] [REGIONS] [THROTTLE_EVERY]";
    let num = |i: usize, default: usize| -> usize {
        args.get(i).map_or(default, |a| {
            a.parse().unwrap_or_else(|_| {
                eprintln!("{usage}: `{a}` is not a number");
                std::process::exit(2)
            })
        })
    };
    let Some(items) = args.first().and_then(|a| a.parse().ok()) else {
        eprintln!("{usage}");
        std::process::exit(2)
    };
    let accounts = num(1, 4).max(1);
    let regions: Vec<String> = args
        .get(2)
        .map_or("us-east-1,us-west-2", String::as_str)
        .split(',')
        .map(str::to_string)
        .collect();
    let throttle_every = num(3, 0);
    let srv = fake_config::start(
        fake_config::Scenario::Generated {
            items,
            accounts,
            regions,
            throttle_every,
        },
        std::time::Duration::from_secs(3600),
    );
    println!("{}", srv.url);
    let _ = std::io::stdout().flush();
    std::thread::sleep(std::time::Duration::from_secs(3600));
}
