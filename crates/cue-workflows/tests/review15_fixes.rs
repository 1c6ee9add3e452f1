//! Review 15's findings (docs/catalog-review-15.md, fixes in docs/catalog-review-15-fixes.md),
//! each from prompts of our own: R15-1/R15-2 the action chosen within a tool (the verb said
//! wins over a shared noun, a tie goes to the read, two actions of one tool when both are
//! asked), R15-1 Okta's deactivate aimed at the person's login, R15-4 an e-mail sender's
//! recipient read from the record.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use cue_workflows::Plan;
use support::{generated, plan};

fn actions_of(plan: &Plan, tool: &str) -> Vec<String> {
    plan.steps
        .iter()
        .filter(|s| s.tool == tool)
        .map(|s| s.action.clone())
        .collect()
}

/// R15-1/R15-2: the verb said for a tool picks its action, over a noun another of its actions
/// shares ("user", "channel", "files"); the same tool with a verb of its other action is the
/// near miss, both ways.
#[test]
fn the_verb_said_for_a_tool_picks_its_action() {
    let cases: &[(&str, &str, &[&str])] = &[
        // the verb names the action
        (
            "when someone fills in my jotform, deactivate their okta user",
            "okta",
            &["deactivate_user"],
        ),
        (
            "every friday at 5pm suspend the contractor user in okta",
            "okta",
            &["deactivate_user"],
        ),
        (
            "when a hubspot contact is created, invite them to my slack channel",
            "slack",
            &["invite_user"],
        ),
        (
            "when a new github issue is opened, add the reporter to a slack channel",
            "slack",
            &["invite_user"],
        ),
        (
            "when a row is added to google sheets, delete the file from google drive",
            "google_drive",
            &["delete_file"],
        ),
        // near misses: the other verb names the other action
        (
            "when someone fills in my jotform, create an okta user for them",
            "okta",
            &["create_user"],
        ),
        (
            "when a hubspot contact is created, post a message to my slack channel",
            "slack",
            &["post_message"],
        ),
        (
            "when a new file lands in dropbox, upload it to google drive",
            "google_drive",
            &["upload_file"],
        ),
    ];
    for (prompt, tool, want) in cases {
        let p = plan(prompt);
        assert_eq!(actions_of(&p, tool), *want, "{prompt}: {:?}", p.steps);
    }
}

/// R15-2: two actions of one tool when the clause asks for both (a read said beside a write,
/// or a delete on a schedule that must find its items first), read first; one action when only
/// one is asked.
#[test]
fn a_read_and_a_write_of_one_tool_are_both_planned_when_both_are_asked() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "every sunday at 8pm add my recently played spotify tracks to my playlist",
            "spotify",
            &["recently_played", "add_to_playlist"],
        ),
        (
            "every sunday at 8pm fetch my recently played spotify tracks and add them to my spotify playlist",
            "spotify",
            &["recently_played", "add_to_playlist"],
        ),
        (
            "every weekday at 7am remove the files in my google drive folder",
            "google_drive",
            &["list_files", "delete_file"],
        ),
        // near misses: only one is asked
        (
            "every sunday at 8pm email me my recently played spotify tracks",
            "spotify",
            &["recently_played"],
        ),
        (
            "every weekday at 7am list the files in my google drive folder and email them to me",
            "google_drive",
            &["list_files"],
        ),
        (
            "when a new podcast episode is published in my rss feed, add a song to my spotify playlist",
            "spotify",
            &["add_to_playlist"],
        ),
    ];
    for (prompt, tool, want) in cases {
        let p = plan(prompt);
        assert_eq!(actions_of(&p, tool), *want, "{prompt}: {:?}", p.steps);
    }
}

/// R15-1: Okta's deactivate names the person by their login (their email) from the record, never
/// the record's own id, which is another app's; the create step keeps its fields.
#[test]
fn okta_deactivate_targets_the_persons_login_not_another_apps_id() {
    let g = generated(plan(
        "when someone fills in my jotform, deactivate their okta user",
    ));
    let line = g
        .code
        .lines()
        .find(|l| l.contains("/lifecycle/deactivate"))
        .unwrap();
    assert!(line.contains("\"email\""), "{line}");
    assert!(!line.contains("\"id\""), "{line}");
}

/// R15-4: every e-mail sender with a recipient setting reads the record's address first
/// (`{field_or:email:…}`): Amazon SES like Outlook and SendGrid; a digest without addresses
/// still goes to the setting.
#[test]
fn amazon_ses_sends_to_the_records_address_with_the_setting_as_fallback() {
    let g = generated(plan(
        "when someone fills in my jotform, send them an email with amazon ses",
    ));
    assert!(g.code.contains("AMAZON_SES_TO"), "{}", g.code);
    let line = g.code.lines().find(|l| l.contains("ToAddresses")).unwrap();
    assert!(line.contains("email"), "{line}");
    assert!(!g.code.contains("SES_TO_EMAIL"), "{}", g.code);
}

/// R15-3: "search <tool> for X" binds X to the search's words; a "for" without a search verb,
/// or for nobody in particular, keeps the default.
#[test]
fn a_search_verb_with_for_names_what_is_searched() {
    let topic = |prompt: &str| {
        let p = plan(prompt);
        support::step(&p, "google_news").params["topic"].clone()
    };
    assert_eq!(
        topic("every day at 7am search google news for solar panels and post them to slack"),
        "solar panels"
    );
    assert_eq!(
        topic("every day at 7am search google news for 'heat pumps' and post them to slack"),
        "heat pumps"
    );
    // an "about" marker still wins
    assert_eq!(
        topic("every day at 7am post google news articles about wind farms to slack"),
        "wind farms"
    );
    // near misses: no search verb before "for", or a vague "for us"
    assert_eq!(
        topic("every day at 7am post google news articles for my team to slack"),
        "your company"
    );
    assert_eq!(
        topic("every day at 7am search google news for us and post them to slack"),
        "your company"
    );
}

/// R15-6: a setting that must name a real record (Intercom's replying admin) defaults to a
/// `your-…` stand-in the plan reports, never a real-looking id sent as is.
#[test]
fn intercoms_replying_admin_is_a_stand_in_until_set() {
    let p = plan("when a new intercom conversation starts, reply to it");
    let admin = &support::step(&p, "intercom").params["admin"];
    assert!(admin.starts_with("your-"), "{admin}");
}

/// R15-2's rest: work said of a polled trigger's own item ("delete it") is a step on that tool
/// after the poll's own read; a poll with the work sent elsewhere keeps its read alone.
#[test]
fn work_on_a_polled_items_own_tool_follows_the_poll() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "when a new file is added to my google drive folder, delete it",
            "google_drive",
            &["list_files", "delete_file"],
        ),
        (
            "whenever a new file shows up in my google drive folder remove it",
            "google_drive",
            &["list_files", "delete_file"],
        ),
        // the work goes to another tool: the poll reads, nothing is written back
        (
            "when a new file is added to my google drive folder, post its name to slack",
            "google_drive",
            &["list_files"],
        ),
    ];
    for (prompt, tool, want) in cases {
        let p = plan(prompt);
        assert_eq!(actions_of(&p, tool), *want, "{prompt}");
    }
}
