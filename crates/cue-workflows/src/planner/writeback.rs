//! Write-backs to the trigger's own item ("when an issue is opened in GitHub, comment on it"):
//! a verb said of a pronoun (or of the record by its name: "reply to the conversation") after an
//! app event asks for the trigger app's own action on the record that started the run, bound to
//! that record's id field (the action's `{field:…}` reference), not for a message in another
//! tool. The verbs and the action words each asks for are data (`data/language/bind.json`,
//! `write_backs`).

use crate::catalog::{Action, Catalog, Role};
use crate::model::TriggerKind;
use crate::text::Tok;

use super::conditions::{names, same_word};
use super::message::{WriteBackAct, WriteBackWords, phrase_len};
use super::steps::Draft;
use super::{Prompt, Source};

/// A write-back asked for: the verb's token, the last token of what it is said of, and its act.
struct Asked<'w> {
    at: usize,
    end: usize,
    act: &'w WriteBackAct,
}

/// The write-backs a prompt asks for after its trigger: an act's verb, at most `reach` link
/// words, then a pronoun or `the`/`this` and a word naming the trigger's record (`record`).
fn asked<'w>(
    w: &'w WriteBackWords,
    toks: &[Tok],
    from: usize,
    record: &[String],
) -> Vec<Asked<'w>> {
    let mut out = Vec::new();
    for i in from..toks.len() {
        let Some(act) = w.acts.iter().find(|a| a.verbs.contains(&toks[i].w)) else {
            continue;
        };
        let mut j = i + 1;
        while j < toks.len() && j <= i + w.reach && w.links.contains(&toks[j].w) {
            j += 1;
        }
        let Some(t) = toks.get(j) else { continue };
        let end = if phrase_len(toks, j, &w.pronouns).is_some() {
            Some(j)
        } else if matches!(t.w.as_str(), "the" | "this" | "that")
            && toks
                .get(j + 1)
                .is_some_and(|n| record.iter().any(|r| same_word(r, &n.w)))
        {
            Some(j + 1)
        } else {
            None
        };
        if let Some(end) = end {
            out.push(Asked { at: i, end, act });
        }
    }
    out
}

/// The trigger app's action an act asks for on its own record: a write whose words hold one
/// of the act's and whose request reads the record's fields (its id).
fn action_for<'c>(actions: &'c [Action], act: &WriteBackAct) -> Option<&'c Action> {
    actions.iter().find(|a| {
        a.role == Role::Write
            && a.unusable.is_none()
            && crate::refs::reads_record_fields(a)
            && a.words.iter().any(|x| act.words.contains(x))
    })
}

/// Plans the write-backs a prompt asks for: the trigger app's action on the trigger's record in
/// place of the steps a need or an unnamed channel made for the same words (a GitHub comment,
/// not an e-mail). When the records that reach the verb are another step's (a read before it),
/// the pronoun means those, and nothing changes. When the app has no such action, `assumptions`
/// says so and the drafts stay.
pub(super) fn apply(
    catalog: &Catalog,
    w: &WriteBackWords,
    p: &Prompt<'_>,
    src: &Source<'_>,
    drafts: &mut Vec<Draft>,
    assumptions: &mut Vec<String>,
) {
    let (Some(ti), Some(event)) = (src.tool, src.event) else {
        return;
    };
    if src.kind != TriggerKind::AppEvent {
        return;
    }
    let tool = catalog.tool_at(ti);
    let record = names(&event.label, &event.words);
    let from = src.end.min(p.toks.len());
    for asked in asked(w, &p.toks, from, &record) {
        // a step that reads or transforms before the verb: "them" is its records
        if drafts
            .iter()
            .any(|d| d.at > 0 && d.at < asked.at && d.role != Role::Write)
        {
            return;
        }
        if p.excl.negated(asked.at) {
            continue;
        }
        let Some(action) = action_for(&tool.actions, asked.act) else {
            let line = format!(
                "{} has no action Cue can call to \"{}\" the {} that started the run, so that part is not planned.",
                tool.name,
                p.toks[asked.at].w,
                event.label.to_lowercase()
            );
            if !assumptions.contains(&line) {
                assumptions.push(line);
            }
            continue;
        };
        if drafts.iter().any(|d| d.tool == ti && d.action == action.id) {
            continue;
        }
        // the steps made for these words by another tool the prompt does not name
        let named = |t: usize| p.ms.iter().any(|m| m.tool == t);
        drafts.retain(|d| {
            !(d.role == Role::Write
                && d.tool != ti
                && !named(d.tool)
                && (asked.at..=asked.end).contains(&d.at))
        });
        let clause = p.toks[asked.at].clause;
        let place = drafts
            .iter()
            .position(|d| d.at > asked.at)
            .unwrap_or(drafts.len());
        drafts.insert(
            place,
            Draft {
                tool: ti,
                action: action.id.clone(),
                at: asked.at,
                clause,
                role: Role::Write,
            },
        );
    }
}
