//! Runs `Engine::generate` on one prompt many times, for counting its instructions with
//! callgrind without building the gateway (a release gateway takes ~45 minutes on the shared
//! machine; this example takes a few).
//!
//! ```text
//! cargo build --release -p cue-workflows --example generate_count
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='generate_count::counted' \
//!     target/release/examples/generate_count xtask/bench/prompt.txt 20
//! ```
//!
//! The first argument is a file holding the prompt (the bench's is `xtask/bench/prompt.txt`),
//! the second how many counted runs follow the warm-up run. `counted` holds exactly the
//! counted runs, so the total callgrind reports divided by the runs is one generate's cost.

use std::hint::black_box;

use cue_workflows::{Engine, GenerateRequest};

#[inline(never)]
fn counted(engine: &Engine, req: &GenerateRequest, runs: usize) -> usize {
    let mut bytes = 0;
    for _ in 0..runs {
        if let Ok(generated) = black_box(engine.generate(black_box(req))) {
            bytes += generated.code.len();
        }
    }
    bytes
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: generate_count PROMPT_FILE [RUNS]")?;
    let runs: usize = args.next().map_or(Ok(20), |n| n.parse())?;
    let prompt = std::fs::read_to_string(&path)?;
    let req = GenerateRequest::text(prompt.trim());
    let engine = Engine::new()?;
    // the warm-up run (lazy tables, the allocator) is not counted
    let first = engine.generate(&req)?;
    let bytes = counted(&engine, &req, runs);
    println!(
        "{runs} counted runs; module {} bytes ({} over the runs)",
        first.code.len(),
        bytes
    );
    Ok(())
}
