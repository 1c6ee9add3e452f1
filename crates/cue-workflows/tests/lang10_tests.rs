//! lang10: self-corrections in dictation that replace a place or a tool, from sentences of our
//! own (none copied from a set): the corrected tool is used, the replaced one dropped; an
//! addition after "actually" or a place that corrects nothing keeps both.

#![expect(clippy::unwrap_used, reason = "tests")]

use cue_workflows::{Engine, GenerateRequest, InputType, Plan};

fn plan(prompt: &str) -> Plan {
    Engine::new()
        .unwrap()
        .with_validation(false)
        .plan(&GenerateRequest {
            prompt: prompt.to_owned(),
            input_type: InputType::SpeechTranscript,
        })
        .unwrap()
}

fn tools(p: &Plan) -> Vec<String> {
    let mut t: Vec<String> = p.steps.iter().map(|s| s.tool.clone()).collect();
    if let Some(tool) = &p.trigger.tool {
        t.push(tool.clone());
    }
    t.sort();
    t.dedup();
    t
}

#[test]
fn a_corrected_place_or_tool_replaces_the_one_said_first() {
    // (dictation, tools that must be planned, tools that must not)
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "pick up the csv the supplier leaves in our ftp server no sorry it's a google drive folder every morning and add the rows to airtable",
            &["google_drive", "airtable"],
            &[],
        ),
        (
            "every new row in the zendesk export no wait the list is in google sheets should create a trello card",
            &["google_sheets", "trello"],
            &["zendesk"],
        ),
        (
            "every monday grab the numbers from the quickbooks report no wait they are in xero and email them to me",
            &["xero"],
            &["quickbooks"],
        ),
        (
            "post the summary to slack actually make that teams every friday",
            &["microsoft_teams"],
            &["slack"],
        ),
        (
            "whenever a file lands in dropbox no sorry box create a task in asana",
            &["box", "asana"],
            &["dropbox"],
        ),
        // near misses: no cue, or a destination followed by where something else is
        (
            "every new row in the zendesk export and the list in google sheets should create a trello card",
            &["zendesk", "google_sheets", "trello"],
            &[],
        ),
        (
            "every friday post the summary to slack actually the notes are in notion so link them",
            &["slack", "notion"],
            &[],
        ),
    ];
    for &(text, want, gone) in cases {
        let got = tools(&plan(text));
        for t in want {
            assert!(got.contains(&(*t).to_owned()), "{text}: {got:?} lacks {t}");
        }
        for t in gone {
            assert!(!got.contains(&(*t).to_owned()), "{text}: {got:?} has {t}");
        }
    }
}

/// Month end (`L`), the first working day (`1W`) and an hour list are expressions the whole
/// pipeline takes: generated and validated, with the expression in the template.
#[test]
fn new_schedule_forms_generate_and_validate() {
    let engine = Engine::new().unwrap();
    for (prompt, want) in [
        (
            "on the first business day of every month create the retainer invoices in freshbooks",
            "cron(0 9 1W * ? *)",
        ),
        (
            "every month end at 6pm export the hubspot deals to a google sheet",
            "cron(0 18 L * ? *)",
        ),
        (
            "post the open zendesk tickets to slack at the start of each shift (6am, 2pm, 10pm)",
            "cron(0 6,14,22 * * ? *)",
        ),
    ] {
        let g = engine.generate(&GenerateRequest::text(prompt)).unwrap();
        assert_eq!(
            g.plan.trigger.schedule_expression.as_deref(),
            Some(want),
            "{prompt}"
        );
        assert!(g.template_yaml.contains(want), "{prompt}");
    }
}
