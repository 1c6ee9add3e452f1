//! Throughput of `validate` over the 4 kB handler the HTTP benchmark posts, the committed corpus
//! of Lambda handlers and generated hostile inputs; and ruff's parser alone on the same handler,
//! the floor under any validation. Run with `cargo bench -p cue-validate`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

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

fn handler(c: &mut Criterion) {
    let options = Options::default().with_requirements(HANDLER_REQUIREMENTS);
    let mut group = c.benchmark_group("handler");
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

criterion_group!(benches, handler, corpus, hostile_inputs);
criterion_main!(benches);
