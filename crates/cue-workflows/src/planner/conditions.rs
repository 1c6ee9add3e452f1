//! Conditions in the text ("orders over $200", "severity is 'critical'").

use super::language::Grammar;
use crate::catalog::{Field, FieldType};
use crate::model::{CompareOp, Condition};
use crate::text::Tok;

/// Points a condition at the event field it means: a field whose words or name are the word the
/// text used, or, for a comparison of amounts, the field described as the total or amount.
/// `false` when nothing fits (the field is left as the text said it).
pub(super) fn resolve_field(g: &Grammar, fields: &[Field], c: &mut Condition) -> bool {
    let word = c.field.to_ascii_lowercase();
    let leaf = |f: &Field| f.path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let named = fields
        .iter()
        .find(|f| f.words.contains(&word) || leaf(f) == word)
        .or_else(|| {
            fields
                .iter()
                .find(|f| f.words.iter().any(|w| w.split(' ').any(|x| x == word)))
        });
    let numeric_op = matches!(
        c.op,
        CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le
    );
    let numeric = |f: &Field| {
        matches!(f.kind, FieldType::Number | FieldType::Integer)
            || f.words
                .iter()
                .any(|w| g.amount_words.iter().any(|a| w.split(' ').any(|x| x == a)))
    };
    let chosen = match named {
        Some(f) if !numeric_op || numeric(f) => Some(f),
        _ if numeric_op => g.amount_words.iter().find_map(|a| {
            fields
                .iter()
                .find(|f| f.words.iter().any(|w| w == a) || leaf(f).contains(a))
        }),
        _ => None,
    };
    match chosen {
        Some(f) => {
            c.field.clone_from(&f.path);
            true
        }
        None => false,
    }
}

pub(super) fn conditions(g: &Grammar, toks: &[Tok], text: &str) -> Vec<(usize, Condition)> {
    let mut out = Vec::new();
    let w = |i: usize| toks.get(i).map_or("", |t| t.w.as_str());
    let mut i = 0;
    while i < toks.len() {
        let (op, value_at, consumed): (Option<CompareOp>, usize, usize) = match (w(i), w(i + 1)) {
            ("over" | "above" | "exceeds" | "exceed" | "exceeding", _) => {
                (Some(CompareOp::Gt), i + 1, 1)
            }
            ("more" | "greater" | "higher" | "larger" | "bigger", "than") => {
                (Some(CompareOp::Gt), i + 2, 2)
            }
            ("less" | "fewer" | "lower" | "smaller", "than") => (Some(CompareOp::Lt), i + 2, 2),
            ("under" | "below", _) => (Some(CompareOp::Lt), i + 1, 1),
            ("at", "least") => (Some(CompareOp::Ge), i + 2, 2),
            ("at", "most") => (Some(CompareOp::Le), i + 2, 2),
            _ => (None, 0, 0),
        };
        let mut found: Option<(CompareOp, String, usize)> = None;
        if let Some(op) = op
            && let Some(v) = number(w(value_at))
        {
            let unit = w(value_at + 1);
            let is_duration = matches!(
                unit,
                "day"
                    | "days"
                    | "hour"
                    | "hours"
                    | "minute"
                    | "minutes"
                    | "week"
                    | "weeks"
                    | "month"
                    | "months"
                    | "ago"
            );
            if !is_duration {
                found = Some((op, v, i));
            }
        }
        if found.is_none() {
            // "6 or lower", "10 or more"
            if let Some(v) = number(w(i))
                && w(i + 1) == "or"
            {
                let op = match w(i + 2) {
                    "lower" | "less" | "below" | "fewer" | "under" => Some(CompareOp::Le),
                    "higher" | "more" | "above" | "greater" | "over" => Some(CompareOp::Ge),
                    _ => None,
                };
                if let Some(op) = op {
                    let start = if w(i.wrapping_sub(1)) == "of" {
                        i - 1
                    } else {
                        i
                    };
                    found = Some((op, v, start));
                }
            }
        }
        if found.is_none()
            && matches!(
                w(i),
                "is" | "equals" | "contains" | "tagged" | "labelled" | "labeled" | "label"
            )
        {
            // a quoted value right after: severity is 'critical', tagged 'preorder'
            let after = toks.get(i).map_or(text.len(), |t| t.end);
            let rest = &text[after..];
            let trimmed = rest.trim_start();
            let quoted = quoted_at(trimmed).or_else(|| {
                let rest2 = trimmed
                    .strip_prefix("the label")
                    .or_else(|| trimmed.strip_prefix("label"))?;
                quoted_at(rest2.trim_start())
            });
            if let Some(q) = quoted {
                let op = if w(i) == "is" || w(i) == "equals" {
                    CompareOp::Eq
                } else {
                    CompareOp::Contains
                };
                let in_if =
                    toks[..i].iter().rev().take(4).any(|t| {
                        matches!(t.w.as_str(), "if" | "where" | "when" | "whose" | "with")
                    });
                if op == CompareOp::Contains || in_if {
                    found = Some((op, q, i));
                }
            }
        }
        if let Some((op, value, start)) = found {
            let field = if matches!(w(i), "tagged") {
                "tags".to_owned()
            } else if matches!(w(i), "labelled" | "labeled" | "label") {
                "labels".to_owned()
            } else {
                (0..start)
                    .rev()
                    .map(&w)
                    .find(|x| !g.stop(x) && !x.chars().all(|c| c.is_ascii_digit()))
                    .unwrap_or("value")
                    .to_owned()
            };
            let from = (0..=start)
                .rev()
                .take(6)
                .find(|&k| matches!(w(k), "if" | "when" | "where" | "whose" | "only"))
                .unwrap_or(start.saturating_sub(3));
            let to = toks
                .get((i + consumed + 1).min(toks.len().saturating_sub(1)))
                .map_or(text.len(), |t| t.end);
            let description = text
                .get(toks.get(from).map_or(0, |t| t.start)..to)
                .unwrap_or("")
                .split([',', ';'])
                .next()
                .unwrap_or("")
                .trim()
                .to_owned();
            out.push((
                from,
                Condition {
                    field,
                    op,
                    value,
                    description,
                },
            ));
            i += consumed.max(1);
            continue;
        }
        i += 1;
    }
    out
}

