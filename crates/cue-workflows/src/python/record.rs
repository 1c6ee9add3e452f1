//! What a step reads of the record it works on besides `_field`'s own search, from the fields
//! the catalog documents for that record:
//!
//! - a `{field:name}` the record has no key for is read at the documented field whose words
//!   name it: an RSS item's `link` for `{field:url}` (R10-4), a Stripe customer's `id` for
//!   `{field:customer}` (R11-3);
//! - a needed name is compared with the record's documented names with case, `_`, `-` and
//!   spaces folded, both ways: a BambooHR employee's `firstName` is `{field:first_name}`, a
//!   record's `first_name` is `{field:firstName}` (R17-1);
//! - `{title}` is the record's own title (a feed item's `title`, a ticket's `subject`), the
//!   workflow's name only when the record has none (R11-4). A field whose words say it is a
//!   person's role (a job title) or the form a response came through is not the record's title.

use std::collections::BTreeMap;

use super::recipients::RECIPIENT_FIELDS;
use crate::catalog::{Field, FieldType};

/// Words that name a record's title.
const TITLE_WORDS: &[&str] = &["title", "subject", "headline"];

/// Words that say a title-named field is someone's role or the form's, not the record's.
const OTHER_TITLES: &[&str] = &["role", "position", "form", "form name"];

/// Where `{title}` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Title {
    /// The documented field that is the record's title.
    At(String),
    /// The record is documented and has no title (a payment), or is a schedule's run record:
    /// the workflow's name.
    Workflow,
    /// Nothing is documented (a generic webhook): the record's own `title`, `subject` or
    /// `summary` key, else the workflow's name.
    Search,
}

/// What one step reads of its record.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordPaths {
    /// A word → the documented path of the first single-valued field whose words use it
    /// (not a recipient's: `email`, `phone`).
    pub named: BTreeMap<String, String>,
    /// A name folded (`fold`) → the documented path of the first single-valued field whose
    /// last key or one of whose words folds to it.
    folded: BTreeMap<String, String>,
    /// The documented path of the record's only e-mail address (a single-valued text field
    /// whose key or words name an e-mail), when it documents exactly one (R18-3).
    only_email: Option<String>,
    pub title: Option<Title>,
}

/// A name with case, `_`, `-`, `.` and spaces folded away: `first_name`, `firstName`,
/// `FirstName` and the word "first name" are one name.
pub(crate) fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

impl RecordPaths {
    /// The paths of the documented `fields` of the record; `on_run_record`: the record is a
    /// schedule's or a manual run's, which has no title.
    pub(crate) fn of(fields: &[Field], on_run_record: bool) -> Self {
        let single = |f: &&Field| {
            !f.path.split('.').any(|k| k == "*")
                && !matches!(f.kind, FieldType::Array | FieldType::Object)
        };
        let mut named = BTreeMap::new();
        let mut folded = BTreeMap::new();
        for f in fields.iter().filter(single) {
            let key = f.path.rsplit('.').next().unwrap_or(&f.path);
            folded.entry(fold(key)).or_insert_with(|| f.path.clone());
            // a recipient's word is the sender's (`recipients::sender_paths`); its own key is
            // still the field's
            for w in f
                .words
                .iter()
                .filter(|w| !RECIPIENT_FIELDS.contains(&w.as_str()))
            {
                folded.entry(fold(w)).or_insert_with(|| f.path.clone());
            }
        }
        for f in fields.iter().filter(single) {
            // a recipient is the sender's documented field (`recipients::sender_paths`)
            for w in f
                .words
                .iter()
                .filter(|w| !RECIPIENT_FIELDS.contains(&w.as_str()))
            {
                if *w != f.path {
                    named.entry(w.clone()).or_insert_with(|| f.path.clone());
                }
            }
        }
        let emails: Vec<&Field> = fields
            .iter()
            .filter(single)
            .filter(|f| f.kind == FieldType::String && is_email_field(f))
            .collect();
        let only_email = match emails.as_slice() {
            [one] => Some(one.path.clone()),
            _ => None,
        };
        let title = if on_run_record {
            Title::Workflow
        } else if fields.is_empty() {
            Title::Search
        } else {
            fields
                .iter()
                .filter(single)
                .find(|f| {
                    f.kind == FieldType::String
                        && f.words.iter().any(|w| TITLE_WORDS.contains(&w.as_str()))
                        && !f.words.iter().any(|w| OTHER_TITLES.contains(&w.as_str()))
                })
                .map_or(Title::Workflow, |f| Title::At(f.path.clone()))
        };
        Self {
            named,
            folded,
            only_email,
            title: Some(title),
        }
    }

    /// The documented path the record has `name` under when that is not `name` itself: a
    /// word's field (`url` → `link`), else the field whose key or word is `name` with case and
    /// `_` folded (`first_name` → `firstName`). `None` when the record documents `name` as it
    /// is spelled (`_field` finds it) or has nothing for it.
    ///
    /// A name of an e-mail other than `email` itself (`work_email`, `customerEmail`) the record
    /// has no field for is its only documented e-mail address, as a form's single e-mail
    /// answer is at run time (`_reading`, R18-3); a record of two addresses (personal and
    /// work) has none, and the step's setting stays.
    pub(crate) fn path_of(&self, name: &str) -> Option<&str> {
        if let Some(path) = self.named.get(name) {
            return Some(path);
        }
        if let Some(path) = self.folded.get(&fold(name)) {
            return Some(path.as_str()).filter(|p| p.rsplit('.').next() != Some(name));
        }
        self.only_email
            .as_deref()
            .filter(|p| names_other_email(name) && p.rsplit('.').next() != Some(name))
    }
}

