//! Rule help pages. `rules/<ID>.md` is the single source of a rule's summary (SARIF
//! `shortDescription`), its SARIF help, `drlint explain`, and the README rule table.

use std::sync::OnceLock;

pub struct Page {
    pub id: &'static str,
    pub name: &'static str,
    /// The first paragraph after the title: one sentence.
    pub summary: &'static str,
    pub markdown: &'static str,
}

macro_rules! pages {
    ($($id:literal),* $(,)?) => {
        &[$(($id, include_str!(concat!("../../rules/", $id, ".md")))),*]
    };
}

static SOURCES: &[(&str, &str)] = pages!(
    "DR101", "DR102", "DR103", "DR201", "DR202", "DR301", "DR302", "DR303", "DR401", "DR402",
    "DR403", "DR404", "DR501", "DR502", "DR503", "DR601", "DR602", "DR603", "DR604", "DR701",
    "DR702", "DR703", "DR704", "DR705",
);

fn parse(id: &'static str, md: &'static str) -> Page {
    let mut lines = md.lines();
    let title = lines.next().unwrap_or_default();
    let name = title
        .trim_start_matches('#')
        .split_whitespace()
        .nth(1)
        .unwrap_or_default();
    // The summary is the first paragraph after the title.
    let rest = &md[title.len().min(md.len())..];
    let rest = rest.trim_start();
    let para_end = rest.find("\n\n").unwrap_or(rest.len());
    let summary = rest[..para_end].trim();
    Page {
        id,
        name,
        summary,
        markdown: md,
    }
}

pub fn pages() -> &'static [Page] {
    static PAGES: OnceLock<Vec<Page>> = OnceLock::new();
    PAGES.get_or_init(|| SOURCES.iter().map(|(id, md)| parse(id, md)).collect())
}

pub fn page(id: &str) -> Option<&'static Page> {
    pages().iter().find(|p| p.id == id)
}

/// The README's rule table, generated from the registry and the pages.
pub fn rule_table_markdown() -> String {
    let mut s = String::from("| id | name | level | fails when |\n|---|---|---|---|\n");
    for r in super::ALL {
        s.push_str(&format!(
            "| [{}](rules/{}.md) | {} | {} | {} |\n",
            r.id,
            r.id,
            r.name,
            r.level.as_str(),
            r.summary().replace('\n', " ").replace('|', "\\|")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_page_and_every_page_a_rule() {
        for r in super::super::ALL {
            let p = page(r.id).unwrap_or_else(|| panic!("{} has no help page", r.id));
            assert_eq!(p.name, r.name, "rules/{}.md title names another rule", r.id);
            assert!(
                !p.summary.is_empty() && !p.summary.starts_with('#'),
                "{} has no summary",
                r.id
            );
            for section in [
                "## What it checks",
                "## Why it matters for DR",
                "## Failing example",
                "## Passing example",
                "## How to fix",
            ] {
                assert!(
                    p.markdown.contains(section),
                    "rules/{}.md lacks `{section}`",
                    r.id
                );
            }
        }
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".md"))
            .map(|n| n.trim_end_matches(".md").to_string())
            .collect();
        on_disk.sort();
        let ids: Vec<String> = super::super::ALL.iter().map(|r| r.id.to_string()).collect();
        assert_eq!(on_disk, ids, "rules/ pages and the rule registry differ");
        assert_eq!(SOURCES.len(), ids.len());
    }

    #[test]
    fn readme_rule_table_is_current() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let start = readme
            .find("<!-- rules:start -->")
            .expect("README lacks <!-- rules:start -->");
        let end = readme
            .find("<!-- rules:end -->")
            .expect("README lacks <!-- rules:end -->");
        let table = readme[start + "<!-- rules:start -->".len()..end].trim();
        assert_eq!(
            table,
            rule_table_markdown().trim(),
            "README rule table is stale: replace it with the output of `drlint rules --format markdown`"
        );
    }
}
