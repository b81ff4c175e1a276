//! S3 buckets and their satellite resources (versioning, encryption, replication, logging),
//! linked once per rule run so that no rule loops over pairs. Handles both the AWS provider v4+
//! split resources and the legacy inline blocks of v3.

use super::Ctx;
use crate::model::{Picked, ResourceId, Target};
use crate::value::{Tri, Value};
use std::collections::HashMap;

/// Bucket-to-satellite links.
#[derive(Default)]
pub struct S3Index {
    by_name: HashMap<String, ResourceId>,
    versioning: HashMap<ResourceId, Vec<ResourceId>>,
    sse: HashMap<ResourceId, Vec<ResourceId>>,
    /// Buckets that receive access logs.
    pub log_targets: std::collections::HashSet<ResourceId>,
    /// Each `aws_s3_bucket_replication_configuration` with its source bucket, resolved once
    /// for every rule that lists the replication rules.
    crr_sources: Vec<(ResourceId, Option<ResourceId>)>,
    /// The destination bucket of each replication rule, in [`S3Index::crr_rules`] order:
    /// resolved once instead of by every rule and estimate that follows it.
    crr_destinations: Vec<BucketRef>,
    /// Buckets a versioning, encryption or replication resource may configure, when its
    /// `bucket` is a reference to several buckets (`count` or `for_each` instances) that
    /// neither an index nor its own instance key narrows to one: each of them is undecided
    /// for that setting rather than taken to have none.
    maybe_versioning: HashMap<ResourceId, Maybe>,
    maybe_sse: HashMap<ResourceId, Maybe>,
    maybe_crr: HashMap<ResourceId, Maybe>,
}

/// A satellite resource whose `bucket` names `of` buckets, one of them the bucket it is
/// recorded for.
#[derive(Clone, Copy)]
struct Maybe {
    by: ResourceId,
    of: usize,
}

impl Maybe {
    fn says(self, cx: &Ctx, what: &str) -> String {
        format!(
            "{} may {what}, but its bucket is {}",
            cx.model.get(self.by).address,
            several(self.of, None)
        )
    }
}

/// What a reference to `n` buckets that no instance key narrows to one is called, naming the
/// first of them when given.
fn several(n: usize, first: Option<&str>) -> String {
    let first = first.map_or_else(String::new, |a| format!(" ({a}, …)"));
    format!("a reference to {n} buckets{first} that no instance key narrows to one")
}

/// What a bucket reference names: a [`BucketRef`], or several buckets.
enum Resolved {
    One(BucketRef),
    Many(Vec<ResourceId>),
}

/// A bucket reference resolved.
#[derive(Clone)]
pub enum BucketRef {
    Bucket(ResourceId),
    /// A literal name or ARN of a bucket outside the inputs.
    External(String),
    Unresolved(String),
}

/// The default encryption of a bucket.
pub enum Sse<'v, 'a> {
    Kms(&'v Value<'a>),
    KmsDefault,
    Other(String),
    Unset,
    Unknown(String),
}

/// One replication rule, from a `aws_s3_bucket_replication_configuration` or legacy inline.
pub struct CrrRule<'v, 'a> {
    /// The resource that declares the rule.
    pub owner: ResourceId,
    pub source: Option<ResourceId>,
    /// Attribute path of the rule (`rule[0]`, `replication_configuration[0].rules[1]`).
    pub path: String,
    pub rule: &'v Value<'a>,
    pub legacy: bool,
    /// Its place in [`S3Index::crr_rules`], where [`S3Index::destination`] finds it.
    index: usize,
}

