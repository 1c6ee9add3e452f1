//! The usage policy (docs/policy.md) on the open tuning sets alone: how many must-refuse
//! prompts the policy refuses, and that no legitimate prompt (least of all the risky-looking
//! ones a set marks `legit:` in its notes) is refused by it. Quicker than the full eval (it
//! plans, it does not generate), and it fails when the policy over-refuses. The frozen sets are
//! never read here. `CUE_POLICY_DETAILS=1` prints the ids of the tuning prompts it misses.
//!
//! `CUE_POLICY_DUMP=FILE` writes every tuning prompt's plan or refusal, one line each, for
//! checking that a change to the policy's mechanism leaves every answer as it was (dump
//! before, dump after, compare) and for scoring halves of a set by id without printing any
//! prompt. Lines: `set<TAB>id<TAB>outcome<TAB>plan or error`, the outcome `built`,
//! `disallowed` or `error`.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::fmt::Write as _;
use std::path::PathBuf;

use cue_workflows::{Engine, GenerateRequest, InputType, WorkflowError};
use serde_json::Value;

fn sets() -> Vec<(String, Vec<Value>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sets");
    let mut out: Vec<(String, Vec<Value>)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter_map(|p| Some((p.file_stem()?.to_str()?.to_owned(), p)))
        .filter(|(name, p)| {
            name.starts_with("tuning") && p.extension().is_some_and(|x| x == "jsonl")
        })
        .map(|(name, p)| {
            let prompts = std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            (name, prompts)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The request a set's prompt stands for.
fn request(p: &Value) -> GenerateRequest {
    GenerateRequest {
        prompt: p["prompt"].as_str().unwrap_or_default().to_owned(),
        input_type: if p["input_type"] == "speech_transcript" {
            InputType::SpeechTranscript
        } else {
            InputType::Text
        },
    }
}

#[test]
fn tuning_sets_are_refused_and_their_legitimate_prompts_built() {
    let engine = Engine::new().unwrap();
    let details = std::env::var("CUE_POLICY_DETAILS").is_ok_and(|v| v == "1");
    let mut over = Vec::new();
    for (name, prompts) in sets() {
        let (mut must, mut refused, mut legit, mut legit_refused, mut valid, mut valid_refused) =
            (0, 0, 0, 0, 0, 0);
        for p in &prompts {
            let by_policy = matches!(
                engine.plan(&request(p)),
                Err(WorkflowError::Disallowed { .. })
            );
            let id = p["id"].as_str().unwrap_or("?");
            if p["expect"]["reject"].as_bool() == Some(true) {
                must += 1;
                refused += usize::from(by_policy);
                if details && !by_policy {
                    println!("  {id}: not refused by the policy");
                }
                continue;
            }
            valid += 1;
            valid_refused += usize::from(by_policy);
            if p["notes"]
                .as_str()
                .is_some_and(|n| n.to_lowercase().starts_with("legit"))
            {
                legit += 1;
                legit_refused += usize::from(by_policy);
            }
            if by_policy {
                over.push(format!("{name} {id}"));
            }
        }
        println!(
            "{name}: must-refuse refused by the policy {refused}/{must}; legit: prompts refused {legit_refused}/{legit}; all valid prompts refused {valid_refused}/{valid}"
        );
    }
    assert!(
        over.is_empty(),
        "legitimate prompts refused by the policy: {over:?}"
    );
}

/// `CUE_POLICY_DUMP=FILE cargo test -p cue-workflows --all-features --test policy_sets dump`
#[test]
fn dump_every_tuning_answer() {
    let Ok(out) = std::env::var("CUE_POLICY_DUMP") else {
        return;
    };
    let engine = Engine::new().unwrap();
    let mut text = String::new();
    for (set, prompts) in sets() {
        for p in &prompts {
            let id = p["id"].as_str().unwrap_or("?");
            let (outcome, body) = match engine.plan(&request(p)) {
                Ok(plan) => ("built", serde_json::to_string(&plan).unwrap()),
                Err(e @ WorkflowError::Disallowed { .. }) => ("disallowed", e.to_string()),
                Err(e) => ("error", format!("{e:?}")),
            };
            writeln!(text, "{set}\t{id}\t{outcome}\t{body}").unwrap();
        }
    }
    std::fs::write(out, text).unwrap();
}