/// Whether a documented field is an e-mail address: its last key or one of its words folds
/// to a name ending in `email` (`email`, `workEmail`, `receipt_email`; not `email_verified`).
fn is_email_field(f: &Field) -> bool {
    let key = f.path.rsplit('.').next().unwrap_or(&f.path);
    fold(key).ends_with("email") || f.words.iter().any(|w| fold(w).ends_with("email"))
}

/// Whether a needed name is an e-mail of some kind other than the plain `email` a record's
/// own search finds (`work_email`, `personalEmail`).
pub(crate) fn names_other_email(name: &str) -> bool {
    let f = fold(name);
    f.ends_with("email") && f != "email"
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::catalog::Catalog;

    fn event_fields<'c>(catalog: &'c Catalog, tool: &str, id: &str) -> &'c [Field] {
        let t = catalog.tool(tool).unwrap();
        &t.events.iter().find(|e| e.id == id).unwrap().fields
    }

    #[test]
    fn a_records_title_is_its_own_never_a_role_or_its_forms() {
        let catalog = Catalog::builtin().unwrap();
        for (tool, event, want) in [
            ("rss", "new_item", Title::At("title".into())),
            ("zendesk", "ticket_created", Title::At("subject".into())),
            ("jira", "issue_updated", Title::At("fields.summary".into())),
            ("sentry", "issue_created", Title::At("title".into())),
            // a form's title, a job title: not the record's
            ("typeform", "form_response", Title::Workflow),
            ("jotform", "submission", Title::Workflow),
            ("workday", "worker_hired", Title::Workflow),
            ("bamboohr", "employee_added", Title::Workflow),
            // a payment has none
            ("stripe", "payment_succeeded", Title::Workflow),
        ] {
            let paths = RecordPaths::of(event_fields(&catalog, tool, event), false);
            assert_eq!(paths.title, Some(want), "{tool} {event}");
        }
        assert_eq!(RecordPaths::of(&[], false).title, Some(Title::Search));
        let rss = event_fields(&catalog, "rss", "new_item");
        assert_eq!(RecordPaths::of(rss, true).title, Some(Title::Workflow));
    }

    #[test]
    fn a_word_names_the_documented_field_that_uses_it() {
        let catalog = Catalog::builtin().unwrap();
        let rss = RecordPaths::of(event_fields(&catalog, "rss", "new_item"), false);
        assert_eq!(rss.named.get("url").map(String::as_str), Some("link"));
        // a field's own name is `_field`'s to find
        assert!(!rss.named.contains_key("link"));
        // a list of answers names no single value
        let lead = RecordPaths::of(event_fields(&catalog, "facebook", "lead"), false);
        assert!(lead.named.values().all(|p| !p.contains('*')), "{lead:?}");
    }

    fn field(path: &str, words: &[&str]) -> Field {
        serde_json::from_value(
            serde_json::json!({"path": path, "type": "string", "description": "", "words": words}),
        )
        .unwrap()
    }

    #[test]
    fn a_needed_name_finds_its_field_whatever_its_case_and_underscores() {
        let catalog = Catalog::builtin().unwrap();
        let bamboo = RecordPaths::of(event_fields(&catalog, "bamboohr", "employee_added"), false);
        let snake = RecordPaths::of(
            &[field("first_name", &[]), field("customer.account_id", &[])],
            false,
        );
        // (record, needed name, path): found with case and `_` folded, in both directions
        for (paths, name, want) in [
            (&bamboo, "first_name", Some("firstName")),
            (&bamboo, "last_name", Some("lastName")),
            (&bamboo, "work_email", Some("workEmail")),
            (&bamboo, "FirstName", Some("firstName")),
            (&bamboo, "hire_date", Some("hireDate")),
            (&snake, "firstName", Some("first_name")),
            (&snake, "accountId", Some("customer.account_id")),
            // spelled as documented: `_field`'s own search
            (&bamboo, "firstName", None),
            (&snake, "first_name", None),
            // nothing of that name, whatever its spelling: the stand-in stays
            (&bamboo, "middle_name", None),
            (&bamboo, "first", None),
            (&snake, "last_name", None),
        ] {
            assert_eq!(paths.path_of(name), want, "{name}");
        }
        // R18-3: an e-mail named otherwise is the record's only documented address; a record
        // of two addresses has none, and `email` itself is `_field`'s own search
        let one = RecordPaths::of(&[field("id", &[]), field("contact.email", &[])], false);
        let two = RecordPaths::of(
            &[field("personal_email", &[]), field("email", &["email"])],
            false,
        );
        assert_eq!(one.path_of("work_email"), Some("contact.email"));
        assert_eq!(one.path_of("customerEmail"), Some("contact.email"));
        assert_eq!(one.path_of("email"), None);
        assert_eq!(one.path_of("name"), None);
        assert_eq!(two.path_of("work_email"), None);
        assert!(names_other_email("work_email") && !names_other_email("email"));
        assert!(!names_other_email("email_verified"));
        assert_eq!(fold("first_name"), fold("FirstName"));
        assert_eq!(fold("first name"), fold("firstName"));
        assert_ne!(fold("first_name"), fold("firstname_x"));
    }
}
