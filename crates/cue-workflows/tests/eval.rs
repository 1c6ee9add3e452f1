//! Scores the embedded engine on the eval prompts the way `shared/eval/score.py` does (tool
//! precision/recall/F1 on canonical names, trigger accuracy with the scorer's compatible set,
//! rejects), and checks every generated module with `python3` (compile + pyflakes) and the
//! placeholder contract.
//!
//! `cargo test -p cue-workflows --test eval -- --nocapture` prints the table.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use cue_validate::{Options, Stage};
use cue_workflows::{
    Engine, GenerateRequest, Generated, InputType, WorkflowError, fill_credentials,
};
use serde_json::Value;
use support::trigger_ok;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> Option<Vec<Value>> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}

fn names(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// (recall, precision, f1) as score.py computes them.
fn score_tools(predicted: &BTreeSet<String>, expect: &Value) -> (f64, f64, f64) {
    let want = names(expect, "tools");
    let groups: Vec<Vec<String>> = expect
        .get("any_of")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|g| {
                    g.as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_str().unwrap().to_owned())
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    let optional: BTreeSet<String> = names(expect, "optional").into_iter().collect();
    let allowed: BTreeSet<String> = want
        .iter()
        .cloned()
        .chain(groups.iter().flatten().cloned())
        .collect();
    let units = want.len() + groups.len();
    let hit = want.iter().filter(|t| predicted.contains(*t)).count()
        + groups
            .iter()
            .filter(|g| g.iter().any(|t| predicted.contains(t)))
            .count();
    let scored: Vec<&String> = predicted
        .iter()
        .filter(|p| !optional.contains(*p) || allowed.contains(*p))
        .collect();
    let tp = scored.iter().filter(|p| allowed.contains(**p)).count();
    let recall = if units == 0 {
        1.0
    } else {
        hit as f64 / units as f64
    };
    let precision = if scored.is_empty() {
        if units == 0 { 1.0 } else { 0.0 }
    } else {
        tp as f64 / scored.len() as f64
    };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    (recall, precision, f1)
}

struct Summary {
    n: usize,
    f1: f64,
    recall: f64,
    precision: f64,
    trigger_hits: usize,
    reject_hits: usize,
    rejects: usize,
    failures: Vec<String>,
    validation_errors: usize,
    generated: Vec<(String, Generated)>,
}

fn run(prompts: &[Value], canonical: &BTreeSet<String>) -> Summary {
    run_with(&Engine::new().unwrap(), prompts, canonical)
}

fn run_with(engine: &Engine, prompts: &[Value], canonical: &BTreeSet<String>) -> Summary {
    let mut s = Summary {
        n: 0,
        f1: 0.0,
        recall: 0.0,
        precision: 0.0,
        trigger_hits: 0,
        reject_hits: 0,
        rejects: 0,
        failures: Vec::new(),
        validation_errors: 0,
        generated: Vec::new(),
    };
    for p in prompts {
        let id = p["id"].as_str().unwrap().to_owned();
        let input_type = if p["input_type"] == "speech_transcript" {
            InputType::SpeechTranscript
        } else {
            InputType::Text
        };
        let req = GenerateRequest {
            prompt: p["prompt"].as_str().unwrap().to_owned(),
            input_type,
        };
        let expect = &p["expect"];
        let result = engine.generate(&req);
        if expect.get("reject").and_then(Value::as_bool) == Some(true) {
            s.rejects += 1;
            match result {
                Err(
                    WorkflowError::EmptyPrompt
                    | WorkflowError::NotUnderstood { .. }
                    | WorkflowError::Disallowed { .. }
                    | WorkflowError::PromptTooLong { .. },
                ) => s.reject_hits += 1,
                Ok(g) => s
                    .failures
                    .push(format!("{id}: generated {:?} but must be rejected", g.name)),
                Err(e) => s.failures.push(format!("{id}: unexpected error {e}")),
            }
            continue;
        }
        s.n += 1;
        let g = match result {
            Ok(g) => g,
            Err(e) => {
                s.failures.push(format!("{id}: error {e}"));
                continue;
            }
        };
        let predicted: BTreeSet<String> = g
            .tools
            .iter()
            .map(|t| t.name.clone())
            .filter(|n| canonical.contains(n))
            .collect();
        let (r, pr, f1) = score_tools(&predicted, expect);
        s.recall += r;
        s.precision += pr;
        s.f1 += f1;
        if f1 < 0.999 {
            s.failures.push(format!(
                "{id}: tools {:?} f1={f1:.2} (expected {})",
                predicted, expect
            ));
        }
        let got = g.plan.trigger.kind.as_str();
        if trigger_ok(expect["trigger"].as_str().unwrap_or(""), got) {
            s.trigger_hits += 1;
        } else {
            s.failures.push(format!(
                "{id}: trigger {got}, expected {}",
                expect["trigger"]
            ));
        }
        for t in &g.tools {
            for c in &t.credentials_needed {
                assert!(
                    g.code.contains(&format!("\"{{{{{c}}}}}\"")),
                    "{id}: placeholder {c} missing from code"
                );
            }
        }
        validate_both_stages(&id, &g, &mut s.failures, &mut s.validation_errors);
        s.generated.push((id, g));
    }
    s
}

/// cue-validate: no error at `initial_skeleton`, nor at `final_with_credentials` once every
/// placeholder is filled.
fn validate_both_stages(id: &str, g: &Generated, failures: &mut Vec<String>, errors: &mut usize) {
    let Some(report) = &g.validation else {
        failures.push(format!("{id}: no validation report"));
        *errors += 1;
        return;
    };
    for f in report.errors() {
        failures.push(format!(
            "{id}: skeleton line {}: {} ({:?})",
            f.line, f.message, f.rule
        ));
        *errors += 1;
    }
    let values: BTreeMap<String, String> = g
        .plan
        .placeholders()
        .into_iter()
        .map(|p| (p, "filled-in-value-7Qx".to_owned()))
        .collect();
    let filled = fill_credentials(&g.code, &g.plan, &values).unwrap();
    let options = Options::default()
        .with_stage(Stage::FinalWithCredentials)
        .with_requirements(g.requirements_txt());
    let report = cue_validate::validate(&filled, &options).unwrap();
    for f in report.errors() {
        failures.push(format!(
            "{id}: final line {}: {} ({:?})",
            f.line, f.message, f.rule
        ));
        *errors += 1;
    }
}

/// Compiles and pyflakes-checks the generated modules with python3; returns problems.
fn python_check(generated: &[(String, Generated)]) -> Option<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    for (id, g) in generated {
        std::fs::write(dir.path().join(format!("{id}.py")), &g.code).unwrap();
    }
    let script = r#"
import sys, glob, os
try:
    from pyflakes import api as flakes
    from pyflakes import reporter as rep
except ImportError:
    flakes = None
import io
bad = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.py"))):
    src = open(path, encoding="utf-8").read()
    try:
        compile(src, path, "exec")
    except SyntaxError as e:
        bad.append(f"{os.path.basename(path)}: compile: {e}")
        continue
    if flakes:
        out, err = io.StringIO(), io.StringIO()
        n = flakes.check(src, os.path.basename(path), rep.Reporter(out, err))
        if n:
            bad.append(out.getvalue().strip() + err.getvalue().strip())
print("\n".join(bad))
print("PYFLAKES" if flakes else "NOPYFLAKES", file=sys.stderr)
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(dir.path())
        .output()
        .ok()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    Some(
        stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

fn report(label: &str, s: &Summary) -> (f64, f64) {
    let n = s.n.max(1) as f64;
    let f1 = s.f1 / n;
    let trig = s.trigger_hits as f64 / n;
    println!(
        "{label}: prompts={} tool_f1={:.3} recall={:.3} precision={:.3} trigger={:.3} rejects={}/{}",
        s.n,
        f1,
        s.recall / n,
        s.precision / n,
        trig,
        s.reject_hits,
        s.rejects
    );
    for f in &s.failures {
        println!("  - {f}");
    }
    (f1, trig)
}

fn canonical_names() -> Option<BTreeSet<String>> {
    let path = shared_eval("tools.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    Some(v["tools"].as_object()?.keys().cloned().collect())
}

#[test]
fn dev_prompts_meet_targets() {
    let path = dev_prompts_path();
    let (Some(prompts), Some(canonical)) = (load(&path), canonical_names()) else {
        println!("skipped: {} or tools.json not found", path.display());
        return;
    };
    let s = run(&prompts, &canonical);
    let (f1, trig) = report("dev", &s);
    if let Some(problems) = python_check(&s.generated) {
        for p in &problems {
            println!("  python: {p}");
        }
        assert!(problems.is_empty(), "generated code has python problems");
    } else {
        println!("python3 not available: compile check skipped");
    }
    assert_eq!(s.reject_hits, s.rejects, "every reject prompt is rejected");
    assert_eq!(s.validation_errors, 0, "cue-validate found errors");
    assert!(f1 >= 0.90, "tool F1 {f1:.3} below 0.90");
    assert!(trig >= 0.90, "trigger accuracy {trig:.3} below 0.90");
}

#[test]
fn own_prompts_meet_targets() {
    let path = manifest().join("tests/prompts.jsonl");
    let Some(prompts) = load(&path) else {
        println!("skipped: no {}", path.display());
        return;
    };
    let canonical = canonical_names().unwrap_or_else(|| {
        Engine::new()
            .unwrap()
            .catalog()
            .tools()
            .iter()
            .map(|t| t.name.clone())
            .filter(|n| n != "Webhook")
            .collect()
    });
    let s = run(&prompts, &canonical);
    let (f1, trig) = report("own", &s);
    if let Some(problems) = python_check(&s.generated) {
        for p in &problems {
            println!("  python: {p}");
        }
        assert!(problems.is_empty(), "generated code has python problems");
    }
    assert_eq!(s.reject_hits, s.rejects, "every reject prompt is rejected");
    assert_eq!(s.validation_errors, 0, "cue-validate found errors");
    assert!(f1 >= 0.85, "tool F1 {f1:.3} below 0.85");
    assert!(trig >= 0.85, "trigger accuracy {trig:.3} below 0.85");
}

#[test]
fn catalog_covers_every_canonical_tool_name() {
    let Some(canonical) = canonical_names() else {
        println!("skipped: tools.json not found");
        return;
    };
    let engine = Engine::new().unwrap();
    let ours: BTreeSet<String> = engine
        .catalog()
        .tools()
        .iter()
        .map(|t| t.name.clone())
        .collect();
    let missing: Vec<&String> = canonical.iter().filter(|n| !ours.contains(*n)).collect();
    assert!(missing.is_empty(), "catalog lacks {missing:?}");
}

/// Prompts written after tuning stopped and never tuned on: reported, not held to the targets
/// (their score is the honest estimate of generalisation); the code must still be valid.
#[test]
fn holdout_prompts_generate_valid_code() {
    let path = manifest().join("tests/prompts_holdout.jsonl");
    let (Some(prompts), Some(canonical)) = (load(&path), canonical_names()) else {
        println!("skipped: no {} or tools.json", path.display());
        return;
    };
    let s = run(&prompts, &canonical);
    report("holdout", &s);
    if let Some(problems) = python_check(&s.generated) {
        assert!(
            problems.is_empty(),
            "generated code has python problems: {problems:?}"
        );
    }
    assert_eq!(s.validation_errors, 0, "cue-validate found errors");
    assert_eq!(s.reject_hits, s.rejects, "every reject prompt is rejected");
}

/// Template hints (the closest templates choose a tool the text asks for without naming it)
/// measured against the same engine without them, on every prompt set: printed as before and
/// after, and they must not lower a score.
#[test]
fn template_hints_do_not_lower_any_score() {
    let canonical = canonical_names();
    let sets = [
        ("dev", dev_prompts_path()),
        ("own", manifest().join("tests/prompts.jsonl")),
        ("holdout", manifest().join("tests/prompts_holdout.jsonl")),
    ];
    let with = Engine::new().unwrap();
    let without = Engine::new().unwrap().without_template_hints();
    for (label, path) in sets {
        let (Some(prompts), Some(canonical)) = (load(&path), canonical.clone()) else {
            println!(
                "skipped {label}: {} or tools.json not found",
                path.display()
            );
            continue;
        };
        let before = run_with(&without, &prompts, &canonical);
        let after = run_with(&with, &prompts, &canonical);
        let (f1_before, trig_before) = report(&format!("{label} without hints"), &before);
        let (f1_after, trig_after) = report(&format!("{label} with hints"), &after);
        for ((id, b), (_, a)) in before.generated.iter().zip(&after.generated) {
            let names = |g: &Generated| g.tools.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
            if names(b) != names(a) {
                println!("  {id}: {:?} -> {:?}", names(b), names(a));
            }
        }
        assert!(
            f1_after >= f1_before - 1e-9,
            "{label}: hints lowered tool F1"
        );
        assert!(
            trig_after >= trig_before - 1e-9,
            "{label}: hints lowered trigger accuracy"
        );
        assert_eq!(
            after.validation_errors, 0,
            "{label}: cue-validate found errors"
        );
    }
}

/// Aggregate numbers of one prompt set, as issue 11 reports them.
#[derive(Default)]
struct Aggregate {
    valid: usize,
    with_code: usize,
    f1: f64,
    trigger_hits: usize,
    forbidden_produced: usize,
    must_refuse: usize,
    refused: usize,
    typed: (usize, f64),
    dictated: (usize, f64),
    /// Prompts with an expected `schedule_hint` whose plan has a schedule, and of those the
    /// ones whose schedule means the same times (score.py's "schedule hint match").
    hints_found: usize,
    hints_matched: usize,
    hints_expected: usize,
}

/// The times of one cron field as a set; `None` when the field cannot be compared (a `rate()`
/// says nothing of the minute of a daily run, `L` and `#` are compared as text by score.py).
type CronField = Option<BTreeSet<u32>>;

const DOW_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// One field of a cron expression: `*`, `?`, lists, ranges, steps and day names. `one_based_dow`
/// for EventBridge, whose days of the week count from 1 = Sunday.
fn cron_field(f: &str, idx: usize, one_based_dow: bool) -> Option<CronField> {
    const RANGES: [(u32, u32); 5] = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];
    let (lo, hi) = RANGES[idx];
    if f == "*" || f == "?" {
        return Some(Some((lo..=hi).collect()));
    }
    if f.contains(['L', 'W', '#']) {
        return Some(None);
    }
    let num = |x: &str| -> Option<u32> {
        if idx == 4
            && let Some(d) = DOW_NAMES.iter().position(|n| x.eq_ignore_ascii_case(n))
        {
            return u32::try_from(d).ok();
        }
        let n: u32 = x.parse().ok()?;
        Some(if idx == 4 && one_based_dow {
            (n + 6) % 7
        } else if idx == 4 {
            n % 7
        } else {
            n
        })
    };
    let mut out = BTreeSet::new();
    for part in f.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, st)) => (r, st.parse::<u32>().ok().filter(|&n| n > 0)?),
            None => (part, 1),
        };
        let (a, b) = if range == "*" {
            (lo, hi)
        } else if let Some((x, y)) = range.split_once('-') {
            (num(x)?, num(y)?)
        } else {
            let a = num(range)?;
            (a, if part.contains('/') { hi } else { a })
        };
        if idx == 4 && a > b {
            out.extend((a..=6).chain(0..=b).step_by(step as usize));
        } else {
            out.extend((a..=b).step_by(step as usize));
        }
    }
    Some(Some(out))
}

