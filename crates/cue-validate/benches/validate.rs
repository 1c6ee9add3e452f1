//! Throughput of `validate` over the 4 kB handler the HTTP benchmark posts, the committed corpus
//! of Lambda handlers and generated hostile inputs; and ruff's parser alone on the same handler,
//! the floor under any validation. Run with `cargo bench -p cue-validate`.
//!
//! The handler is measured twice: in wall-clock time (`handler`), as criterion does by default,
//! and in the thread's CPU time (`handler_cpu`). On a machine shared with other work the wall
//! clock also counts the time the scheduler gives to other processes, so under load only the CPU
//! time says what validating costs.
#![expect(
    clippy::unwrap_used,
    reason = "a benchmark: a failure should stop it loudly"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use cue_validate::{Options, validate};
use ruff_python_parser::{Mode, ParseOptions};

/// The body of `cargo xtask bench`'s `POST /code/validate` (125 lines, 4,044 bytes), with the
/// same requirements, so this bench and the HTTP one measure the same work.
const HANDLER: &str = include_str!("../../../xtask/bench/handler.py");
const HANDLER_REQUIREMENTS: &str = "requests==2.32.3\nboto3==1.35.0\n";

const CORPUS: &[(&str, &str)] = &[
    (
        "csv_to_dynamodb",
        include_str!("../corpus/csv_to_dynamodb.py"),
    ),
    (
        "github_webhook",
        include_str!("../corpus/github_webhook.py"),
    ),
    ("slack_digest", include_str!("../corpus/slack_digest.py")),
    ("order_service", include_str!("../corpus/order_service.py")),
];

fn hostile() -> Vec<(&'static str, String)> {
    let mut nested_ifs = String::new();
    for depth in 0..100 {
        nested_ifs.push_str(&" ".repeat(depth));
        nested_ifs.push_str("if x:\n");
    }
    nested_ifs.push_str(&" ".repeat(100));
    nested_ifs.push_str("pass\n");
    vec![
        ("open_parens_100k", "(".repeat(100_000)),
        (
            "unary_chain_500k",
            format!("x = {}a\n", "-".repeat(500_000)),
        ),
        ("nested_ifs_100", nested_ifs),
        (
            "undefined_names_1mib",
            "undefined_name_here\n".repeat(52_000),
        ),
        (
            "long_string_line",
            format!("x = {:?}\n", "a".repeat(900_000)),
        ),
    ]
}

/// CPU time consumed by the benchmarking thread (`CLOCK_THREAD_CPUTIME_ID`).
struct CpuTime(WallTime);

fn thread_cpu_time() -> Duration {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or(0),
        u32::try_from(now.tv_nsec).unwrap_or(0),
    )
}

impl Measurement for CpuTime {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        thread_cpu_time()
    }

    fn end(&self, start: Duration) -> Duration {
        thread_cpu_time().saturating_sub(start)
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        // Durations either way: print them as the wall clock's are.
        self.0.formatter()
    }
}

fn handler<M: Measurement>(c: &mut Criterion<M>, name: &str) {
    let options = Options::default().with_requirements(HANDLER_REQUIREMENTS);
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(HANDLER.len() as u64));
    group.bench_function("validate", |b| {
        b.iter(|| validate(black_box(HANDLER), &options).unwrap());
    });
    group.bench_function("parse_only", |b| {
        b.iter(|| {
            let parse_options = ParseOptions::from(Mode::Module).with_target_version(
                ruff_python_ast::PythonVersion {
                    major: 3,
                    minor: 13,
                },
            );
            ruff_python_parser::parse_unchecked(black_box(HANDLER), parse_options)
        });
    });
    group.finish();
}

fn corpus(c: &mut Criterion) {
    let options = Options::default();
    let mut group = c.benchmark_group("corpus");
    for (name, source) in CORPUS {
        group.throughput(Throughput::Bytes(source.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), source, |b, source| {
            b.iter(|| validate(black_box(source), &options).unwrap());
        });
    }
    group.finish();
}

fn hostile_inputs(c: &mut Criterion) {
    let options = Options::default();
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    for (name, source) in hostile() {
        group.throughput(Throughput::Bytes(source.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &source, |b, source| {
            b.iter(|| validate(black_box(source), &options).unwrap());
        });
    }
    group.finish();
}

fn handler_wall(c: &mut Criterion) {
    handler(c, "handler");
}

fn handler_cpu(c: &mut Criterion<CpuTime>) {
    handler(c, "handler_cpu");
}

criterion_group!(benches, handler_wall, corpus, hostile_inputs);
criterion_group! {
    name = cpu_benches;
    config = Criterion::default().with_measurement(CpuTime(WallTime));
    targets = handler_cpu
}
criterion_main!(benches, cpu_benches);
