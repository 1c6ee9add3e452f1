//! `cargo xtask <task>`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! - `ci`: formatting, clippy (warnings are errors), every test on every feature (with a local
//!   moto server standing in for AWS), schemathesis against the running gateway, and
//!   cargo-deny's licence, ban and source checks.
//!   Exactly what CI runs.
//! - `schema [--check]`: `crates/cue-store/src/schema.rs` against the migrations, applied to a
//!   fresh SQLite and PostgreSQL database; `--check` fails on any drift, without it the
//!   declarations the migrations imply are printed.
//! - `deny`: only the cargo-deny checks (advisories included when `--advisories` is given;
//!   they need the RustSec database from GitHub).
//! - `bench`: the release binary under wrk on SQLite and PostgreSQL, each route as a share of
//!   `/health`; `--profile ROUTE` records a perf profile of one route; see `docs/benchmarks.md`.
//! - `soak`: minutes of steady load on a mix of routes, sampling the server's memory.

use std::process::{Command, ExitCode};

use anyhow::{Context as _, bail};

mod bench;
mod server;
mod soak;

pub(crate) fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

pub(crate) fn run(what: &str, cmd: &mut Command) -> anyhow::Result<()> {
    eprintln!("\n== {what}: {cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

fn has_cargo_subcommand(name: &str) -> bool {
    cargo()
        .args([name, "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn deny(advisories: bool) -> anyhow::Result<()> {
    if !has_cargo_subcommand("deny") {
        bail!("cargo-deny is not installed: `cargo install cargo-deny --locked`");
    }
    let mut cmd = cargo();
    cmd.args([
        "deny",
        "--all-features",
        "check",
        "licenses",
        "bans",
        "sources",
    ]);
    if advisories {
        cmd.arg("advisories");
    }
    run("cargo deny", &mut cmd)
}

/// Starts the local AWS stand-in (moto) the S3, Transcribe and Secrets Manager tests use.
/// Outside CI a failure only means those tests skip (they say so); under `CI=true` it is fatal.
fn start_moto() -> anyhow::Result<()> {
    let result = run(
        "moto (local AWS stand-in)",
        Command::new("bash").args(["scripts/moto.sh", "start"]),
    );
    match result {
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => Err(e),
        Err(e) => {
            eprintln!("xtask: {e:#}; the AWS adapter tests will be skipped");
            Ok(())
        }
        Ok(()) => Ok(()),
    }
}

/// `crates/cue-store/tests/schema.rs`, which applies the migrations to fresh databases and
/// compares what they create with `src/schema.rs` (PostgreSQL is skipped outside CI when it
/// does not answer). Without `check` it prints what the migrations imply instead of failing.
fn schema(check: bool) -> anyhow::Result<()> {
    let mut cmd = cargo();
    cmd.args([
        "test",
        "--quiet",
        "--package",
        "cue-store",
        "--features",
        "test-util",
        "--test",
        "schema",
        "--",
        "--nocapture",
    ]);
    if !check {
        cmd.env("CUE_SCHEMA_PRINT", "1");
    }
    run("schema.rs against the migrations", &mut cmd)
}

fn ci() -> anyhow::Result<()> {
    run("rustfmt", cargo().args(["fmt", "--all", "--", "--check"]))?;
    run(
        "module cycles",
        Command::new("python3").arg("scripts/module-cycles.py"),
    )?;
    schema(true)?;
    run(
        "clippy",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    start_moto()?;
    if has_cargo_subcommand("nextest") {
        run(
            "tests",
            cargo().args([
                "nextest",
                "run",
                "--workspace",
                "--all-features",
                "--no-fail-fast",
            ]),
        )?;
        // nextest does not run doctests.
        run(
            "doctests",
            cargo().args(["test", "--workspace", "--all-features", "--doc"]),
        )?;
    } else {
        run(
            "tests",
            cargo().args(["test", "--workspace", "--all-features", "--no-fail-fast"]),
        )?;
    }
    schemathesis()?;
    deny(false)
}

/// schemathesis against the running gateway's OpenAPI document (`scripts/schemathesis.sh`).
/// Findings always fail; outside CI a machine without `python3 -m venv` only skips it.
fn schemathesis() -> anyhow::Result<()> {
    let has_venv = Command::new("python3")
        .args(["-m", "venv", "--help"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_venv && std::env::var("CI").as_deref() != Ok("true") {
        eprintln!("xtask: python3 with venv is not available; schemathesis is skipped");
        return Ok(());
    }
    let mut cmd = Command::new("bash");
    cmd.arg("scripts/schemathesis.sh");
    // The test run just built this binary with every feature; reusing it saves a build.
    let tested = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(
            || server::workspace_root().join("target"),
            std::path::PathBuf::from,
        )
        .join("debug")
        .join("cue-gateway");
    if tested.is_file() {
        cmd.env("CUE_GATEWAY_BIN", tested);
    }
    run("schemathesis", &mut cmd)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("schema") => schema(args.iter().any(|a| a == "--check")),
        Some("deny") => deny(args.iter().any(|a| a == "--advisories")),
        Some("bench") => bench::bench(&args[1..]),
        Some("soak") => soak::soak(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <ci | schema [--check] | deny [--advisories] | bench [--duration 10s] \
                 [--backend sqlite|postgres|both] [--connections 32,128] [--routes me,validate] \
                 [--binary PATH] [--env KEY=VALUE] [--profile ROUTE] | soak [--minutes 10] \
                 [--backend sqlite|postgres]>"
            );
            return ExitCode::from(64);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}
