//! Resource patterns of waivers and backup selections: `*` matches any run of characters,
//! everything else is literal.
//!
//! Not `globset`: Terraform addresses carry `[0]` and `["key"]` instance keys, which a glob
//! library reads as character classes, and `?`/`{a,b}` would change the meaning of patterns
//! users already wrote. A `*`-only matcher is all the documented syntax needs.

/// Glob match with `*` only.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(p) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else if let Some(pos) = rest.find(p) {
            rest = &rest[pos + p.len()..];
        } else {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("aws_s3_bucket.*", "aws_s3_bucket.logs"));
        assert!(glob_match("*bucket*", "module.x.aws_s3_bucket.y"));
        assert!(!glob_match("aws_s3_bucket.a", "aws_s3_bucket.ab"));
        // Instance keys are literal, not character classes.
        assert!(glob_match("aws_s3_bucket.b[0]", "aws_s3_bucket.b[0]"));
        assert!(!glob_match("aws_s3_bucket.b[0]", "aws_s3_bucket.b0"));
    }
}
