//! Runs the writing of the two large answers many times, for counting their instructions with
//! callgrind (issue 16): the generate body ([`GenerateJson`]) of one prompt's workflow, and
//! the specification's validate answer of one module's report. The route counts
//! (`cargo xtask bench --instructions`) need a release gateway per binary; this needs only the
//! gateway's library, and counts nothing but the writing.
//!
//! ```text
//! cargo build --profile count -p cue-gateway --example wire_count \
//!   --config 'profile.count.inherits="release"' --config 'profile.count.debug="line-tables-only"'
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='wire_count::counted_*' \
//!     $CARGO_TARGET_DIR/count/examples/wire_count PROMPT_FILE MODULE.py 20
//! callgrind_annotate --inclusive=yes callgrind.out.PID | grep wire_count::counted
//! ```
//!
//! The prompt's workflow is generated and the module validated (with the bench's
//! requirements) once, uncounted; `counted_generate` and `counted_validate` each hold exactly
//! their runs, so each one's total divided by the runs is one answer's cost.

use std::hint::black_box;

use cue_gateway::wire::validation::ValidationJson;
use cue_gateway::wire::workflows::GenerateJson;
use cue_validate::{Options, Report};
use cue_workflows::repo::WorkflowId;
use cue_workflows::{Engine, GenerateRequest, GeneratedWorkflow};

#[inline(never)]
fn counted_generate(workflow: &GeneratedWorkflow, runs: usize) -> usize {
    (0..runs)
        .map(|_| black_box(GenerateJson::new(black_box(workflow))).map_or(0, |_| 1))
        .sum()
}

#[inline(never)]
fn counted_validate(report: &Report, runs: usize) -> usize {
    (0..runs)
        .map(|_| {
            black_box(ValidationJson::new(black_box(report)));
            1
        })
        .sum()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: wire_count PROMPT_FILE MODULE.py [RUNS]";
    let prompt = std::fs::read_to_string(args.next().ok_or(usage)?)?;
    let module = std::fs::read_to_string(args.next().ok_or(usage)?)?;
    let runs: usize = args.next().map_or(Ok(20), |n| n.parse())?;
    let mut generated = Engine::new()?.generate(&GenerateRequest::text(prompt.trim()))?;
    let report = generated.validation.take().ok_or("the engine validates")?;
    let workflow = GeneratedWorkflow {
        id: WorkflowId::new(),
        generated,
        report,
        saved: true,
    };
    let options = Options::default().with_requirements("requests==2.32.3\nboto3==1.35.0\n");
    let report = cue_validate::validate(&module, &options)?;
    let bodies = counted_generate(&workflow, runs) + counted_validate(&report, runs);
    println!(
        "{runs} counted runs of each; module {} bytes, template {} bytes, {} answers written",
        workflow.generated.code.len(),
        workflow.generated.template_yaml.len(),
        bodies
    );
    Ok(())
}
