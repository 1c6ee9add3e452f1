//! Every action of the catalog is reachable by its own words (verbs16, issue 12's planner side):
//! for each tool and each action the planner may choose by words, phrasings built from the
//! action's label (its verb and object) with a neutral trigger plan that tool's step with that
//! action. Review 15 found write actions no one-verb phrasing planned (R15-1/R15-2); each review
//! found new ones on the tools it sampled, so the whole catalog is checked at once.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use cue_workflows::GenerateRequest;
use cue_workflows::catalog::{Action, Tool};

/// Articles dropped from a label's object, so a phrasing may say its own ("the user").
const ARTICLES: &[&str] = &["a", "an", "the"];

/// Words that open an object which takes no article of its own ("add to a playlist").
const PREPOSITIONS: &[&str] = &["to", "on", "in", "by", "from", "into", "for", "with"];

/// The verb classes the planner reads (`data/language/verbs.json`).
const VERBS_JSON: &str = include_str!("../data/language/verbs.json");

fn verb_classes() -> Vec<Vec<String>> {
    let v: serde_json::Value = serde_json::from_str(VERBS_JSON).unwrap();
    serde_json::from_value(v["classes"].clone()).unwrap()
}

/// The verb and object of an action's label ("Create a user" → `create`, `user`), without a
/// remark in parentheses ("Reply on WhatsApp (within 24 hours)").
fn verb_and_object(label: &str) -> (String, String) {
    let plain = label.split(" (").next().unwrap_or(label);
    let mut words = plain.split_whitespace();
    let verb = words.next().unwrap_or_default().to_lowercase();
    let mut rest: Vec<&str> = words.collect();
    if rest
        .first()
        .is_some_and(|w| ARTICLES.contains(&w.to_lowercase().as_str()))
    {
        rest.remove(0);
    }
    (verb, rest.join(" "))
}

/// The neutral event of the phrasings after an event: a form submitted, or, for the form tool
/// itself, a row added to a sheet (typed, dictated).
fn event_for(tool: &Tool) -> (&'static str, &'static str) {
    if tool.id == "typeform" {
        (
            "when a row is added to google sheets, ",
            "when a row is added to google sheets ",
        )
    } else {
        (
            "when a typeform is submitted, ",
            "when a typeform is submitted ",
        )
    }
}

/// `verb` said of the action's object in `tool`: "the" before a plain object, and "in <Tool>"
/// unless the object names the tool already ("reply on WhatsApp").
fn ask(tool: &Tool, verb: &str, object: &str, article: bool) -> String {
    let first = object.split_whitespace().next().unwrap_or_default();
    let the = if article && !object.is_empty() && !PREPOSITIONS.contains(&first) {
        "the "
    } else {
        ""
    };
    let named = object.to_lowercase().contains(&tool.name.to_lowercase());
    let place = if named {
        String::new()
    } else {
        format!(" in {}", tool.name)
    };
    format!("{verb} {the}{object}{place}")
}

/// The phrasings of one action said with `verb`: on a schedule, after an event, and the
/// event's dictated (lower-case, unpunctuated) variant; `all` false keeps the schedule and the
/// dictated one.
fn phrasings(tool: &Tool, verb: &str, object: &str, all: bool) -> Vec<String> {
    let (typed, dictated) = event_for(tool);
    let mut out = vec![format!(
        "every monday at 9, {}",
        ask(tool, verb, object, false)
    )];
    if all {
        out.push(format!("{typed}{}", ask(tool, verb, object, true)));
    }
    out.push(format!(
        "{dictated}{}",
        ask(tool, verb, object, true).to_lowercase()
    ));
    out
}

/// The verbs one action is asked with, each with the expectation: its label's verb, the other
/// verbs of that verb's classes, and its words that are verbs of a class. A verb that is a word
/// of another action of the tool, and not of this one, names that other action: left out.
/// One that is a word of both may plan either (`shared` true).
fn verbs_for(tool: &Tool, action: &Action, classes: &[Vec<String>]) -> Vec<(String, bool)> {
    let (label_verb, _) = verb_and_object(&action.label);
    let in_class = |w: &str| classes.iter().any(|c| c.iter().any(|v| v == w));
    let mut verbs = vec![label_verb.clone()];
    for c in classes.iter().filter(|c| c.contains(&label_verb)) {
        verbs.extend(c.iter().cloned());
    }
    verbs.extend(action.words.iter().filter(|w| in_class(w)).cloned());
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for v in verbs {
        if seen.contains(&v) {
            continue;
        }
        seen.push(v.clone());
        let own = action.words.contains(&v);
        let others = tool
            .actions
            .iter()
            .any(|a| a.id != action.id && a.words.contains(&v));
        if others && !own && v != label_verb {
            continue;
        }
        // the label's verb is said with the label's object, which tells the actions apart
        out.push((v.clone(), others && v != label_verb));
    }
    out
}

