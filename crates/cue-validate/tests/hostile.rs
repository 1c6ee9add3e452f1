//! Hostile input never crashes, overflows the stack or hangs, even on a 2 MiB thread stack
//! (the stack size of actix-web workers).
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::time::{Duration, Instant};

use cue_validate::{Options, Report, Rule, ValidateError, validate, validate_bytes};

const WORKER_STACK: usize = 2 << 20;
/// Generous wall-clock bound for one validation of a hostile input (debug build, shared CPU).
const TIME_LIMIT: Duration = Duration::from_secs(60);

fn on_worker_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(WORKER_STACK)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("validation thread panicked or overflowed its stack")
}

fn check(source: String) -> Report {
    check_with(source, Options::default())
}

fn check_with(source: String, options: Options) -> Report {
    on_worker_stack(move || {
        let started = Instant::now();
        let report = validate(&source, &options).expect("validates");
        assert!(
            started.elapsed() < TIME_LIMIT,
            "took {:?}",
            started.elapsed()
        );
        report
    })
}

fn has_rule(report: &Report, rule: Rule) -> bool {
    report.findings.iter().any(|f| f.rule == rule)
}

#[test]
fn hundred_thousand_open_parentheses() {
    let report = check(format!("x = {}", "(".repeat(100_000)));
    assert!(!report.is_valid);
    assert!(has_rule(&report, Rule::NestingTooDeep));
    let finding = &report.findings[0];
    assert!(finding.message.contains("too many nested parentheses"));
    // Reported at the 201st bracket, like CPython.
    assert_eq!((finding.line, finding.column), (1, 5 + 200));
}

#[test]
fn hundred_thousand_balanced_parentheses() {
    let n = 100_000;
    let report = check(format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n)));
    assert!(!report.is_valid);
    assert!(has_rule(&report, Rule::NestingTooDeep));
}

#[test]
fn deeply_nested_lists() {
    let n = 100_000;
    let report = check(format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)));
    assert!(has_rule(&report, Rule::NestingTooDeep));
}

#[test]
fn deep_unary_and_attribute_chains() {
    for source in [
        format!("x = {}a\n", "-".repeat(500_000)),
        format!("x = {}a\n", "not ".repeat(200_000)),
        format!("x = a{}\n", ".b".repeat(300_000)),
        format!("x = {}\n", vec!["a"; 200_000].join("+")),
        format!("x = {}1\n", "lambda: ".repeat(100_000)),
        format!("x = a{}\n", "()".repeat(300_000)),
    ] {
        let report = check(source);
        assert!(has_rule(&report, Rule::NestingTooDeep));
        assert!(!report.is_valid);
    }
}

#[test]
fn five_thousand_nested_ifs() {
    // One space per level still makes 12.5 MB, so raise the input limit for this case.
    let mut source = String::new();
    for depth in 0..5_000 {
        source.push_str(&" ".repeat(depth));
        source.push_str("if x:\n");
    }
    source.push_str(&" ".repeat(5_000));
    source.push_str("pass\n");
    let report = check_with(source, Options::default().with_max_input_bytes(16 << 20));
    assert!(!report.is_valid);
    assert!(has_rule(&report, Rule::NestingTooDeep));
}

