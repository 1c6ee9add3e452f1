//! Fuzzes the validator entry point with arbitrary bytes: it must never panic, overflow the stack
//! or hang, whatever the input, for every stage and target version.
#![no_main]

use cue_validate::{Options, PythonVersion, Stage, validate_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the options so one corpus exercises every version and stage.
    let (selector, source) = match data.split_first() {
        Some((&selector, rest)) => (selector, rest),
        None => (0, data),
    };
    let version = PythonVersion::ALL[usize::from(selector) % PythonVersion::ALL.len()];
    let stage = if selector & 0x80 == 0 {
        Stage::InitialSkeleton
    } else {
        Stage::FinalWithCredentials
    };
    let mut options = Options::default()
        .with_python_version(version)
        .with_stage(stage)
        .with_requirements("requests\nPyYAML\n");
    if selector & 0x40 != 0 {
        options = options.without_handler();
    }
    if let Ok(report) = validate_bytes(source, &options) {
        // Invariants the gateway relies on.
        assert_eq!(report.is_valid, report.error_count == 0);
        assert!(report.findings.len() <= options.max_findings);
        for finding in &report.findings {
            assert!(finding.line >= 1 && finding.column >= 1);
            assert!((finding.line, finding.column) <= (finding.end_line, finding.end_column));
        }
    }
});