fn number(w: &str) -> Option<String> {
    let w = w.trim_start_matches('$');
    let (digits, suffix) = w.split_at(
        w.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(w.len()),
    );
    if digits.is_empty() || digits.parse::<f64>().is_err() {
        return None;
    }
    match suffix {
        "" | "usd" | "eur" | "gbp" => Some(digits.to_owned()),
        "k" => digits
            .parse::<f64>()
            .ok()
            .map(|v| format!("{}", v * 1000.0)),
        _ => None,
    }
}

/// A quoted string at the start of `s`: 'x', "x", ‘x’, “x”.
pub(super) fn quoted_at(s: &str) -> Option<String> {
    let mut chars = s.chars();
    let open = chars.next()?;
    let close = match open {
        '\'' => '\'',
        '"' => '"',
        '‘' => '’',
        '“' => '”',
        _ => return None,
    };
    let body = &s[open.len_utf8()..];
    let end = body.find(close)?;
    let v = body[..end].trim();
    (!v.is_empty() && v.len() <= 100).then(|| v.to_owned())
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn resolved(tool: &str, event: &str, word: &str, op: CompareOp) -> Option<String> {
        let catalog = Catalog::builtin().unwrap();
        let e = catalog
            .tool(tool)
            .unwrap()
            .events
            .iter()
            .find(|e| e.id == event)
            .unwrap();
        let mut c = Condition {
            field: word.to_owned(),
            op,
            value: "1".to_owned(),
            description: String::new(),
        };
        let lang = crate::planner::Language::builtin().unwrap();
        resolve_field(&lang.grammar, &e.fields, &mut c).then_some(c.field)
    }

    #[test]
    fn conditions_name_the_event_field_they_mean() {
        let cases = [
            ("order", CompareOp::Gt, Some("total_price")),
            ("total", CompareOp::Gt, Some("total_price")),
            ("country", CompareOp::Eq, Some("shipping_address.country")),
            ("tags", CompareOp::Contains, Some("tags")),
            ("weather", CompareOp::Eq, None),
        ];
        for (word, op, want) in cases {
            assert_eq!(
                resolved("shopify", "order_created", word, op).as_deref(),
                want,
                "{word}"
            );
        }
    }
}
