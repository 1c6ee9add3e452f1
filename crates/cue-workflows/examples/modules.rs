//! Writes the module the embedded engine generates for every prompt of an eval set, one file a
//! prompt (`<out>/<line>.py`, the line of the prompt in the set, from 1), so that two builds'
//! modules can be compared (`scripts/only_removals.py`). Prompts the engine refuses get no file.
//!
//! `cargo run --release -p cue-workflows --example modules -- tests/sets/tuning-8.jsonl OUT_DIR`

use std::path::PathBuf;

use cue_workflows::{Engine, GenerateRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(set), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: modules SET.jsonl OUT_DIR".into());
    };
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out)?;
    let engine = Engine::new()?;
    let (mut written, mut refused) = (0, 0);
    for (n, line) in std::fs::read_to_string(&set)?.lines().enumerate() {
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
        match engine.generate(&req) {
            Ok(g) => {
                std::fs::write(out.join(format!("{}.py", n + 1)), &g.code)?;
                written += 1;
            }
            Err(_) => refused += 1,
        }
    }
    println!("{set}: {written} modules written, {refused} prompts without one");
    Ok(())
}