/// The five comparable fields of an expected 5-field cron, or of the plan's EventBridge
/// `cron(m h dom mon dow year)` / `rate(n unit)`, as score.py reads them.
fn cron_sets(expr: &str) -> Option<Vec<CronField>> {
    let full = |i: usize| cron_field("*", i, false).flatten();
    if let Some(inner) = expr.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        let (n, unit) = inner.split_once(' ')?;
        let n: u32 = n.parse().ok()?;
        let every = |hi: u32| Some((0..=hi).step_by(n.max(1) as usize).collect());
        return Some(if unit.starts_with("minute") {
            vec![every(59), full(1), full(2), full(3), full(4)]
        } else if unit.starts_with("hour") {
            vec![None, every(23), full(2), full(3), full(4)]
        } else if n == 1 {
            vec![None, None, full(2), full(3), full(4)]
        } else {
            vec![None, None, None, full(3), full(4)]
        });
    }
    let (fields, one_based) = match expr.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
        Some(inner) => (inner.split_whitespace().collect::<Vec<_>>(), true),
        None => (expr.split_whitespace().collect(), false),
    };
    if fields.len() < 5 {
        return None;
    }
    (0..5)
        .map(|i| cron_field(fields[i], i, one_based))
        .collect()
}

/// score.py's `schedule_matches`: every comparable field means the same times.
fn schedule_hint_matches(expected: &str, found: &str) -> bool {
    match (cron_sets(expected), cron_sets(found)) {
        (Some(e), Some(f)) => e
            .iter()
            .zip(&f)
            .all(|(e, f)| f.is_none() || e.is_none() || e == f),
        _ => false,
    }
}

