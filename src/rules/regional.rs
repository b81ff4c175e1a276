//! Shared by DR805 and DR806: what makes two resources regional counterparts (names, construct
//! paths and module instances with their region and role words taken out), and which
//! primary-region resources are replicated into the DR region.

use super::Ctx;
use super::names::tokens;
use crate::model::{ResourceId, Target};
use foldhash::fast::FixedState;
use std::collections::HashSet;

/// Words that say which half of a two-region pair something is (the DR / primary role), not
/// what it is. Taken out of names before counterparts are compared.
const ROLE_WORDS: &[&str] = &[
    "primary",
    "secondary",
    "dr",
    "failover",
    "standby",
    "active",
    "passive",
];

/// The tokens that name the primary or the DR region in resource names: role words, both
/// regions in full (`us-east-1` as the token run `us east 1`) and in their compact spellings
/// (`useast1`, `use1`), and the aliases of the providers configured for either region
/// (`oregon`).
pub struct RegionWords {
    /// Single lowercase tokens (a fixed fast hasher: looked up for every token of every name).
    single: HashSet<String, FixedState>,
    /// Runs of tokens (`["us", "east", "1"]`).
    runs: Vec<Vec<String>>,
}

impl RegionWords {
    pub fn new(cx: &Ctx, regions: &[&str]) -> RegionWords {
        let mut single: HashSet<String, FixedState> =
            ROLE_WORDS.iter().map(|w| w.to_string()).collect();
        let mut runs = Vec::new();
        for region in regions {
            let parts: Vec<String> = tokens(region).map(str::to_ascii_lowercase).collect();
            single.insert(parts.concat());
            // us-east-1 → use1, ap-southeast-2 → apse2 (both spellings are common)
            if let [geo, dir, n] = parts.as_slice() {
                let short_dir: String = match dir.as_str() {
                    "east" => "e".into(),
                    "west" => "w".into(),
                    "north" => "n".into(),
                    "south" => "s".into(),
                    "central" => "c".into(),
                    "northeast" => "ne".into(),
                    "northwest" => "nw".into(),
                    "southeast" => "se".into(),
                    "southwest" => "sw".into(),
                    other => other.chars().take(1).collect(),
                };
                single.insert(format!("{geo}{short_dir}{n}"));
            }
            runs.push(parts);
            for p in &cx.model.providers {
                if p.region.as_deref() == Some(region)
                    && let Some(alias) = &p.alias
                {
                    for t in tokens(alias) {
                        single.insert(t.to_ascii_lowercase());
                    }
                }
            }
        }
        runs.retain(|r| r.len() > 1);
        RegionWords { single, runs }
    }

    /// `name` without its region and role words, tokens joined by `-`: `payments-primary-fn`
    /// and `payments-fn-us-west-2` both become `payments-fn`; `primary` and `dr` both become
    /// the empty key (`aws_kms_key.primary` and `aws_kms_key.dr` are a pair).
    pub fn strip(&self, name: &str) -> String {
        // The words are lowercase: tokens are compared without case and lowercased only when
        // they hold an uppercase letter, instead of a lowercased copy of each.
        let toks: Vec<&str> = tokens(name).collect();
        let mut out = String::with_capacity(name.len());
        let mut lower = String::new();
        let mut first = true;
        let mut i = 0;
        'outer: while i < toks.len() {
            for run in &self.runs {
                if toks.len() - i >= run.len()
                    && toks[i..i + run.len()]
                        .iter()
                        .zip(run)
                        .all(|(t, w)| t.eq_ignore_ascii_case(w))
                {
                    i += run.len();
                    continue 'outer;
                }
            }
            let t = toks[i];
            let t = if t.bytes().any(|b| b.is_ascii_uppercase()) {
                lower.clear();
                lower.push_str(t);
                lower.make_ascii_lowercase();
                lower.as_str()
            } else {
                t
            };
            if !self.single.contains(t) {
                if !first {
                    out.push('-');
                }
                out.push_str(t);
                first = false;
            }
            i += 1;
        }
        out
    }
}

/// Does the DynamoDB table `t` have a replica in `region` (an inline `replica` block, or an
/// `aws_dynamodb_table_replica` there whose `global_table_arn` points at it)? None when a
/// replica's region is not known.
pub fn table_replicated_in(cx: &Ctx, t: ResourceId, region: &str) -> Option<bool> {
    let m = cx.model;
    let r = m.get(t);
    let mut unknown = r.get("replica").is_unknown() && r.get("replica").is_set();
    for rep in r.get("replica").items() {
        match rep.get("region_name").str() {
            Some(x) if x == region => return Some(true),
            Some(_) => {}
            None if rep.get("region_name").is_set() => unknown = true,
            None => {}
        }
    }
    for &rp in m.of_type("aws_dynamodb_table_replica") {
        let rr = m.get(rp);
        let points = match m.target(rp, rr.get("global_table_arn")) {
            Target::Resources(ids) => ids.contains(&t),
            Target::Literal(s) => r.get("arn").str() == Some(s),
            _ => false,
        };
        if points && rr.region == Some(region) {
            return Some(true);
        }
    }
    if let Some(name) = r.get("name").str() {
        for gt in m.find_by_attr("aws_dynamodb_global_table", "name", name) {
            if m.get(gt)
                .get("replica")
                .items()
                .any(|x| x.get("region_name").str() == Some(region))
            {
                return Some(true);
            }
        }
    }
    if unknown { None } else { Some(false) }
}

/// Does the Secrets Manager secret `s` replicate into `region` (a `replica { region }` block)?
/// None when a replica's region is not known.
pub fn secret_replicated_in(cx: &Ctx, s: ResourceId, region: &str) -> Option<bool> {
    let r = cx.model.get(s);
    let rep = r.get("replica");
    if rep.is_unknown() && rep.is_set() {
        return None;
    }
    let mut unknown = false;
    for x in rep.items() {
        match x.get("region").str() {
            Some(reg) if reg == region => return Some(true),
            Some(_) => {}
            None if x.get("region").is_set() => unknown = true,
            None => {}
        }
    }
    if unknown { None } else { Some(false) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::model::Model;

    #[test]
    fn region_and_role_words_are_taken_out() {
        let model = Model::new(&[], Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let settings = Settings::default();
        let cx = Ctx::new(&model, &settings);
        let w = RegionWords::new(&cx, &["us-east-1", "us-west-2"]);
        assert_eq!(w.strip("payments-primary-fn-test"), "payments-fn-test");
        assert_eq!(w.strip("payments_fn_us-west-2_test"), "payments-fn-test");
        assert_eq!(w.strip("payments-fn-usw2-test"), "payments-fn-test");
        assert_eq!(w.strip("payments-fn-useast1-test"), "payments-fn-test");
        assert_eq!(
            w.strip("tap/secondary_payment_lambda"),
            "tap-payment-lambda"
        );
        // other regions and words that merely contain a role word stay
        assert_eq!(w.strip("drain-eu-west-1"), "drain-eu-west-1");
        assert_eq!(w.strip("primary-dr"), "");
    }
}
