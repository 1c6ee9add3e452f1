//! Every tuning prompt's plan or refusal, one line each, into the file `CUE_POLICY_DUMP` names
//! (nothing without it): for checking that a change to the policy's mechanism leaves every
//! answer as it was (dump before, dump after, compare), and for scoring halves of a set by id
//! without printing any prompt. Lines: `set<TAB>id<TAB>outcome<TAB>plan or error`, where the
//! outcome is `built`, `disallowed` or `error`. The frozen sets are never read here.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::fmt::Write as _;
use std::path::PathBuf;

use cue_workflows::{Engine, GenerateRequest, InputType, WorkflowError};
use serde_json::Value;

#[test]
fn dump_every_tuning_answer() {
    let Ok(out) = std::env::var("CUE_POLICY_DUMP") else {
        return;
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sets");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "jsonl")
                && p.file_stem()
                    .and_then(|s| s.to_str())
                    .is_some_and(|s| s.starts_with("tuning"))
        })
        .collect();
    files.sort();
    let engine = Engine::new().unwrap();
    let mut text = String::new();
    for path in files {
        let set = path.file_stem().unwrap().to_str().unwrap().to_owned();
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            if line.trim().is_empty() {
                continue;
            }
            let p: Value = serde_json::from_str(line).unwrap();
            let req = GenerateRequest {
                prompt: p["prompt"].as_str().unwrap_or_default().to_owned(),
                input_type: if p["input_type"] == "speech_transcript" {
                    InputType::SpeechTranscript
                } else {
                    InputType::Text
                },
            };
            let id = p["id"].as_str().unwrap_or("?");
            let (outcome, body) = match engine.plan(&req) {
                Ok(plan) => ("built", serde_json::to_string(&plan).unwrap()),
                Err(e @ WorkflowError::Disallowed { .. }) => ("disallowed", e.to_string()),
                Err(e) => ("error", format!("{e:?}")),
            };
            writeln!(text, "{set}\t{id}\t{outcome}\t{body}").unwrap();
        }
    }
    std::fs::write(out, text).unwrap();
}
