//! What the review tests share: a generated module run with python3.

use std::process::Command;

/// Loads the module at `sys.argv[1]` as `module` (with the imports the tests' scripts use).
const LOAD_MODULE: &str = r#"
import base64, hashlib, hmac, importlib.util, json, sys, time
spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
"#;

/// Runs `script` after `code` is loaded as `module`, in `python3 -c` with the module's path as
/// its argument; skipped without python3. Panics with the output (and the code) when the
/// script fails.
pub fn run_module(code: &str, script: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lambda_function.py");
    std::fs::write(&path, code).unwrap();
    let Ok(out) = Command::new("python3")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .arg("-c")
        .arg(format!("{LOAD_MODULE}{script}"))
        .arg(&path)
        .output()
    else {
        return;
    };
    assert!(
        out.status.success(),
        "{}{}\n{code}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