impl Aggregate {
    fn line(&self, label: &str) -> String {
        let n = self.valid.max(1) as f64;
        let mean = |(k, f): (usize, f64)| if k == 0 { f64::NAN } else { f / k as f64 };
        format!(
            "{label}: valid={} tool_f1={:.3} trigger={:.3} forbidden_produced={} refused={}/{} code={:.1}% typed_f1={:.3} dictated_f1={:.3} schedule_hint={}/{} (of {} found)",
            self.valid,
            self.f1 / n,
            self.trigger_hits as f64 / n,
            self.forbidden_produced,
            self.refused,
            self.must_refuse,
            100.0 * self.with_code as f64 / n,
            mean(self.typed),
            mean(self.dictated),
            self.hints_matched,
            self.hints_expected,
            self.hints_found,
        )
    }
}

/// Scores a set; per-prompt lines go to `details` (left `None` for the frozen sets, whose
/// details nobody tuning the engine may read).
fn aggregate(
    engine: &Engine,
    prompts: &[Value],
    canonical: &BTreeSet<String>,
    mut details: Option<&mut Vec<String>>,
) -> Aggregate {
    let mut a = Aggregate::default();
    for p in prompts {
        let id = p["id"].as_str().unwrap_or("?");
        let speech = p["input_type"] == "speech_transcript";
        let req = GenerateRequest {
            prompt: p["prompt"].as_str().unwrap_or_default().to_owned(),
            input_type: if speech {
                InputType::SpeechTranscript
            } else {
                InputType::Text
            },
        };
        let expect = &p["expect"];
        let result = engine.generate(&req);
        if expect.get("reject").and_then(Value::as_bool) == Some(true) {
            a.must_refuse += 1;
            let safe_ok = expect.get("safe_generation_ok").and_then(Value::as_bool) == Some(true);
            let ok = match &result {
                Err(WorkflowError::Disallowed { .. } | WorkflowError::NotUnderstood { .. }) => true,
                Ok(_) => safe_ok,
                Err(_) => false,
            };
            if ok {
                a.refused += 1;
            } else if let Some(d) = details.as_deref_mut() {
                d.push(format!(
                    "{id}: must refuse, got {:?}",
                    result.map(|g| g.name)
                ));
            }
            continue;
        }
        a.valid += 1;
        let g = match result {
            Ok(g) => g,
            Err(e) => {
                if let Some(d) = details.as_deref_mut() {
                    d.push(format!("{id}: error {e}"));
                }
                if speech {
                    a.dictated.0 += 1;
                } else {
                    a.typed.0 += 1;
                }
                continue;
            }
        };
        a.with_code += 1;
        let predicted: BTreeSet<String> = g
            .tools
            .iter()
            .map(|t| t.name.clone())
            .filter(|n| canonical.contains(n))
            .collect();
        let (_, _, f1) = score_tools(&predicted, expect);
        a.f1 += f1;
        let slot = if speech {
            &mut a.dictated
        } else {
            &mut a.typed
        };
        slot.0 += 1;
        slot.1 += f1;
        let forbidden: Vec<String> = names(expect, "forbidden")
            .into_iter()
            .filter(|t| predicted.contains(t))
            .collect();
        if !forbidden.is_empty() {
            a.forbidden_produced += 1;
        }
        let got = g.plan.trigger.kind.as_str();
        let trigger_hit = trigger_ok(expect["trigger"].as_str().unwrap_or(""), got);
        a.trigger_hits += usize::from(trigger_hit);
        if let Some(hint) = expect.get("schedule_hint").and_then(Value::as_str) {
            a.hints_expected += 1;
            if let Some(found) = &g.plan.trigger.schedule_expression {
                a.hints_found += 1;
                if schedule_hint_matches(hint, found) {
                    a.hints_matched += 1;
                } else if let Some(d) = details.as_deref_mut() {
                    d.push(format!(
                        "{id}: schedule {found} does not match the hint {hint}"
                    ));
                }
            }
        }
        if let Some(d) = details.as_deref_mut()
            && (f1 < 0.999 || !trigger_hit || !forbidden.is_empty())
        {
            d.push(format!(
                "{id}: tools {predicted:?} f1={f1:.2} trigger {got} forbidden produced {forbidden:?} (expected {expect})"
            ));
        }
    }
    a
}