impl<'v, 'a> CrrRule<'v, 'a> {
    pub fn enabled(&self) -> Tri {
        match self.rule.get("status").kind() {
            crate::value::Kind::Str(s) => {
                if s == "Enabled" {
                    Tri::Yes
                } else {
                    Tri::No
                }
            }
            crate::value::Kind::Unknown(_) => Tri::Unknown,
            _ => Tri::No,
        }
    }
    pub fn filter(&self) -> &'v Value<'a> {
        self.rule.get("filter")
    }
    pub fn has_filter(&self) -> bool {
        !self.filter().is_empty_block()
    }
    /// Tags in the filter (v4 `tag` / `and.tags`, v3 `tags`).
    pub fn tag_filtered(&self) -> bool {
        let f = self.filter();
        f.get("tag").items().next().is_some_and(|t| t.is_set())
            || !f.get("and").get("tags").entries().is_empty()
            || !f.get("tags").entries().is_empty()
    }
    pub fn delete_markers(&self) -> &'v Value<'a> {
        if self.legacy {
            self.rule.get("delete_marker_replication_status")
        } else {
            self.rule.get("delete_marker_replication").get("status")
        }
    }
    pub fn delete_marker_attr(&self) -> &'static str {
        if self.legacy {
            "delete_marker_replication_status"
        } else {
            "delete_marker_replication"
        }
    }
    pub fn destination(&self) -> &'v Value<'a> {
        self.rule.get("destination")
    }
    pub fn destination_bucket(&self) -> &'v Value<'a> {
        self.destination().get("bucket")
    }
    pub fn replica_kms_key(&self) -> (&'static str, &'v Value<'a>) {
        if self.legacy {
            (
                "destination[0].replica_kms_key_id",
                self.destination().get("replica_kms_key_id"),
            )
        } else {
            (
                "destination[0].encryption_configuration[0].replica_kms_key_id",
                self.destination()
                    .get("encryption_configuration")
                    .get("replica_kms_key_id"),
            )
        }
    }
    /// Whether SSE-KMS encrypted source objects are selected for replication.
    pub fn kms_objects_selected(&self) -> (&'static str, Tri) {
        let s = self
            .rule
            .get("source_selection_criteria")
            .get("sse_kms_encrypted_objects");
        if self.legacy {
            (
                "source_selection_criteria[0].sse_kms_encrypted_objects[0].enabled",
                s.get("enabled").tri(false),
            )
        } else {
            let st = s.get("status");
            let t = match st.str() {
                Some(v) => {
                    if v == "Enabled" {
                        Tri::Yes
                    } else {
                        Tri::No
                    }
                }
                None if st.is_unknown() && st.is_set() => Tri::Unknown,
                None => Tri::No,
            };
            (
                "source_selection_criteria[0].sse_kms_encrypted_objects[0].status",
                t,
            )
        }
    }
}

impl S3Index {
    pub fn build(cx: &Ctx) -> S3Index {
        let m = cx.model;
        let mut ix = S3Index::default();
        for &b in m.of_type("aws_s3_bucket") {
            let r = m.get(b);
            for a in ["bucket", "id"] {
                if let Some(n) = r.get(a).nonempty_str() {
                    ix.by_name.insert(n.to_string(), b);
                }
            }
        }
        for (rtype, map, maybe) in [
            (
                "aws_s3_bucket_versioning",
                &mut ix.versioning,
                &mut ix.maybe_versioning,
            ),
            (
                "aws_s3_bucket_server_side_encryption_configuration",
                &mut ix.sse,
                &mut ix.maybe_sse,
            ),
        ] {
            for &id in m.of_type(rtype) {
                match resolve(cx, &ix.by_name, id, m.get(id).get("bucket")) {
                    Resolved::One(BucketRef::Bucket(b)) => map.entry(b).or_default().push(id),
                    Resolved::One(_) => {}
                    Resolved::Many(bs) => note_maybe(maybe, id, &bs),
                }
            }
        }
        for &id in m.of_type("aws_s3_bucket_logging") {
            if let BucketRef::Bucket(b) =
                resolve_bucket(cx, &ix.by_name, id, m.get(id).get("target_bucket"))
            {
                ix.log_targets.insert(b);
            }
        }
        for &b in m.of_type("aws_s3_bucket") {
            for l in m.get(b).get("logging").items() {
                if let BucketRef::Bucket(t) =
                    resolve_bucket(cx, &ix.by_name, b, l.get("target_bucket"))
                {
                    ix.log_targets.insert(t);
                }
            }
        }
        ix.crr_sources = m
            .of_type("aws_s3_bucket_replication_configuration")
            .iter()
            .map(|&id| {
                let source = match resolve(cx, &ix.by_name, id, m.get(id).get("bucket")) {
                    Resolved::One(BucketRef::Bucket(b)) => Some(b),
                    Resolved::One(_) => None,
                    Resolved::Many(bs) => {
                        note_maybe(&mut ix.maybe_crr, id, &bs);
                        None
                    }
                };
                (id, source)
            })
            .collect();
        let destinations = ix
            .crr_rules(cx)
            .iter()
            .map(|r| resolve_bucket(cx, &ix.by_name, r.owner, r.destination_bucket()))
            .collect();
        ix.crr_destinations = destinations;
        ix
    }

