//! Every fact in the catalog says where it was checked: each tool, action, event, webhook
//! scheme and token exchange carries a reference to a vendor page (`https://`) and the date it
//! was checked, and an entry that could not be confirmed says why (its `note`), so that the
//! generator's caveat in the plan's assumptions has something true to point at.

use super::{Catalog, Reference};

/// `(entry, problem)` for each reference that is missing or malformed.
fn problems(catalog: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |entry: String, r: Option<&Reference>| {
        let Some(r) = r else {
            out.push(format!("{entry}: no reference"));
            return;
        };
        let url_ok = r
            .url
            .strip_prefix("https://")
            .is_some_and(|rest| rest.split('/').next().is_some_and(|h| h.contains('.')));
        if !url_ok {
            out.push(format!(
                "{entry}: reference url {:?} is not a https page",
                r.url
            ));
        }
        if !is_date(&r.checked) {
            out.push(format!(
                "{entry}: checked {:?} is not YYYY-MM-DD",
                r.checked
            ));
        }
        if !r.verified && r.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            out.push(format!("{entry}: unverified without a note saying why"));
        }
    };
    for t in catalog.tools() {
        check(t.id.clone(), t.reference.as_ref());
        for a in &t.actions {
            check(format!("{}.{}", t.id, a.id), a.reference.as_ref());
        }
        for e in &t.events {
            check(format!("{} event {}", t.id, e.id), e.reference.as_ref());
        }
        if let Some(w) = &t.webhook {
            check(format!("{} webhook", t.id), w.reference.as_ref());
        }
        if let Some(x) = &t.token_exchange {
            check(format!("{} token exchange", t.id), x.reference.as_ref());
        }
    }
    out
}

/// `YYYY-MM-DD` with a plausible month and day, from 2024 on (when the catalog was first
/// checked against vendor pages).
fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    matches!(
        (num(y, 4), num(m, 2), num(d, 2)),
        (Some(y), Some(m), Some(d)) if y >= 2024 && (1..=12).contains(&m) && (1..=31).contains(&d)
    )
}

#[test]
fn every_catalog_entry_says_where_and_when_it_was_checked() {
    let Ok(catalog) = Catalog::builtin() else {
        panic!("catalog");
    };
    let found = problems(&catalog);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn an_entry_without_a_reference_or_with_a_bad_one_is_reported() {
    let Ok(mut catalog) = Catalog::builtin() else {
        panic!("catalog");
    };
    let Some(i) = catalog.tools.iter().position(|t| !t.actions.is_empty()) else {
        panic!("no tool with actions");
    };
    let tool = &mut catalog.tools[i];
    let id = format!("{}.{}", tool.id, tool.actions[0].id);
    tool.actions[0].reference = None;
    tool.reference = Some(Reference {
        url: "http://example".to_owned(),
        checked: "06/12/2026".to_owned(),
        verified: false,
        note: None,
    });
    let found = problems(&catalog);
    assert!(found.contains(&format!("{id}: no reference")), "{found:?}");
    let tool_id = &catalog.tools[i].id;
    for problem in [
        "is not a https page",
        "is not YYYY-MM-DD",
        "unverified without a note",
    ] {
        assert!(
            found
                .iter()
                .any(|f| f.starts_with(tool_id.as_str()) && f.contains(problem)),
            "{problem}: {found:?}"
        );
    }
}

#[test]
fn dates_are_checked_by_shape_and_range() {
    for good in ["2026-12-06", "2024-01-31"] {
        assert!(is_date(good), "{good}");
    }
    for bad in [
        "2026-13-01",
        "2026-12-00",
        "2023-12-06",
        "2026-1-06",
        "26-12-06",
        "",
        "2026-12-06T10:00",
    ] {
        assert!(!is_date(bad), "{bad}");
    }
}
