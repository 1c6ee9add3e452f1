//! Plan + generate (code, template, graph, cue-validate report) for a short and a long prompt.
//!
//! `cargo bench -p cue-workflows --bench generate` prints p50/p99 over 2000 runs of each, then
//! runs criterion. `codegen/*` is code generation alone (Python, SAM template, README, graph from
//! a ready plan, no validation): the part the generator's templates cost.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use cue_workflows::{Engine, GenerateRequest};

const SHORT: &str = "Every day at 9am post the open GitHub issues of acme/web to #dev in Slack.";
const LONG: &str = "When a Shopify order contains a product tagged 'preorder', add the customer to the \
    Klaviyo list 'Preorders' and append a row to the 'Preorder Tracker' Google Sheet; if the order total \
    is over $300 also post it to #vip-orders in Slack, create a follow-up task in Salesforce for the \
    account owner, store the order JSON in the S3 bucket 'order-archive', and send the customer a \
    thank-you email through SendGrid. Then log the order in the Postgres table orders_log and, if the \
    customer has ordered more than 5 times, add them to the HubSpot VIP list and text the store manager \
    with Twilio.";

fn percentiles(engine: &Engine, name: &str, prompt: &str) {
    let req = GenerateRequest::text(prompt);
    let mut times: Vec<Duration> = (0..2000)
        .map(|_| {
            let t = Instant::now();
            let out = engine.generate(&req);
            let elapsed = t.elapsed();
            black_box(out.ok());
            elapsed
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q) as usize];
    println!(
        "{name}: p50={:?} p99={:?} max={:?}",
        at(0.50),
        at(0.99),
        at(1.0)
    );
}

fn main() {
    let Ok(engine) = Engine::new() else {
        eprintln!("the built-in catalog failed to load");
        return;
    };
    percentiles(&engine, "generate/short", SHORT);
    percentiles(&engine, "generate/long", LONG);
    if let Ok(unvalidated) = Engine::new().map(|e| e.with_validation(false)) {
        percentiles(&unvalidated, "generate_without_validation/short", SHORT);
        percentiles(&unvalidated, "generate_without_validation/long", LONG);
    }
    let mut c = Criterion::default().configure_from_args();
    let codegen = Engine::new().map(|e| e.with_validation(false)).ok();
    for (name, prompt) in [("short", SHORT), ("long", LONG)] {
        let req = GenerateRequest::text(prompt);
        c.bench_function(&format!("generate/{name}"), |b| {
            b.iter(|| black_box(engine.generate(&req).ok()))
        });
        c.bench_function(&format!("plan/{name}"), |b| {
            b.iter(|| black_box(engine.plan(&req).ok()))
        });
        if let (Some(codegen), Ok(plan)) = (&codegen, engine.plan(&req)) {
            c.bench_function(&format!("codegen/{name}"), |b| {
                b.iter(|| black_box(codegen.generate_from_plan(plan.clone()).ok()))
            });
        }
    }
    c.final_summary();
}
