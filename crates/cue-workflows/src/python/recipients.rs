//! Who a step sends to: the address, number or channel the user named, else the person the
//! record is about (a message's sender), else the step's setting.
//!
//! - A recipient parameter the plan gives a value of its own (the prompt named
//!   `billing@example.com`, `+14155550100`) is sent alone: an email found in the record
//!   (a Stripe PaymentIntent's `receipt_email`) no longer wins over it (R7-12).
//! - Otherwise the field the vendor documents for that person in the record the step works on
//!   (the trigger's item, or a read step's records) is read first: a WhatsApp message's `from`
//!   or Twilio's `From` for a phone (their words name `phone`), an Outlook mail's
//!   `from.emailAddress.address` for an email (a sender field whose path is an address), so a
//!   reply goes to the sender, not to the setting (R9-2). `_field`'s own search, then the
//!   setting, follow.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Action, Catalog, Field, FieldType, Role};
use crate::model::{Delivery, Plan, Step};

/// Record fields a step sends to: `{field:phone}` and `{field_or:email:to}` name them.
pub(super) const RECIPIENT_FIELDS: &[&str] = &["email", "phone"];

/// Record fields a request takes as one kind of value, read by `_reading` (not `_field`, whose
/// first key *containing* the name may be `email_verified: true` or a list of addresses), each
/// with the other names a record may hold it under: an e-mail address, a phone number, and an
/// amount (an order's `total`, a product's `price`: numbers or numeric text). A field named for
/// the kind (`work_email`) is read as that kind.
pub(super) const READINGS: &[(&str, &[&str])] = &[
    ("email", &[]),
    ("phone", &[]),
    ("amount", &["total", "price"]),
];

/// The kind `_reading` reads a record field as (`email`, `phone`, `amount`), with the other
/// names the record may hold it under; None for a field of no such kind (a name, an id).
pub(super) fn reading_of(field: &str) -> Option<(&'static str, &'static [&'static str])> {
    READINGS.iter().copied().find(|(kind, _)| {
        field == *kind
            || field
                .strip_suffix(kind)
                .is_some_and(|rest| rest.ends_with('_'))
    })
}

/// Whether `value` is a stand-in the user has not replaced: the action's default or a
/// placeholder `required::fill` gives a setting (`your-…`, `you@example.com`, `+15555550100`,
/// `https://example.com/your-…`).
pub(super) fn stand_in(value: &str, default: Option<&String>) -> bool {
    default.is_some_and(|d| d == value)
        || value.starts_with("your-")
        || value.starts_with("https://example.com/your-")
        || value == "you@example.com"
        || value == "+15555550100"
        || value.trim().is_empty()
}

/// The step's recipient parameters that carry a value the user gave: sent alone.
pub(super) fn named(action: &Action, step: &Step) -> BTreeSet<String> {
    recipient_params(action)
        .into_iter()
        .filter(|p| {
            step.params
                .get(p)
                .is_some_and(|v| !stand_in(v, action.params.get(p)))
        })
        .collect()
}

/// The parameters that stand for a recipient: `{field:phone}` → `phone` (a setting
/// `required::fill` may add), `{field_or:email:to}` → `to`.
fn recipient_params(action: &Action) -> Vec<String> {
    let mut out = Vec::new();
    let spec =
        serde_json::to_string(&(&action.body, &action.query, &action.kwargs)).unwrap_or_default();
    for field in RECIPIENT_FIELDS {
        if spec.contains(&format!("{{field:{field}}}")) {
            out.push((*field).to_owned());
        }
        let prefix = format!("{{field_or:{field}:");
        let mut rest = spec.as_str();
        while let Some(i) = rest.find(&prefix) {
            let after = &rest[i + prefix.len()..];
            if let Some(end) = after.find('}') {
                out.push(after[..end].to_owned());
            }
            rest = after;
        }
    }
    out
}

/// The documented fields of the record step `index` works on: the last read or transform
/// before it (a poll's list action), else the trigger's event item; none for a schedule's
/// run record.
pub(super) fn input_fields<'c>(catalog: &'c Catalog, plan: &Plan, index: usize) -> &'c [Field] {
    let action_of = |s: &Step| catalog.tool(&s.tool).and_then(|t| t.action(&s.action));
    if let Some(s) = plan.steps[..index]
        .iter()
        .rev()
        .find(|s| action_of(s).is_none_or(|a| a.role != Role::Write))
    {
        return action_of(s).map_or(&[], |a| a.fields.as_slice());
    }
    if matches!(plan.trigger.delivery, Delivery::Schedule | Delivery::Direct) {
        return &[];
    }
    plan.trigger
        .tool
        .as_deref()
        .and_then(|t| catalog.tool(t))
        .and_then(|t| {
            t.events
                .iter()
                .find(|e| Some(&e.id) == plan.trigger.event.as_ref())
        })
        .map_or(&[], |e| e.fields.as_slice())
}