    /// The destination bucket of a replication rule ([`S3Index::bucket`] of its
    /// `destination.bucket`, resolved when the index was built).
    pub fn destination(&self, rule: &CrrRule) -> BucketRef {
        self.crr_destinations[rule.index].clone()
    }

    /// Resolves a bucket reference (name, ARN, or reference) made by resource `from`.
    pub fn bucket<'a>(&self, cx: &Ctx<'_, 'a>, from: ResourceId, v: &Value<'a>) -> BucketRef {
        resolve_bucket(cx, &self.by_name, from, v)
    }

    /// Versioning of a bucket: split resource first, then the legacy inline block. With it,
    /// why it is unknown when that is not the resource's unknown value.
    pub fn versioning(
        &self,
        cx: &Ctx,
        bucket: ResourceId,
    ) -> (ResourceId, &'static str, Tri, Option<String>) {
        let m = cx.model;
        if let Some(vs) = self.versioning.get(&bucket) {
            let id = vs[vs.len() - 1];
            let st = m.get(id).get("versioning_configuration").get("status");
            let t = match st.str() {
                Some("Enabled") => Tri::Yes,
                Some(_) => Tri::No,
                None if st.is_unknown() && st.is_set() => Tri::Unknown,
                None => Tri::No,
            };
            return (id, "versioning_configuration[0].status", t, None);
        }
        let v = m.get(bucket).get("versioning").get("enabled");
        if !v.is_set()
            && let Some(&maybe) = self.maybe_versioning.get(&bucket)
        {
            let why = maybe.says(cx, "enable its versioning");
            return (bucket, "versioning[0].enabled", Tri::Unknown, Some(why));
        }
        (bucket, "versioning[0].enabled", v.tri(false), None)
    }

    /// Default encryption of a bucket and the resource that sets it.
    pub fn sse<'v, 'a>(
        &self,
        cx: &'v Ctx<'v, 'a>,
        bucket: ResourceId,
    ) -> (ResourceId, Sse<'v, 'a>) {
        let m = cx.model;
        let (owner, rules) = match self.sse.get(&bucket) {
            Some(v) => (v[v.len() - 1], m.get(v[v.len() - 1]).get("rule")),
            None => (
                bucket,
                m.get(bucket)
                    .get("server_side_encryption_configuration")
                    .get("rule"),
            ),
        };
        if rules.is_absent()
            && let Some(&maybe) = self.maybe_sse.get(&bucket)
        {
            return (bucket, Sse::Unknown(maybe.says(cx, "set its encryption")));
        }
        if rules.is_unknown() {
            let configured = rules.is_set();
            return (
                owner,
                if configured {
                    Sse::Unknown(format!(
                        "the encryption configuration is {}",
                        m.get(owner).origin.unknown_phrase()
                    ))
                } else {
                    Sse::Unset
                },
            );
        }
        let Some(rule) = rules.items().next() else {
            return (owner, Sse::Unset);
        };
        let d = rule.get("apply_server_side_encryption_by_default");
        let alg = d.get("sse_algorithm");
        let sse = match alg.str() {
            Some(a) if a.starts_with("aws:kms") => {
                let key = d.get("kms_master_key_id");
                if key.is_set() {
                    Sse::Kms(key)
                } else {
                    Sse::KmsDefault
                }
            }
            Some(a) => Sse::Other(a.to_string()),
            None if alg.is_unknown() && alg.is_set() => Sse::Unknown(format!(
                "sse_algorithm is {}",
                m.get(owner).origin.unknown_phrase()
            )),
            None => Sse::Unset,
        };
        (owner, sse)
    }

    /// Why a bucket with no replication rule of its own may still replicate: a replication
    /// configuration whose `bucket` names it among several.
    pub fn may_replicate(&self, cx: &Ctx, bucket: ResourceId) -> Option<String> {
        let maybe = self.maybe_crr.get(&bucket)?;
        Some(maybe.says(cx, "replicate it"))
    }

    /// Every replication rule in the inputs.
    pub fn crr_rules<'v, 'a>(&self, cx: &'v Ctx<'v, 'a>) -> Vec<CrrRule<'v, 'a>> {
        let m = cx.model;
        let mut out = Vec::new();
        for &(id, source) in &self.crr_sources {
            for (i, rule) in m.get(id).get("rule").items().enumerate() {
                out.push(CrrRule {
                    owner: id,
                    source,
                    path: format!("rule[{i}]"),
                    rule,
                    legacy: false,
                    index: out.len(),
                });
            }
        }
        for &b in m.of_type("aws_s3_bucket") {
            for (i, rule) in m
                .get(b)
                .get("replication_configuration")
                .get("rules")
                .items()
                .enumerate()
            {
                out.push(CrrRule {
                    owner: b,
                    source: Some(b),
                    path: format!("replication_configuration[0].rules[{i}]"),
                    rule,
                    legacy: true,
                    index: out.len(),
                });
            }
        }
        out
    }
}