/// Actions of the same tool whose labels say the same verb and object: either is accepted,
/// since the words cannot tell them apart.
fn twins<'t>(tool: &'t Tool, action: &Action) -> Vec<&'t str> {
    let key = verb_and_object(&action.label);
    tool.actions
        .iter()
        .filter(|a| a.id != action.id && verb_and_object(&a.label) == key)
        .map(|a| a.id.as_str())
        .collect()
}

/// Whether the planner may choose `action` by words: it has words and can work.
fn chosen_by_words(action: &Action) -> bool {
    !action.words.is_empty() && action.unusable.is_none()
}

#[test]
fn every_catalog_action_is_planned_by_its_own_verb_and_object() {
    let engine = support::engine();
    let catalog = engine.catalog();
    let mut total = 0;
    let mut asked = 0;
    let mut reached = 0;
    let mut failures: Vec<String> = Vec::new();
    let mut accepted: Vec<String> = Vec::new();
    let mut read_as_trigger: Vec<String> = Vec::new();
    let classes = verb_classes();
    for tool in catalog.tools() {
        for action in tool.actions.iter().filter(|a| chosen_by_words(a)) {
            total += 1;
            let twins = twins(tool, action);
            let (label_verb, object) = verb_and_object(&action.label);
            let mut ok = true;
            for (verb, shared) in verbs_for(tool, action, &classes) {
                let all = verb == label_verb;
                for prompt in phrasings(tool, &verb, &object, all) {
                    asked += 1;
                    let mut as_trigger = false;
                    let (planned, whole) = match engine.plan(&GenerateRequest::text(&prompt)) {
                        Ok(plan) => (
                            {
                                as_trigger = plan.trigger.tool.as_deref() == Some(&tool.id);
                                plan.steps
                                    .iter()
                                    .filter(|s| s.tool == tool.id)
                                    .map(|s| s.action.clone())
                                    .collect::<Vec<_>>()
                            },
                            format!(
                                "trigger {}; steps {}",
                                plan.trigger.tool.as_deref().unwrap_or("-"),
                                plan.steps
                                    .iter()
                                    .map(|s| format!("{}.{}", s.tool, s.action))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ),
                        Err(e) => (vec![format!("error: {e}")], String::new()),
                    };
                    let hit = planned.contains(&action.id);
                    let twin = planned.iter().any(|a| twins.contains(&a.as_str()));
                    let other = !planned.is_empty() && shared && !planned[0].starts_with("error");
                    if !hit && (twin || other) {
                        accepted.push(format!(
                            "| {}.{} | {prompt} | {} ({}) |",
                            tool.id,
                            action.id,
                            planned.join(", "),
                            if twin {
                                "same verb and object in the label"
                            } else {
                                "the verb is a word of both actions"
                            }
                        ));
                    } else if !hit {
                        ok = false;
                        if as_trigger {
                            // the trigger stage read the tool as the event's source: its
                            // action was never chosen
                            read_as_trigger.push(format!(
                                "| {}.{} | {prompt} | {whole} |",
                                tool.id, action.id
                            ));
                            continue;
                        }
                        let what = if planned.is_empty() {
                            format!("no step of the tool ({whole})")
                        } else {
                            planned.join(", ")
                        };
                        failures.push(format!("| {}.{} | {prompt} | {what} |", tool.id, action.id));
                    }
                }
            }
            reached += usize::from(ok);
        }
    }
    println!(
        "reachable: {reached} of {total} actions (every phrasing planned); {} of {asked} phrasings planned the action",
        asked - failures.len() - read_as_trigger.len()
    );
    if !accepted.is_empty() {
        println!(
            "accepted as ambiguous:\n| action | phrasing | planned |\n|---|---|---|\n{}",
            accepted.join("\n")
        );
    }
    if !read_as_trigger.is_empty() {
        println!(
            "left to the trigger stage (the tool read as the event's source):\n| action | phrasing | plan |\n|---|---|---|\n{}",
            read_as_trigger.join("\n")
        );
    }
    assert!(
        failures.is_empty(),
        "{} phrasings plan another action ({reached} of {total} actions reachable):\n| action | phrasing | planned |\n|---|---|---|\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Whether `plan` has steps of `tool` doing exactly `actions`, in any order.
fn tool_does(plan: &cue_workflows::Plan, tool: &str, actions: &[&str]) -> bool {
    let mut got: Vec<&str> = plan
        .steps
        .iter()
        .filter(|s| s.tool == tool)
        .map(|s| s.action.as_str())
        .collect();
    let mut want = actions.to_vec();
    got.sort_unstable();
    want.sort_unstable();
    got == want
}

/// A verb of an action's class said before a tool's name says that action (what must change);
/// a word of the tool's own, a read named as the source, a verb said of another tool, and a
/// verb that only describes keep theirs (what must stay).
#[test]
fn a_verb_of_an_actions_class_says_it_and_nothing_else_moves() {
    let cases: &[(&str, &str, &[&str])] = &[
        // a class verb, none of the tool's own words
        (
            "every friday at 5pm trash the old files in google drive",
            "google_drive",
            &["delete_file", "list_files"],
        ),
        (
            "when a typeform is submitted, erase the user in okta",
            "okta",
            &["deactivate_user"],
        ),
        (
            "when a typeform is submitted delete the user in google workspace",
            "google_workspace",
            &["suspend_user"],
        ),
        (
            "when a typeform is submitted, append the respondent to the team channel in slack",
            "slack",
            &["invite_user"],
        ),
        (
            "when a typeform is submitted, change the inventory in shopify",
            "shopify",
            &["update_inventory"],
        ),
        (
            "when a typeform is submitted, edit the notes doc in google docs",
            "google_docs",
            &["append_text"],
        ),
        // the tool's own word wins over a class
        (
            "when a typeform is submitted, create a user in okta",
            "okta",
            &["create_user"],
        ),
        (
            "every monday at 9, add a row in google sheets",
            "google_sheets",
            &["append_row"],
        ),
        (
            "when a typeform is submitted, post the answers to #general in slack",
            "slack",
            &["post_message"],
        ),
        (
            "when a typeform is submitted, upload the file to google drive",
            "google_drive",
            &["upload_file"],
        ),
        // the read stays a read: the verb is said of another tool, or only describes
        (
            "every monday list the files in google drive and send them to slack",
            "google_drive",
            &["list_files"],
        ),
        (
            "every monday at 9, check which files were deleted in google drive",
            "google_drive",
            &["list_files"],
        ),
        (
            "every monday copy the files in google drive to dropbox",
            "google_drive",
            &["list_files"],
        ),
        // a class verb before a source named ahead of its destination is the move's
        (
            "every monday at 9, append the hubspot contacts to google sheets",
            "hubspot",
            &["list_contacts"],
        ),
        (
            "every monday at 9, insert the airtable records into google sheets",
            "airtable",
            &["list_records"],
        ),
        (
            "every monday at 9, insert the airtable records into google sheets",
            "google_sheets",
            &["append_row"],
        ),
        (
            "every monday at 9, list the files in google drive, then delete the old rows in airtable",
            "google_drive",
            &["list_files"],
        ),
        // a verb said outranks a name that is an action's word; a name alone still says it
        (
            "when a typeform is submitted, reply on whatsapp",
            "whatsapp",
            &["send_message"],
        ),
        (
            "when a typeform is submitted, send a whatsapp message to the customer",
            "whatsapp",
            &["send_template"],
        ),
        (
            "when someone mentions my brand on twitter, reply with a tweet",
            "twitter",
            &["search", "post_tweet"],
        ),
        // an object named in either number picks its own action
        (
            "every monday at 9, list the open issues in github",
            "github",
            &["list_issues"],
        ),
        (
            "when a typeform is submitted, open an issue in github",
            "github",
            &["create_issue"],
        ),
        (
            "every monday at 9, list open pull requests in github",
            "github",
            &["list_pull_requests"],
        ),
        (
            "when a typeform is submitted, create an issue in github",
            "github",
            &["create_issue"],
        ),
    ];
    let engine = support::engine();
    let mut wrong = Vec::new();
    for (prompt, tool, want) in cases {
        let plan = engine.plan(&GenerateRequest::text(*prompt)).unwrap();
        if !tool_does(&plan, tool, want) {
            let got: Vec<String> = plan
                .steps
                .iter()
                .map(|s| format!("{}.{}", s.tool, s.action))
                .collect();
            wrong.push(format!("{prompt}: want {tool} {want:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
