//! What an operator sees when the settings are wrong: the real binary stops before doing
//! anything, naming the variable. `migrate` is the command used: it loads the settings like
//! the server, opens the database and exits.

use std::process::{Command, Output};

/// Runs `cue-gateway migrate` in `dir` with only `env` (and whatever `.env` `dir` holds).
fn migrate(dir: &std::path::Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cue-gateway"))
        .arg("migrate")
        .env_clear()
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn invalid_settings_stop_the_binary_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    for (env, message) in [
        (
            &[("PORT", "eighty")][..],
            "invalid configuration: PORT: expected an integer, got \"eighty\"",
        ),
        (
            &[("RUN_MIGRATIONS", "later")][..],
            "invalid configuration: RUN_MIGRATIONS: expected a boolean, got \"later\"",
        ),
        (
            &[("APP_ENV", "production")][..],
            "invalid configuration: SECRET_KEY: is required when APP_ENV=production",
        ),
        (
            &[("GITHUB_CLIENT_ID", "id")][..],
            "invalid configuration: GITHUB_CLIENT_SECRET: is required when GITHUB_CLIENT_ID is set",
        ),
        (
            &[("DRY_RUN_BACKEND", "lambda")][..],
            if cfg!(feature = "aws") {
                "invalid configuration: DRY_RUN_LAMBDA_FUNCTION: must name the sandbox function"
            } else {
                "invalid configuration: DRY_RUN_BACKEND: lambda needs a build with the aws feature"
            },
        ),
    ] {
        let out = migrate(dir.path(), env);
        assert!(!out.status.success(), "{env:?} was accepted");
        assert!(stderr(&out).contains(message), "{env:?}: {}", stderr(&out));
    }
    assert!(
        !dir.path().join("cue.db").exists(),
        "nothing is done with invalid settings"
    );
}

#[test]
fn dotenv_is_read_and_the_environment_wins_over_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "RATE_LIMIT_ENABLED=perhaps\nDATABASE_URL=sqlite://from-dotenv.db\n",
    )
    .unwrap();
    let from_dotenv = migrate(dir.path(), &[]);
    assert!(
        stderr(&from_dotenv).contains("RATE_LIMIT_ENABLED: expected a boolean"),
        "{}",
        stderr(&from_dotenv)
    );

    let out = migrate(dir.path(), &[("RATE_LIMIT_ENABLED", "false")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("from-dotenv.db").exists());
}