/// Records that satellite `by` may configure each of `buckets` (the first such satellite of a
/// bucket is the one named).
fn note_maybe(maybe: &mut HashMap<ResourceId, Maybe>, by: ResourceId, buckets: &[ResourceId]) {
    for &b in buckets {
        maybe.entry(b).or_insert(Maybe {
            by,
            of: buckets.len(),
        });
    }
}

fn resolve_bucket<'a>(
    cx: &Ctx<'_, 'a>,
    by_name: &HashMap<String, ResourceId>,
    from: ResourceId,
    v: &Value<'a>,
) -> BucketRef {
    match resolve(cx, by_name, from, v) {
        Resolved::One(r) => r,
        Resolved::Many(bs) => {
            BucketRef::Unresolved(several(bs.len(), Some(&cx.model.get(bs[0]).address)))
        }
    }
}

/// The bucket a value names. A reference to the instances of a bucket made with `count` or
/// `for_each` (Terraform writes `aws_s3_bucket.b[count.index]` as `aws_s3_bucket.b`) names
/// the instance with the referencing resource's own instance key, in the same module instance,
/// as `count.index` and `each.key` pair them; with no such instance, it names them all.
fn resolve<'a>(
    cx: &Ctx<'_, 'a>,
    by_name: &HashMap<String, ResourceId>,
    from: ResourceId,
    v: &Value<'a>,
) -> Resolved {
    let m = cx.model;
    Resolved::One(match m.target(from, v) {
        Target::Resources(ids) => match m.pick(from, &ids, |r| r.rtype == "aws_s3_bucket") {
            Picked::One(b) => BucketRef::Bucket(b),
            Picked::None => {
                BucketRef::Unresolved(format!("a reference to {}", m.get(ids[0]).address))
            }
            Picked::Several(all) => return Resolved::Many(all),
        },
        Target::Literal(s) => {
            let name = s
                .strip_prefix("arn:aws:s3:::")
                .or_else(|| s.strip_prefix("arn:aws-us-gov:s3:::"))
                .unwrap_or(s);
            match by_name.get(name) {
                Some(&b) => BucketRef::Bucket(b),
                None => BucketRef::External(name.to_string()),
            }
        }
        Target::Unresolved(what) => BucketRef::Unresolved(what),
        Target::Unset => BucketRef::Unresolved("no bucket is set".into()),
    })
}
