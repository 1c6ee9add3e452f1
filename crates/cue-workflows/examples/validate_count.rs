//! Runs `cue_validate::validate` on one module many times, with the options the engine
//! validates a generated module with, for counting its instructions with callgrind (issue 16:
//! what the parser and the checks cost on a given module, e.g. the smallest one a workflow can
//! have).
//!
//! ```text
//! cargo build --release -p cue-workflows --example validate_count
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='validate_count::counted' \
//!     target/release/examples/validate_count MODULE.py 20 [REQUIREMENTS.txt]
//! ```
//!
//! The first argument is the module, the second how many counted runs follow the warm-up run,
//! the third (optional) the `requirements.txt` to declare. `counted` holds exactly the counted
//! runs, so the total callgrind reports divided by the runs is one validation's cost.

use std::hint::black_box;

use cue_validate::{Options, Stage};

#[inline(never)]
fn counted(source: &str, options: &Options, runs: usize) -> usize {
    let mut findings = 0;
    for _ in 0..runs {
        if let Ok(report) = black_box(cue_validate::validate(
            black_box(source),
            black_box(options),
        )) {
            findings += report.findings.len();
        }
    }
    findings
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: validate_count MODULE.py [RUNS] [REQUIREMENTS.txt]")?;
    let runs: usize = args.next().map_or(Ok(20), |n| n.parse())?;
    let requirements = match args.next() {
        Some(file) => std::fs::read_to_string(file)?,
        None => String::new(),
    };
    let source = std::fs::read_to_string(&path)?;
    let options = Options::default()
        .with_stage(Stage::InitialSkeleton)
        .with_requirements(requirements);
    // the warm-up run (the rule data, the allocator) is not counted
    let first = cue_validate::validate(&source, &options)?;
    let findings = counted(&source, &options, runs);
    println!(
        "{runs} counted runs; module {} bytes, {} findings ({} over the runs), valid: {}",
        source.len(),
        first.findings.len(),
        findings,
        first.is_valid
    );
    Ok(())
}
