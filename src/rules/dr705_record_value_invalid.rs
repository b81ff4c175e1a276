//! DR705 record-value-invalid: A records hold IPv4 addresses, AAAA records IPv6, and a CNAME one
//! name. An ARN or host name in an A record is rejected at apply — or, worse, never resolves
//! during the failover it was meant for.

use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::value::{Kind, Value};
use std::net::{Ipv4Addr, Ipv6Addr};

pub static RULE: Rule = Rule {
    id: "DR705",
    name: "record-value-invalid",
    family: "dns",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_route53_record"],
    shared: &[],
    check,
};

/// What a referenced attribute will hold, judged by its name.
fn attr_kind(attr: &str) -> &'static str {
    let a = attr.to_ascii_lowercase();
    if a.contains("ipv6") {
        "ipv6"
    } else if a == "ip"
        || a.ends_with("_ip")
        || a.contains("ip_address")
        || a.ends_with("_ips")
        || a == "public_ip"
        || a == "private_ip"
    {
        "ipv4"
    } else if a == "arn"
        || a.ends_with("_arn")
        || a.contains("dns_name")
        || a.ends_with("fqdn")
        || a.contains("endpoint")
        || a.contains("hostname")
        || a.ends_with("domain_name")
    {
        "name"
    } else {
        "unknown"
    }
}

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    for &id in m.of_type("aws_route53_record") {
        let r = m.get(id);
        let Some(rtype) = r.get("type").str().map(str::to_ascii_uppercase) else {
            continue;
        };
        let records = r.get("records");
        let values: Vec<&Value> = match records.kind() {
            Kind::Arr(items) => items.iter().collect(),
            Kind::Unknown(_) => vec![records],
            _ => continue,
        };
        if rtype == "CNAME" && values.len() > 1 {
            out.fail(
                cx,
                id,
                "records",
                records,
                format!(
                    "a CNAME record has {} values; it may have only one",
                    values.len()
                ),
            );
            continue;
        }
        let want = match rtype.as_str() {
            "A" => "ipv4",
            "AAAA" => "ipv6",
            _ => continue,
        };
        for (i, v) in values.iter().enumerate() {
            let attr = format!("records[{i}]");
            match v.kind() {
                Kind::Str(s) => {
                    let ok = if want == "ipv4" {
                        s.parse::<Ipv4Addr>().is_ok()
                    } else {
                        s.parse::<Ipv6Addr>().is_ok()
                    };
                    if !ok {
                        out.fail(
                            cx,
                            id,
                            &attr,
                            v,
                            format!(
                                "{rtype} record value {} is not an {} address",
                                v.display(),
                                if want == "ipv4" { "IPv4" } else { "IPv6" }
                            ),
                        );
                    }
                }
                Kind::Unknown(u) if u.configured => {
                    let attrs = cx.model.referenced_attributes_from(id, v);
                    let kinds: Vec<&str> = attrs.iter().map(|a| attr_kind(a)).collect();
                    if let Some(pos) = kinds.iter().position(|k| *k != want && *k != "unknown") {
                        let src = u
                            .refs
                            .iter()
                            .find(|t| t.ends_with(attrs[pos].as_str()))
                            .map_or_else(|| attrs[pos].clone(), |t| t.to_string());
                        out.fail(
                            cx,
                            id,
                            &attr,
                            v,
                            format!(
                                "{rtype} record value is `{src}`, which is not an {} address",
                                if want == "ipv4" { "IPv4" } else { "IPv6" }
                            ),
                        );
                    } else if kinds.is_empty() || kinds.iter().all(|k| *k == "unknown") {
                        out.undecided(cx, id, &attr, v, format!("the record value is {} and its source cannot tell whether it is an address", unknown_phrase(cx, id)));
                    }
                }
                _ => {}
            }
        }
    }
}
