//! No step parameter may be named like a placeholder the renderer reserves (`{item}`, `{text}`,
//! `{since}` ...): the reserved meaning wins, so the parameter's setting is never read and the
//! request carries something else. Review 12's R12-1: QuickBooks' `create_invoice` named its
//! Item id `item`, and `"ItemRef": {"value": "{item}"}` sent the whole trigger record.
//!
//! The reserved names are listed here, and a second test reads the renderer's own `match`
//! (python/expr.rs, `fn reference`), so a placeholder added there without being listed here
//! fails this file instead of silently shadowing a parameter.

use super::{Catalog, Tool};
use crate::refs::is_cred_name;

/// Placeholders whose meaning wins over a parameter of the same name (docs/catalog.md,
/// "Templates in `path`, `query`, `body`, `kwargs`").
const RESERVED: &[&str] = &[
    "text",
    "item",
    "items",
    "json",
    "title",
    "since",
    "now",
    "until",
    "file_base64",
    "file_type",
    "file_name",
    "record_text",
    "full_text",
    "file_document",
    "uuid",
    "ddb_item",
    "workflow",
];

/// Placeholders a parameter of the same name overrides on purpose: `{file}` is the record's
/// file unless the step has a `file` setting (Figma's file key).
const PARAMETER_WINS: &[&str] = &["file"];

/// Why `name` cannot be a step parameter, if it cannot.
fn clash(name: &str) -> Option<&'static str> {
    if RESERVED.contains(&name) {
        Some("a reserved placeholder")
    } else if name.contains(':') {
        Some("a prefixed placeholder (`field:`, `path:`, `since:` ...)")
    } else if is_cred_name(name) {
        Some("a credential's name")
    } else {
        None
    }
}

/// `tool.action: param (why)` for every parameter of `tool` that clashes.
fn clashes(tool: &Tool) -> Vec<String> {
    tool.actions
        .iter()
        .flat_map(|a| {
            a.params.keys().filter_map(move |p| {
                clash(p).map(|why| format!("{}.{}: {p} ({why})", tool.id, a.id))
            })
        })
        .collect()
}

fn catalog() -> Catalog {
    match Catalog::builtin() {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn no_parameter_is_named_like_a_reserved_placeholder() {
    let found: Vec<String> = catalog().tools.iter().flat_map(clashes).collect();
    assert!(
        found.is_empty(),
        "parameters shadowed by placeholders: {found:#?}"
    );
}

#[test]
fn a_clashing_parameter_name_is_found_and_a_plain_one_is_not() {
    let cases: &[(&str, bool)] = &[
        ("item", true),
        ("text", true),
        ("since", true),
        ("title", true),
        ("field:name", true),
        ("ITEM", true),
        ("item_id", false),
        ("message", false),
        ("file", false),
        ("channel", false),
        ("model", false),
    ];
    for (name, clashes_) in cases {
        assert_eq!(clash(name).is_some(), *clashes_, "{name}");
    }
    // the whole check, on an entry given R12-1's name back
    let mut c = catalog();
    let Some(qb) = c.tools.iter_mut().find(|t| t.id == "quickbooks") else {
        panic!("quickbooks");
    };
    assert!(clashes(qb).is_empty());
    let Some(inv) = qb.actions.iter_mut().find(|a| a.id == "create_invoice") else {
        panic!("create_invoice");
    };
    inv.params.insert("item".to_owned(), "1".to_owned());
    assert_eq!(
        clashes(qb),
        ["quickbooks.create_invoice: item (a reserved placeholder)"]
    );
}

/// The literal names the renderer's `reference` matches (`"text" =>`, `"since" | "now" =>`,
/// `"file" if ... =>`), read from its source.
fn renderer_names() -> Vec<String> {
    let src = include_str!("../python/expr.rs");
    let Some(start) = src.find("fn reference(") else {
        panic!("python/expr.rs has no fn reference");
    };
    let body = &src[start..];
    let body = &body[..body.find("\n    }\n").unwrap_or(body.len())];
    let mut out = Vec::new();
    for line in body.lines().map(str::trim_start) {
        let Some((arm, _)) = line.split_once("=>") else {
            continue;
        };
        if !arm.starts_with('"') {
            continue;
        }
        let arm = arm.split(" if ").next().unwrap_or(arm);
        out.extend(
            arm.split('|')
                .map(|s| s.trim().trim_matches('"').to_owned())
                .filter(|s| !s.is_empty()),
        );
    }
    out
}

#[test]
fn every_name_the_renderer_reserves_is_listed() {
    let names = renderer_names();
    // the reader finds the arms at all (a renamed function would make it vacuous)
    assert!(names.iter().any(|n| n == "item"), "{names:?}");
    for n in &names {
        assert!(
            RESERVED.contains(&n.as_str()) || PARAMETER_WINS.contains(&n.as_str()),
            "python/expr.rs reserves {{{n}}}: add it to RESERVED (or PARAMETER_WINS when a parameter overrides it)"
        );
    }
}
