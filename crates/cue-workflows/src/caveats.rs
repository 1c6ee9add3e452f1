//! What the generator tells the user about the catalog entries a plan uses, in the plan's
//! `assumptions`: an entry that could not be confirmed against the vendor's own reference
//! (`reference.verified: false`), and a webhook the generated code cannot check the vendor's
//! way. Stated once per entry, so settling a stored plan again adds nothing.

use crate::catalog::{Catalog, Reference};
use crate::model::{Delivery, Plan};

/// The caveats of `plan`, in plan order, without duplicates.
pub(crate) fn caveats(catalog: &Catalog, plan: &Plan) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // what an action asks the user to know (its `caveat`), after the unverified entries
    let mut notes: Vec<String> = Vec::new();
    let mut say = |what: String, r: Option<&Reference>| {
        if let Some(r) = r.filter(|r| !r.verified) {
            let line = format!(
                "{what} could not be confirmed against the vendor's API reference ({}); check it before relying on it.",
                r.url
            );
            if !out.contains(&line) {
                out.push(line);
            }
        }
    };
    let t = &plan.trigger;
    let mut fallback = None;
    let trigger_tool = t.tool.as_deref().and_then(|id| catalog.tool(id));
    if let Some(tool) = trigger_tool {
        say(format!("{}'s API", tool.name), tool.reference.as_ref());
        if let Some(e) = t
            .event
            .as_deref()
            .and_then(|id| tool.events.iter().find(|e| e.id == id))
        {
            say(
                format!("The trigger \"{}\" ({})", e.label, tool.name),
                e.reference.as_ref(),
            );
            // a poll makes its action's call: what the user must know about it holds too
            // (Magento's standalone Bearer token setting)
            if let Some(a) = e.poll.as_deref().and_then(|id| tool.action(id)) {
                notes.extend(a.caveat.iter().cloned());
            }
        }
    }
    if t.delivery == Delivery::Http
        && let Some(used) = catalog.webhook_for(trigger_tool)
    {
        say(
            format!("How {} signs its webhooks", used.owner.name),
            used.webhook.reference.as_ref(),
        );
        fallback = used.fallback;
    }
    for s in &plan.steps {
        let Some(tool) = catalog.tool(&s.tool) else {
            continue;
        };
        say(format!("{}'s API", tool.name), tool.reference.as_ref());
        if let Some(a) = tool.action(&s.action) {
            say(
                format!("The step \"{}\" ({})", a.label, tool.name),
                a.reference.as_ref(),
            );
            notes.extend(a.caveat.iter().cloned());
            // a stored plan may carry a step the catalog now knows cannot work
            notes.extend(a.unusable.as_ref().map(|why| {
                format!(
                    "The step \"{}\" ({}) cannot work as generated: {why}. Replace it with another app.",
                    a.label, tool.name
                )
            }));
            // a vendor that fetches the file itself (review 14, R14-1 and R14-2)
            notes.extend(crate::refs::file_url_seconds(a).map(|seconds| {
                format!(
                    "The step \"{}\" ({}): {} fetches the file itself from a URL: the record's own file or image URL (a feed item's enclosure or media:content, never its web page link), or for an S3 object a presigned link valid {}; a record that names no file is refused.",
                    a.label,
                    tool.name,
                    tool.name,
                    crate::window::duration(seconds.div_ceil(60))
                )
            }));
            notes.extend(a.lag_minutes.map(|m| {
                format!(
                    "The step \"{}\" ({}) reads a window that ends {} ago: {} lists what happened up to that late, so each run reads what is complete and nothing falls between two runs.",
                    a.label,
                    tool.name,
                    crate::window::duration(m),
                    tool.name
                )
            }));
            // a search the prompt gave no words for reads everything (R16-3)
            notes.extend(
                a.body_without
                    .keys()
                    .chain(a.query_without.keys())
                    .filter(|p| s.params.get(*p).is_none_or(|v| v.trim().is_empty()))
                    .map(|p| {
                        format!(
                            "The step \"{}\" ({}) was given no words to search for, so it reads every record, up to its page size: say them (\"search {} for errors\") or set its {p} setting.",
                            a.label, tool.name, tool.name
                        )
                    }),
            );
            // a field that names something gets one printable line (R16-1)
            notes.extend(a.names.iter().map(|n| {
                let forbid: Vec<String> = n.forbid.chars().map(String::from).collect();
                format!(
                    "The step \"{}\" ({}) sends a name of one line: the record's {} when its text has several lines, without line breaks{}.",
                    a.label,
                    tool.name,
                    n.from.join(" or "),
                    if forbid.is_empty() {
                        String::new()
                    } else {
                        format!(" and with each {} (which {} prohibits) sent as -", forbid.join(" and "), tool.name)
                    }
                )
            }));
            notes.extend(a.limits.iter().map(|l| {
                format!(
                    "The step \"{}\" ({}): {} accepts at most {} {}; a longer value is cut to fit and ends in \"[truncated]\".",
                    a.label,
                    tool.name,
                    l.path.rsplit('.').next().unwrap_or(&l.path),
                    l.max,
                    l.unit.as_str()
                )
            }));
        }
        if let Some(x) = &tool.token_exchange {
            say(
                format!("How {} issues access tokens", tool.name),
                x.reference.as_ref(),
            );
        }
        if let Some(x) = &tool.signed_token {
            say(
                format!("How {} access tokens are signed", tool.name),
                x.reference.as_ref(),
            );
        }
    }
    for line in notes {
        if !out.contains(&line) {
            out.push(line);
        }
    }
    if let Some(why) = fallback {
        out.insert(0, format!("{why}."));
    }
    out
}