#[test]
fn nested_ifs_within_cpython_limits_are_fine() {
    let mut source = String::from("def lambda_handler(event, context):\n    x = event\n");
    for depth in 1..90 {
        source.push_str(&"    ".repeat(depth));
        source.push_str("if x:\n");
    }
    source.push_str(&"    ".repeat(90));
    source.push_str("return x\n");
    let report = check(source);
    assert!(report.is_valid, "{:?}", report.findings);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn multi_megabyte_input_is_rejected_with_a_clear_error() {
    let source = "x = 1\n".repeat(400_000);
    let err = on_worker_stack(move || validate(&source, &Options::default()).unwrap_err());
    assert_eq!(
        err,
        ValidateError::TooLarge {
            limit: 1024 * 1024,
            actual: 2_400_000
        }
    );
    assert!(err.to_string().contains("larger than the limit"));
}

#[test]
fn input_just_under_the_limit_with_many_findings_is_capped() {
    // ~1 MiB of undefined names: every line is a finding; the report keeps a bounded number.
    let line = "undefined_name_here\n";
    let source = line.repeat((1024 * 1024) / line.len());
    let report = check(source);
    assert!(!report.is_valid);
    assert!(report.truncated);
    assert!(report.findings.len() <= Options::default().max_findings);
    assert!(report.error_count >= 50_000);
}

#[test]
fn very_long_line() {
    let source = format!(
        "def lambda_handler(event, context):\n    return {:?}\n",
        "a".repeat(900_000)
    );
    let report = check(source);
    assert!(report.is_valid, "{:?}", report.findings);
}

#[test]
fn very_long_line_of_findings_has_correct_columns() {
    let source = format!("x = [{}]\n", vec!["é_undefined"; 40_000].join(", "));
    let report = check(source);
    let first = report.findings.first().unwrap();
    assert_eq!((first.line, first.column), (1, 6));
    let second = report.findings.get(1).unwrap();
    // "é_undefined, " is 13 characters.
    assert_eq!(second.column, 6 + 13);
}

#[test]
fn nul_bytes_are_a_syntax_finding() {
    let report = check("def lambda_handler(event, context):\n    return 1\0\n".to_owned());
    assert!(!report.is_valid);
    let nul = report
        .findings
        .iter()
        .find(|f| f.message.contains("null bytes"))
        .expect("NUL finding");
    assert_eq!((nul.line, nul.column), (2, 13));
}

/// The first NUL is the one reported, wherever it is (memchr's search since issue 16's tenth
/// session); sources without one, including long ones and ones with `\\0` written as an escape,
/// get no NUL finding.
#[test]
fn the_first_nul_byte_is_reported_and_sources_without_one_have_no_nul_finding() {
    let long = "x = 1\n".repeat(5_000);
    for (source, at) in [
        ("\0x = 1\n".to_owned(), Some((1, 1))),
        ("x = 1\0\0\n".to_owned(), Some((1, 6))),
        (format!("{long}y = 2\0\n"), Some((5_001, 6))),
        (format!("{long}\0"), Some((5_001, 1))),
        (long.clone(), None),
        ("x = '\\0'\n".to_owned(), None),
    ] {
        let report = check(source.clone());
        let nul: Vec<(u32, u32)> = report
            .findings
            .iter()
            .filter(|f| f.message.contains("null bytes"))
            .map(|f| (f.line, f.column))
            .collect();
        assert_eq!(
            nul,
            at.into_iter().collect::<Vec<_>>(),
            "{:?}",
            &source[source.len().saturating_sub(12)..]
        );
    }
}

#[test]
fn invalid_utf8_is_a_syntax_finding_at_the_bad_byte() {
    let mut bytes = b"import os\nx = '".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(b"'\n");
    let report =
        on_worker_stack(move || validate_bytes(&bytes, &Options::default()).expect("report"));
    assert!(!report.is_valid);
    assert_eq!(report.findings.len(), 1);
    let finding = &report.findings[0];
    assert_eq!(finding.rule, Rule::SyntaxError);
    assert_eq!((finding.line, finding.column), (2, 6));
    assert!(finding.message.contains("0xFF"));
}

#[test]
fn random_binary_garbage() {
    // Deterministic pseudo-random bytes (xorshift), decoded lossily so the parser sees them.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let bytes: Vec<u8> = (0..200_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state & 0xff) as u8
        })
        .collect();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let report = check(text);
    assert!(!report.is_valid);
    let raw = on_worker_stack(move || validate_bytes(&bytes, &Options::default()).expect("report"));
    assert!(!raw.is_valid);
}

#[test]
fn deeply_nested_fstrings_and_comprehensions() {
    let n = 2_000;
    let fstrings = format!("x = {}1{}\n", "f'{".repeat(n), "}'".repeat(n));
    let comps = format!("x = {}1{}\n", "[a for a in ".repeat(n), "]".repeat(n));
    for source in [fstrings, comps] {
        let report = check(source);
        assert!(!report.is_valid);
    }
}

#[test]
fn deeply_nested_function_definitions() {
    let mut source = String::new();
    for depth in 0..1_400 {
        source.push_str(&" ".repeat(depth));
        source.push_str("def f():\n");
    }
    source.push_str(&" ".repeat(1_400));
    source.push_str("return 1\n");
    let report = check(source);
    assert!(has_rule(&report, Rule::NestingTooDeep));
}