#[test]
fn schedule_hints_are_compared_by_the_times_they_mean() {
    assert!(schedule_hint_matches("0 9 * * 1", "cron(0 9 ? * MON *)"));
    assert!(schedule_hint_matches(
        "0 9 * * 1-5",
        "cron(0 9 ? * MON-FRI *)"
    ));
    assert!(schedule_hint_matches("0 9 * * 1-5", "cron(0 9 ? * 2-6 *)"));
    assert!(schedule_hint_matches("*/15 * * * *", "rate(15 minutes)"));
    assert!(schedule_hint_matches("0 8 * * *", "rate(1 day)"));
    assert!(!schedule_hint_matches("0 9 * * 1", "cron(0 9 ? * TUE *)"));
    assert!(!schedule_hint_matches("30 8 * * *", "cron(0 8 * * ? *)"));
    assert!(!schedule_hint_matches("0 9 1 * *", "rate(1 hour)"));
}

/// Every prompt set side by side, as aggregate numbers: `shared/eval/dev-prompts.jsonl`,
/// every `tests/sets/tuning*.jsonl` and, only with `CUE_EVAL_FROZEN=1`, every
/// `tests/sets/frozen-*.jsonl` (never their per-prompt results). `CUE_EVAL_DETAILS=1` prints
/// the failures of dev and the tuning sets.
///
/// `CUE_EVAL_FROZEN=1 cargo test -p cue-workflows --test eval sets_side_by_side -- --nocapture`
#[test]
fn sets_side_by_side() {
    let sets_dir = manifest().join("tests/sets");
    let Some(canonical) = std::fs::read_to_string(sets_dir.join("tools.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| {
            Some(
                v["tools"]
                    .as_object()?
                    .keys()
                    .cloned()
                    .collect::<BTreeSet<_>>(),
            )
        })
    else {
        println!("skipped: tests/sets/tools.json not found");
        return;
    };
    let details_wanted = std::env::var("CUE_EVAL_DETAILS").is_ok_and(|v| v == "1");
    let frozen_wanted = std::env::var("CUE_EVAL_FROZEN").is_ok_and(|v| v == "1");
    // Every `tuning*.jsonl` is open (its failures may be printed); every `frozen-*.jsonl` is scored
    // only on request and only in aggregate.
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(&sets_dir)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                .filter_map(|p| Some((p.file_stem()?.to_str()?.to_owned(), p)))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut sets = vec![("dev".to_owned(), dev_prompts_path(), true)];
    for (stem, path) in files {
        if stem.starts_with("tuning") {
            sets.push((stem, path, true));
        } else if stem.starts_with("frozen") && frozen_wanted {
            sets.push((stem, path, false));
        }
    }
    let engine = Engine::new().unwrap();
    for (label, path, open) in sets {
        let label = label.as_str();
        let Some(prompts) = load(&path) else {
            println!("{label}: skipped ({} not found)", path.display());
            continue;
        };
        let mut details = Vec::new();
        let a = aggregate(
            &engine,
            &prompts,
            &canonical,
            (open && details_wanted).then_some(&mut details),
        );
        println!("{}", a.line(label));
        for d in details {
            println!("  - {d}");
        }
        assert!(a.valid + a.must_refuse == prompts.len());
    }
}

