//! Writes every answer the embedded engine gives for every prompt of one or more eval sets, one
//! JSON line a prompt: the set, the line, and either the whole `Generated` (plan, code, graph,
//! the validator's report, ...) or the error. Two builds' outputs compared byte for byte prove
//! a change that should not move any answer (issue 16: the planner and the validator made
//! cheaper with identical plans and findings).
//!
//! ```text
//! cargo run --release -p cue-workflows --example answers -- OUT.jsonl tests/sets/tuning*.jsonl
//! cmp BEFORE.jsonl AFTER.jsonl
//! ```

use std::io::Write;

use cue_workflows::{Engine, GenerateRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next() else {
        return Err("usage: answers OUT.jsonl SET.jsonl...".into());
    };
    let sets: Vec<String> = args.collect();
    if sets.is_empty() {
        return Err("usage: answers OUT.jsonl SET.jsonl...".into());
    }
    let engine = Engine::new()?;
    let mut file = std::io::BufWriter::new(std::fs::File::create(&out)?);
    let (mut answered, mut refused) = (0usize, 0usize);
    for set in &sets {
        let name = std::path::Path::new(set)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (n, line) in std::fs::read_to_string(set)?.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let case: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| format!("{set}:{}: not a JSON object: {e}", n + 1))?;
            let prompt = case["prompt"].as_str().unwrap_or_default();
            let req = if case["input_type"] == "speech_transcript" {
                GenerateRequest::speech(prompt)
            } else {
                GenerateRequest::text(prompt)
            };
            let answer = match engine.generate(&req) {
                Ok(g) => {
                    answered += 1;
                    serde_json::json!({"set": name, "line": n + 1, "generated": g})
                }
                Err(e) => {
                    refused += 1;
                    serde_json::json!({"set": name, "line": n + 1, "error": e.to_string()})
                }
            };
            writeln!(file, "{}", serde_json::to_string(&answer)?)?;
        }
    }
    file.flush()?;
    println!("{answered} answers, {refused} refusals written to {out}");
    Ok(())
}
