//! Dry-runs a prompt made from every catalog event and action (docs/dry-run.md, the seventh
//! session): what the simulator, the samples and the generator do for each entry, whatever a
//! prompt set happens to ask for.
//!
//! ```sh
//! DRY_RUN_PYTHON=/usr/bin/python3 cargo run -p cue-sandbox --example dry_run_sweep [-- [--wide] TOOL...] [--show KEY]
//! ```
//!
//! `--wide` adds, per event, "add a row to our Google Sheet with its details", "create a
//! contact in HubSpot" and a condition on its first documented number field; per read, "create
//! a task in Asana for each one" and the same condition.
//!
//! Each event becomes "When <event> in <tool>, post it to #general on Slack"; each write
//! action "When a Stripe payment succeeds, <action> in <tool>" and "Every Monday at 9,
//! <action> in <tool>"; each read "Every Monday at 9, <action> in <tool> and post them to
//! #general on Slack"; each transform "When a HubSpot contact is created, <action> with
//! <tool> and post the result to #general on Slack". A prompt whose plan does not use the
//! entry's tool is counted apart (the planner's reading, not the dry run's). `--show KEY`
//! (`tool.event` or `tool.action#n`) prints that run's plan, code and dry run.

mod support;

use std::collections::BTreeMap;

use cue_workflows::GenerateRequest;
use cue_workflows::catalog::Role;
use cue_workflows::dryrun::DryRunRequest;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut only, show) = support::args();
    let (engine, runner) = support::runner().await?;
    let wide = only.iter().any(|a| a == "--wide");
    only.retain(|a| a != "--wide");
    let mut prompts: Vec<(String, String, String)> = Vec::new();
    for tool in engine.catalog().tools() {
        if !only.is_empty() && !only.contains(&tool.id) {
            continue;
        }
        let name = &tool.name;
        let to_slack = if tool.id == "slack" {
            "send it to me by email with Gmail"
        } else {
            "post it to #general on Slack"
        };
        for e in &tool.events {
            let label = e.label.to_lowercase();
            let key = format!("{}.{}", tool.id, e.id);
            prompts.push((
                key.clone(),
                tool.id.clone(),
                format!("When {label} in {name}, {to_slack}"),
            ));
            if wide {
                prompts.push((
                    format!("{key}#sheet"),
                    tool.id.clone(),
                    format!(
                        "When {label} in {name}, add a row to our Google Sheet with its details"
                    ),
                ));
                prompts.push((
                    format!("{key}#crm"),
                    tool.id.clone(),
                    format!("When {label} in {name}, create a contact in HubSpot"),
                ));
                if let Some(f) = number_field(&e.fields) {
                    prompts.push((
                        format!("{key}#if"),
                        tool.id.clone(),
                        format!("When {label} in {name} and its {f} is over 100, {to_slack}"),
                    ));
                }
            }
        }
        for a in &tool.actions {
            let label = a.label.to_lowercase();
            let key = format!("{}.{}", tool.id, a.id);
            match a.role {
                Role::Write => {
                    prompts.push((
                        format!("{key}#1"),
                        tool.id.clone(),
                        format!("When a Stripe payment succeeds, {label} in {name}"),
                    ));
                    prompts.push((
                        format!("{key}#2"),
                        tool.id.clone(),
                        format!("Every Monday at 9, {label} in {name}"),
                    ));
                }
                Role::Read => {
                    prompts.push((
                        format!("{key}#1"),
                        tool.id.clone(),
                        format!(
                            "Every Monday at 9, {label} in {name} and {}",
                            to_slack.replace("it", "them")
                        ),
                    ));
                    if wide {
                        prompts.push((
                            format!("{key}#task"),
                            tool.id.clone(),
                            format!("Every Monday at 9, {label} in {name} and create a task in Asana for each one"),
                        ));
                        if let Some(f) = number_field(&a.fields) {
                            prompts.push((
                                format!("{key}#if"),
                                tool.id.clone(),
                                format!("Every Monday at 9, {label} in {name} and {} where the {f} is over 100", to_slack.replace("it", "the ones")),
                            ));
                        }
                    }
                }
                Role::Transform => prompts.push((
                    format!("{key}#1"),
                    tool.id.clone(),
                    format!(
                        "When a HubSpot contact is created, {label} with {name} and {}",
                        to_slack.replace("it", "the result")
                    ),
                )),
            }
        }
    }
    let (mut total, mut planned, mut passed) = (0, 0, 0);
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, tool, prompt) in prompts {
        if !show.is_empty() && !show.contains(&key) {
            continue;
        }
        total += 1;
        let Ok(g) = engine.generate(&GenerateRequest::text(&prompt)) else {
            failures
                .entry("not generated".into())
                .or_default()
                .push(key);
            continue;
        };
        if !g.plan.steps.iter().any(|s| s.tool == tool)
            && g.plan.trigger.tool.as_deref() != Some(&tool)
        {
            failures
                .entry("plan without the entry's tool".into())
                .or_default()
                .push(key);
            continue;
        }
        planned += 1;
        let run = runner
            .run(&g.code, Some(&g.plan), DryRunRequest::default())
            .await?;
        if show.contains(&key) {
            println!(
                "== {key}: {prompt}\n{}",
                serde_json::to_string_pretty(&g.plan)?
            );
            println!("{}\n{}", g.code, serde_json::to_string_pretty(&run)?);
        }
        let why = if let Some(e) = &run.error {
            let message: String = e.message.chars().take(90).collect();
            Some(format!("{}: {message}", e.kind))
        } else {
            support::not_reached(&g.plan, &run)
        };
        match why {
            None => passed += 1,
            Some(why) => failures.entry(why).or_default().push(key),
        }
    }
    println!(
        "prompts: {total}, planned with the entry's tool: {planned}, dry run ok and every planned step called: {passed} ({:.1}%)",
        100.0 * f64::from(passed) / f64::from(planned.max(1))
    );
    support::print_failures(&failures);
    Ok(())
}

/// The last word of the first documented number field's path, as a user would name it.
fn number_field(fields: &[cue_workflows::catalog::Field]) -> Option<String> {
    use cue_workflows::catalog::FieldType;
    let f = fields
        .iter()
        .find(|f| matches!(f.kind, FieldType::Number | FieldType::Integer))?;
    let last = f.path.rsplit('.').next()?;
    Some(last.replace('_', " "))
}
