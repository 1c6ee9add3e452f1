//! Counts the actions the generated plans of prompt sets use, most used first (which actions
//! `data/dryrun/shapes.json` must cover: docs/dry-run.md, tenth session):
//!
//! ```sh
//! cargo run -p cue-sandbox --example action_counts -- crates/cue-workflows/tests/sets/tuning-9.jsonl [more sets]
//! ```

use std::collections::BTreeMap;

use cue_workflows::{Engine, GenerateRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let engine = Engine::new()?.with_validation(false);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for file in std::env::args().skip(1) {
        for line in std::fs::read_to_string(&file)?.lines() {
            let Ok(row) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let Some(prompt) = row["prompt"].as_str() else {
                continue;
            };
            let Ok(g) = engine.generate(&GenerateRequest::text(prompt)) else {
                continue;
            };
            for s in &g.plan.steps {
                *counts
                    .entry(format!("{}.{}", s.tool, s.action))
                    .or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (i, (action, n)) in ranked.iter().enumerate() {
        println!("{:>3} {n:>4} {action}", i + 1);
    }
    Ok(())
}
