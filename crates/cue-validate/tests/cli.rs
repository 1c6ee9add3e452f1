//! The `cue-validate` command: output formats and exit codes.
#![expect(clippy::unwrap_used, reason = "tests")]

use std::path::PathBuf;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cue-validate"))
}

/// A fresh directory for one test (no shared state between tests).
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cue-validate-cli-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn clean_file_exits_zero() {
    let dir = scratch("clean");
    let file = dir.join("ok.py");
    std::fs::write(
        &file,
        "def lambda_handler(event, context):\n    return {}\n",
    )
    .unwrap();
    let out = bin().arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).is_empty());
}

#[test]
fn errors_print_path_line_col_rule_and_exit_one() {
    let dir = scratch("errors");
    let file = dir.join("bad.py");
    std::fs::write(
        &file,
        "def lambda_handler(event, context):\n    return missing\n",
    )
    .unwrap();
    let out = bin().arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let expected = format!(
        "{}:2:12: CUE201 error: undefined name `missing`",
        file.display()
    );
    assert!(text(&out).contains(&expected), "{}", text(&out));
}

#[test]
fn warnings_only_exit_zero() {
    let dir = scratch("warnings");
    let file = dir.join("warn.py");
    std::fs::write(
        &file,
        "import json\ndef lambda_handler(event, context):\n    return 1\n",
    )
    .unwrap();
    let out = bin().arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).contains("CUE202 warning"));
}

#[test]
fn json_format_and_options() {
    let dir = scratch("json");
    let file = dir.join("app.py");
    let reqs = dir.join("requirements.txt");
    std::fs::write(
        &file,
        "import requests\nTOKEN = '{{API_TOKEN}}'\ndef main(event, context):\n    return requests.get('u', timeout=3).json()\n",
    )
    .unwrap();
    std::fs::write(&reqs, "requests==2.32.3\n").unwrap();
    let out = bin()
        .args([
            "--format",
            "json",
            "--stage",
            "final_with_credentials",
            "--python",
            "python3.12",
        ])
        .args(["--handler", "app.main", "--requirements"])
        .arg(&reqs)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let report = &json[0]["report"];
    assert_eq!(report["python_version"], "3.12");
    assert_eq!(report["stage"], "final_with_credentials");
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["CUE402"]);
}

#[test]
fn usage_and_io_errors_exit_two() {
    let out = bin().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no input files"));
    let out = bin().args(["--python", "2.7", "x.py"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin().args(["--bogus", "x.py"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin().arg("/nonexistent/file.py").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/file.py"));
}

#[test]
fn too_large_file_is_a_usage_error() {
    let dir = scratch("large");
    let file = dir.join("big.py");
    std::fs::write(&file, "x = 1\n".repeat(100)).unwrap();
    let out = bin()
        .args(["--max-bytes", "100"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("larger than the limit"));
}

#[test]
fn list_rules_prints_the_catalogue() {
    let out = bin().arg("--list-rules").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let listing = text(&out);
    assert!(listing.contains("CUE001 syntax-error"));
    assert!(listing.contains("CUE508 print-instead-of-logging"));
}