/// For each recipient field, the path of the record's field that holds that person: a field
/// whose words name it (`phone`), or for an email a sender's field whose path is an address.
/// Only a field holding one text value can be a person: not a list of a form's answers
/// (Facebook's `field_data.*.values`, whose words name `email` among others).
pub(super) fn sender_paths(fields: &[Field]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let single = |f: &&Field| f.kind == FieldType::String && !f.path.split('.').any(|k| k == "*");
    for name in RECIPIENT_FIELDS {
        let named = fields
            .iter()
            .filter(single)
            .find(|f| f.words.iter().any(|w| w == name));
        let sender = || {
            fields.iter().filter(single).find(|f| {
                let last = f
                    .path
                    .rsplit('.')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                f.words.iter().any(|w| w == "sender" || w == "from")
                    && *name == "email"
                    && (last.contains("address") || last.contains("email"))
            })
        };
        if let Some(f) = named.or_else(sender) {
            out.insert((*name).to_owned(), f.path.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::{Engine, GenerateRequest};

    #[test]
    fn a_sender_is_the_documented_field_that_names_the_person() {
        let catalog = Catalog::builtin().unwrap();
        let event = |tool: &str, id: &str| {
            catalog
                .tool(tool)
                .unwrap()
                .events
                .iter()
                .find(|e| e.id == id)
                .unwrap()
                .fields
                .clone()
        };
        let paths = sender_paths(&event("whatsapp", "message_received"));
        assert_eq!(paths.get("phone").map(String::as_str), Some("from"));
        let paths = sender_paths(&event("twilio", "incoming_sms"));
        assert_eq!(paths.get("phone").map(String::as_str), Some("From"));
        let paths = sender_paths(&event("outlook", "new_email"));
        assert_eq!(
            paths.get("email").map(String::as_str),
            Some("from.emailAddress.address")
        );
        // a chat message names a user, not an address or a number: nothing is guessed
        let paths = sender_paths(&event("slack", "message"));
        assert!(paths.is_empty(), "{paths:?}");
        // a lead's answers are a list whose words name email and phone among others: not a
        // person's field (the answers are read by name, `_field(item, "email")`)
        let paths = sender_paths(&event("facebook", "lead"));
        assert!(paths.is_empty(), "{paths:?}");
    }

    /// The stand-ins a settled plan carries (the action's default, `required::fill`'s
    /// placeholders) are not a recipient the user named; a real value is.
    #[test]
    fn only_a_value_the_user_gave_is_a_named_recipient() {
        let engine = Engine::new().unwrap();
        let catalog = engine.catalog();
        let g = engine
            .generate(&GenerateRequest::text(
                "When I get an SMS on Twilio, reply to the sender with Twilio",
            ))
            .unwrap();
        let step = &g.plan.steps[0];
        let action = catalog
            .tool(&step.tool)
            .unwrap()
            .action(&step.action)
            .unwrap();
        assert!(step.params.contains_key("phone"), "{:?}", step.params);
        assert!(named(action, step).is_empty(), "{:?}", step.params);
        let mut given = step.clone();
        given
            .params
            .insert("phone".to_owned(), "+14155550100".to_owned());
        assert_eq!(
            named(action, &given).into_iter().collect::<Vec<_>>(),
            ["phone"]
        );
        for placeholder in ["your-phone", "+15555550100", "you@example.com", ""] {
            assert!(stand_in(placeholder, None), "{placeholder}");
        }
        assert!(!stand_in(
            "billing@example.com",
            Some(&"you@example.com".to_owned())
        ));
    }
}
