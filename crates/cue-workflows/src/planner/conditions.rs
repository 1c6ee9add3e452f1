//! Conditions in the text ("orders over $200", "severity is 'critical'").

use super::language::Grammar;
use crate::catalog::{Field, FieldType};
use crate::model::{CompareOp, Condition};
use crate::text::Tok;

/// A comparison read off the text, with the words that may name the field it compares.
#[derive(Debug, Clone)]
pub(super) struct Found {
    /// The token the condition's phrase starts at.
    pub at: usize,
    pub condition: Condition,
    /// Words that may name the compared field, most telling first: the noun right after the
    /// value ("more than 300 points"), then the words before the comparison back to its cue
    /// ("if the stock drops below").
    pub words: Vec<String>,
    /// The value is an amount of money (`$200`, `200 usd`, `50 euros`).
    pub money: bool,
    /// The noun the value counts ("5 units", "300 points"): a count, not the record's amount.
    pub unit: Option<String>,
}

/// What the records that reach a condition carry.
#[derive(Debug, Clone)]
pub(super) enum Records<'c> {
    /// Fields the catalog documents, and the words that name the record itself (the event's or
    /// the action's label and words: "order", "transactions").
    Documented {
        fields: &'c [Field],
        names: Vec<String>,
    },
    /// An AI step's answer: one `text`.
    Text,
    /// The run record of a schedule or a manual run: the run's time and what it was given.
    Run,
    /// The user's own fields (a sheet's columns, a query's rows, a form's questions, a generic
    /// webhook's payload): a field is the name the user gave it.
    Own,
}

impl<'c> Records<'c> {
    /// The records of a catalog event.
    pub(super) fn of_event(e: &'c crate::catalog::Event) -> Self {
        if e.fields.is_empty() {
            return Self::Own;
        }
        Self::Documented {
            fields: &e.fields,
            names: names(&e.label, &e.words),
        }
    }

    /// The records a catalog action answers with.
    pub(super) fn of_action(a: &'c crate::catalog::Action) -> Self {
        if a.text.is_some() {
            Self::Text
        } else if a.fields.is_empty() {
            Self::Own
        } else {
            Self::Documented {
                fields: &a.fields,
                names: names(&a.label, &a.words),
            }
        }
    }
}

