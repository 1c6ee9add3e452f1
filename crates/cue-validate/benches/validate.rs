//! Throughput of `validate` over the committed corpus of Lambda handlers and over generated
//! hostile inputs. Run with `cargo bench -p cue-validate`.
#![expect(
    clippy::unwrap_used,
    reason = "a benchmark: a failure should stop it loudly"
)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use cue_validate::{Options, validate};

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

criterion_group!(benches, corpus, hostile_inputs);
criterion_main!(benches);