/// A file of `shared/eval/` next to a checkout at `/work/main` or in `/work/wt/<branch>`.
fn shared_eval(name: &str) -> PathBuf {
    let near = manifest().join("../../../shared/eval").join(name);
    if near.exists() {
        return near;
    }
    manifest().join("../../../../shared/eval").join(name)
}

fn dev_prompts_path() -> PathBuf {
    shared_eval("dev-prompts.jsonl")
}

/// Prints the plan of `CUE_EXPLAIN` (a prompt; `CUE_EXPLAIN_SPEECH=1` for a transcript), for
/// looking into one prompt: `CUE_EXPLAIN='...' cargo test -p cue-workflows --test eval explain -- --nocapture`.
#[test]
fn explain() {
    let Ok(prompt) = std::env::var("CUE_EXPLAIN") else {
        return;
    };
    let speech = std::env::var("CUE_EXPLAIN_SPEECH").is_ok_and(|v| v == "1");
    let req = GenerateRequest {
        prompt,
        input_type: if speech {
            InputType::SpeechTranscript
        } else {
            InputType::Text
        },
    };
    match Engine::new().unwrap().plan(&req) {
        Ok(plan) => println!("{}", serde_json::to_string_pretty(&plan).unwrap()),
        Err(e) => println!("error: {e}"),
    }
}