/// The lower-case words of a label and a word list ("New order", ["orders"]).
pub(super) fn names(label: &str, words: &[String]) -> Vec<String> {
    label
        .split(|c: char| !c.is_ascii_alphanumeric())
        .chain(words.iter().flat_map(|w| w.split(' ')))
        .filter(|w| w.len() > 2)
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Whether two words are the same word, singular or plural ("points" and "point").
pub(super) fn same_word(a: &str, b: &str) -> bool {
    let stem = |w: &str| -> String {
        let w = w.to_ascii_lowercase();
        w.strip_suffix("ies")
            .map(|s| format!("{s}y"))
            .or_else(|| {
                w.strip_suffix('s')
                    .filter(|_| !w.ends_with("ss"))
                    .map(str::to_owned)
            })
            .unwrap_or(w)
    };
    !a.is_empty() && stem(a) == stem(b)
}

/// How strongly a field is named by `word`: 2 for one of its words or a segment of its path,
/// 1 for a word inside one of its phrases ("customer email"), 0 for none.
pub(super) fn named_by(f: &Field, word: &str) -> u8 {
    let segments = f
        .path
        .split(['.', '[', ']'])
        .filter(|s| !s.is_empty() && *s != "*");
    if f.words.iter().any(|w| same_word(w, word))
        || segments.into_iter().any(|s| same_word(s, word))
    {
        2
    } else if f
        .words
        .iter()
        .any(|w| w.split(' ').any(|x| same_word(x, word)))
    {
        1
    } else {
        0
    }
}

/// Whether a field holds an amount: a number, or a decimal string whose words say amount.
fn amount(g: &Grammar, f: &Field) -> bool {
    f.words
        .iter()
        .any(|w| g.amount_words.iter().any(|a| w.split(' ').any(|x| x == a)))
        || g.amount_words.iter().any(|a| {
            f.path
                .rsplit('.')
                .next()
                .is_some_and(|leaf| leaf.contains(a.as_str()))
        })
}

/// Whether a field's type can be compared the way the condition compares: a number with an
/// amount or a count, a list or text with "contains", a text (or a number, for a numeric
/// value) with "is".
fn comparable(g: &Grammar, f: &Field, c: &Condition) -> bool {
    let number = |f: &Field| {
        matches!(f.kind, FieldType::Number | FieldType::Integer)
            || (f.kind == FieldType::String && amount(g, f))
    };
    match c.op {
        CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le => number(f),
        CompareOp::Contains => matches!(f.kind, FieldType::Array | FieldType::String),
        CompareOp::Eq | CompareOp::Ne => {
            if c.value.parse::<f64>().is_ok() {
                number(f) || f.kind == FieldType::String
            } else {
                matches!(f.kind, FieldType::String | FieldType::Boolean)
            }
        }
    }
}

/// The documented field a condition means, by meaning: a field of a type it can compare that
/// one of its words names (the most telling word first); for a comparison of a money amount,
/// or of the record itself ("an order over 200"), the record's amount. `None` when nothing
/// fits.
pub(super) fn fit<'f>(
    g: &Grammar,
    fields: &'f [Field],
    names: &[String],
    found: &Found,
) -> Option<&'f Field> {
    let c = &found.condition;
    // a word that names the record itself ("an order over 200") is no field's name
    let names_record = |w: &str| names.iter().any(|n| same_word(n, w));
    for strength in [2, 1] {
        for word in found.words.iter().filter(|w| !names_record(w)) {
            if let Some(f) = fields
                .iter()
                .find(|f| comparable(g, f, c) && named_by(f, word) == strength)
            {
                return Some(f);
            }
        }
    }
    let numeric_op = matches!(
        c.op,
        CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le
    );
    let whole_record = found
        .words
        .iter()
        .any(|w| names_record(w) || g.amount_words.iter().any(|a| a == w));
    if numeric_op && (found.money || (whole_record && found.unit.is_none())) {
        return g.amount_words.iter().find_map(|a| {
            fields.iter().find(|f| {
                comparable(g, f, c)
                    && (f.words.iter().any(|w| w == a)
                        || f.path
                            .rsplit('.')
                            .next()
                            .is_some_and(|l| l.contains(a.as_str())))
            })
        });
    }
    None
}

/// The comparisons of a prompt ("orders over $200", "6 or lower", "severity is 'critical'",
/// "tagged 'preorder'"), each with the words that may name its field.
pub(super) fn conditions(g: &Grammar, toks: &[Tok], text: &str) -> Vec<Found> {
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
        // the token after the value: its unit or the noun it counts ("300 points")
        let mut after_value: Option<usize> = None;
        if let Some(op) = op
            && let Some((v, next)) = value(toks, text, value_at)
        {
            let unit = w(next);
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
                after_value = Some(next);
            }
        }
        if found.is_none() {
            // "6 or lower", "10 or more"
            if let Some((v, next)) = value(toks, text, i)
                && w(next) == "or"
            {
                let op = match w(next + 1) {
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
            let from = (0..=start)
                .rev()
                .take(6)
                .find(|&k| matches!(w(k), "if" | "when" | "where" | "whose" | "only"))
                .unwrap_or(start.saturating_sub(3));
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
            let word = |x: &str| {
                !x.is_empty()
                    && (!g.stop(x) || g.amount_words.iter().any(|a| a == x))
                    && !x.chars().all(|c| c.is_ascii_digit())
                    && !matches!(x, "if" | "when" | "where" | "whose" | "only")
            };
            let clause = toks.get(i).map_or(0, |t| t.clause);
            // only a count has a noun after its value ("300 points"); after "is 5" the next
            // word starts what follows
            let counted = matches!(
                op,
                CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le
            );
            let unit = after_value
                .filter(|&k| counted && toks.get(k).is_some_and(|t| t.clause == clause))
                .map(&w)
                .filter(|x| word(x) && !MONEY_WORDS.contains(x));
            let mut words: Vec<String> = unit.into_iter().map(str::to_owned).collect();
            if field != "value" && !words.contains(&field) {
                words.push(field.clone());
            }
            // back to the condition's cue, or six words within its clause
            let words_from = (0..=start)
                .rev()
                .take(7)
                .take_while(|&k| toks.get(k).is_some_and(|t| t.clause == clause))
                .last()
                .unwrap_or(start);
            let cue = (0..=start)
                .rev()
                .take(6)
                .find(|&k| matches!(w(k), "if" | "when" | "where" | "whose" | "only"));
            let words_from = cue.map_or(words_from, |c| c.max(words_from));
            for k in (words_from..start).rev() {
                let x = w(k);
                if word(x) && !words.iter().any(|y| y == x) {
                    words.push(x.to_owned());
                }
            }
            let value_end = after_value.map_or(i + consumed, |k| k.saturating_sub(1));
            let money = op != CompareOp::Contains
                && (value_starts_money(toks, text, start, value_end)
                    || after_value.is_some_and(|k| MONEY_WORDS.contains(&w(k)))
                    || ["usd", "eur", "gbp"]
                        .iter()
                        .any(|c| w(value_end).ends_with(c)));
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
            out.push(Found {
                at: from,
                condition: Condition {
                    field,
                    op,
                    value,
                    description,
                },
                words,
                money,
                unit: unit.map(str::to_owned),
            });
            i += consumed.max(1);
            continue;
        }
        i += 1;
    }
    out
}

/// Words after a value that make it money.
const MONEY_WORDS: &[&str] = &[
    "dollars", "dollar", "bucks", "euros", "euro", "pounds", "usd", "eur", "gbp",
];

/// Whether a currency sign is written right before a number between `from` and `to` ("6 or
/// lower" forms read their value at the start).
fn value_starts_money(toks: &[Tok], text: &str, from: usize, to: usize) -> bool {
    (from..=to.min(toks.len().saturating_sub(1))).any(|k| {
        toks[k].w.starts_with(|c: char| c.is_ascii_digit())
            && text[..toks[k].start].ends_with(['$', '€', '£'])
    })
}

/// The number at token `k` and the token after it: `10,000` (two tokens in the text), `5
/// thousand`, `2.5k`.
fn value(toks: &[Tok], text: &str, k: usize) -> Option<(String, usize)> {
    let v = number(&toks.get(k)?.w)?;
    let mut next = k + 1;
    let mut digits = v.clone();
    // thousands separators: "10,000", "1,250,000"
    while let Some(t) = toks.get(next)
        && t.w.len() == 3
        && t.w.chars().all(|c| c.is_ascii_digit())
        && text.get(toks[next - 1].end..t.start) == Some(",")
        && !digits.contains('.')
    {
        digits.push_str(&t.w);
        next += 1;
    }
    let scale = match toks.get(next).map(|t| t.w.as_str()) {
        Some("thousand") => Some(1_000.0),
        Some("million") => Some(1_000_000.0),
        _ => None,
    };
    match (scale, digits.parse::<f64>()) {
        (Some(m), Ok(n)) => Some((format!("{}", n * m), next + 1)),
        _ => Some((digits, next)),
    }
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

    fn found(words: &[&str], op: CompareOp, value: &str, money: bool) -> Found {
        Found {
            at: 0,
            condition: Condition {
                field: words.first().copied().unwrap_or("value").to_owned(),
                op,
                value: value.to_owned(),
                description: String::new(),
            },
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            money,
            unit: None,
        }
    }

    fn resolved(tool: &str, event: &str, word: &str, op: CompareOp) -> Option<String> {
        let catalog = Catalog::builtin().unwrap();
        let e = catalog
            .tool(tool)
            .unwrap()
            .events
            .iter()
            .find(|e| e.id == event)
            .unwrap();
        let lang = crate::planner::Language::builtin().unwrap();
        let Records::Documented { fields, names } = Records::of_event(e) else {
            panic!("{tool} {event} documents no fields");
        };
        fit(
            &lang.grammar,
            fields,
            &names,
            &found(&[word], op, "1", false),
        )
        .map(|f| f.path.clone())
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

    /// The fields of a catalog action's records, resolved for a condition's words.
    fn fits_action(tool: &str, action: &str, f: &Found) -> Option<String> {
        let catalog = Catalog::builtin().unwrap();
        let a = catalog.tool(tool).unwrap().action(action).unwrap();
        let lang = crate::planner::Language::builtin().unwrap();
        let Records::Documented { fields, names } = Records::of_action(a) else {
            panic!("{tool} {action} documents no fields");
        };
        fit(&lang.grammar, fields, &names, f).map(|f| f.path.clone())
    }

    #[test]
    fn a_field_is_chosen_by_its_words_and_a_type_that_compares() {
        use CompareOp::{Contains, Eq, Gt, Lt};
        // (tool, action, the condition's words, op, value, money, the field it compares)
        type Case<'a> = (
            &'a str,
            &'a str,
            &'a [&'a str],
            CompareOp,
            &'a str,
            bool,
            Option<&'a str>,
        );
        let cases: &[Case<'_>] = &[
            // the noun after the value names the field ("more than 300 points")
            (
                "hacker_news",
                "top_stories",
                &["points", "stories"],
                Gt,
                "300",
                false,
                Some("score"),
            ),
            (
                "twitter",
                "search",
                &["likes", "post"],
                Gt,
                "100",
                false,
                Some("public_metrics.like_count"),
            ),
            // a money amount compares the record's amount
            (
                "plaid",
                "list_transactions",
                &["account", "business"],
                Gt,
                "1000",
                true,
                Some("amount"),
            ),
            (
                "shopify",
                "list_orders",
                &["orders"],
                Gt,
                "200",
                false,
                Some("total_price"),
            ),
            // a count of units is no money amount: no order field counts stock
            (
                "bigcommerce",
                "list_orders",
                &["units", "product", "stock"],
                Lt,
                "5",
                false,
                None,
            ),
            // a word naming a text field cannot compare as a number
            ("shopify", "list_orders", &["country"], Gt, "5", false, None),
            // a list or text field for "tagged"
            (
                "shopify",
                "list_orders",
                &["tags"],
                Contains,
                "vip",
                false,
                Some("tags"),
            ),
            // a word that names nothing in the record
            (
                "hacker_news",
                "top_stories",
                &["moves"],
                Gt,
                "3",
                false,
                None,
            ),
            (
                "plaid",
                "list_transactions",
                &["merchant"],
                Eq,
                "Amazon",
                false,
                Some("merchant_name"),
            ),
        ];
        for (tool, action, words, op, value, money, want) in cases {
            assert_eq!(
                fits_action(tool, action, &found(words, *op, value, *money)).as_deref(),
                *want,
                "{tool}.{action} {words:?}"
            );
        }
    }

    fn read(text: &str) -> Vec<Found> {
        let lang = crate::planner::Language::builtin().unwrap();
        conditions(&lang.grammar, &crate::text::tokenize(text), text)
    }

    #[test]
    fn a_condition_keeps_the_words_that_may_name_its_field() {
        let cases: &[(&str, &str, &str, &[&str], bool)] = &[
            (
                "stories with more than 300 points go to telegram",
                ">",
                "300",
                &["points", "stories"],
                false,
            ),
            (
                "if the stock drops below 10, email me",
                "<",
                "10",
                &["drops", "stock"],
                false,
            ),
            (
                "orders over $200 go to slack",
                ">",
                "200",
                &["orders"],
                true,
            ),
            ("payments above 50 dollars", ">", "50", &["payments"], true),
            (
                "if the queue length is above 10,000 page me",
                ">",
                "10000",
                &["length", "queue"],
                false,
            ),
            (
                "if it's over 5 thousand, tell datadog",
                ">",
                "5000",
                &["s"],
                false,
            ),
            (
                "when satisfaction is below 3 alert me",
                "<",
                "3",
                &["alert", "satisfaction"],
                false,
            ),
            (
                "tickets tagged 'urgent' go to pagerduty",
                "contains",
                "urgent",
                &["tags", "tickets"],
                false,
            ),
        ];
        for (text, op, value, words, money) in cases {
            let got = read(text);
            let f = got
                .first()
                .unwrap_or_else(|| panic!("no condition in {text}"));
            assert_eq!(f.condition.op.symbol(), *op, "{text}");
            assert_eq!(f.condition.value, *value, "{text}");
            assert_eq!(f.words, *words, "{text}");
            assert_eq!(f.money, *money, "{text}");
        }
    }

    #[test]
    fn durations_and_plain_numbers_are_no_conditions() {
        for text in [
            "every 2 hours post the report",
            "issues open for more than 3 days",
            "send the top 5 stories",
        ] {
            assert!(read(text).is_empty(), "{text}");
        }
    }
}
