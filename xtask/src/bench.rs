//! `cargo xtask bench`: the release gateway under wrk, on SQLite and PostgreSQL, per route and
//! connection count: requests/s, each route's share of `/health` in the same run, p50/p99
//! latency, errors and the server's peak memory. `--profile ROUTE` records a perf profile of
//! one route under load instead (see [`profile`]); `--instructions ROUTE` counts the CPU
//! instructions one request of a route costs, with callgrind (see [`instructions`]).

mod instructions;
mod profile;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, bail};

use crate::server::{Backend, Server, TempDir, build_release, workspace_root};

/// One route as the benchmark drives it.
pub struct Route {
    /// Short name for `--routes` and `--profile`.
    pub name: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// File in the data dir holding the JSON body.
    body: Option<&'static str>,
    authenticated: bool,
}

impl Route {
    /// The variables `route.lua` reads: method, token, body file.
    pub fn wrk_env(&self, server: &Server, bodies: &Path) -> Vec<(&'static str, String)> {
        let mut env = vec![("BENCH_METHOD", self.method.to_owned())];
        if self.authenticated {
            env.push(("BENCH_TOKEN", server.token.clone()));
        }
        if let Some(body) = self.body {
            env.push(("BENCH_BODY_FILE", bodies.join(body).display().to_string()));
        }
        env
    }

    /// By name (`validate`) or path (`/code/validate`).
    pub fn find(name: &str) -> anyhow::Result<&'static Route> {
        ROUTES
            .iter()
            .find(|r| r.name == name || r.path == name)
            .with_context(|| {
                let names: Vec<&str> = ROUTES.iter().map(|r| r.name).collect();
                format!("unknown route {name:?}; one of {}", names.join(", "))
            })
    }
}

/// `/health` first: every other route's share is relative to it.
pub const ROUTES: [Route; 4] = [
    Route {
        name: "health",
        method: "GET",
        path: "/health",
        body: None,
        authenticated: false,
    },
    Route {
        name: "me",
        method: "GET",
        path: "/users/me",
        body: None,
        authenticated: true,
    },
    Route {
        name: "validate",
        method: "POST",
        path: "/code/validate",
        body: Some("validate.json"),
        authenticated: true,
    },
    Route {
        name: "generate",
        method: "POST",
        path: "/workflows/generate",
        body: Some("generate.json"),
        authenticated: true,
    },
];

pub struct Options {
    pub duration: Duration,
    pub backends: Vec<Backend>,
    pub connections: Vec<u32>,
    /// Route names to run besides `/health` (which always runs: the shares need it).
    pub routes: Vec<&'static Route>,
    /// A binary to measure instead of building this tree: a before/after comparison in one
    /// session runs the old binary and the new one back to back.
    pub binary: Option<PathBuf>,
    /// Extra server variables (`--env AUTH_SESSION_CACHE_MS=0`).
    pub env: Vec<(String, String)>,
    /// Record a perf profile of this route instead of the table.
    pub profile: Option<&'static Route>,
    /// Count the instructions per request of this route under callgrind instead.
    pub instructions: Option<&'static Route>,
    /// Requests counted by `--instructions`, after `warmup_requests` that are not.
    pub requests: u64,
    pub warmup_requests: u64,
    /// The prompt `/workflows/generate` is sent instead of `xtask/bench/prompt.txt` (issue 16:
    /// the cost of the smallest workflow, not only the bench's).
    pub prompt: Option<PathBuf>,
}

const USAGE: &str = "usage: cargo xtask bench [--duration 10s] [--backend sqlite|postgres|both] \
     [--connections 32,128] [--routes me,validate,generate] [--binary PATH] [--env KEY=VALUE]... \
     [--profile ROUTE] [--instructions ROUTE [--requests 200] [--warmup-requests 50]] \
     [--prompt FILE]";

impl Options {
    pub fn parse(args: &[String]) -> anyhow::Result<Self> {
        let mut options = Self {
            duration: Duration::from_secs(10),
            backends: vec![Backend::Sqlite, Backend::Postgres],
            connections: vec![32, 128],
            routes: ROUTES.iter().collect(),
            binary: None,
            env: Vec::new(),
            profile: None,
            instructions: None,
            requests: 200,
            warmup_requests: 50,
            prompt: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = || {
                args.next()
                    .with_context(|| format!("{arg} needs a value"))
                    .map(String::as_str)
            };
            match arg.as_str() {
                "--duration" => options.duration = parse_duration(value()?)?,
                "--backend" => options.backends = Backend::parse_list(value()?)?,
                "--connections" => {
                    options.connections = value()?
                        .split(',')
                        .map(|c| match c.trim().parse::<u32>() {
                            Ok(n) if n > 0 => Ok(n),
                            _ => bail!("--connections: {c:?} is not a positive number"),
                        })
                        .collect::<anyhow::Result<_>>()?;
                }
                "--routes" => {
                    let mut routes = vec![&ROUTES[0]];
                    for name in value()?.split(',') {
                        let route = Route::find(name.trim())?;
                        if !routes.iter().any(|r| std::ptr::eq(*r, route)) {
                            routes.push(route);
                        }
                    }
                    options.routes = routes;
                }
                "--binary" => options.binary = Some(PathBuf::from(value()?)),
                "--env" => {
                    let pair = value()?;
                    let (k, v) = pair
                        .split_once('=')
                        .filter(|(k, _)| !k.is_empty())
                        .with_context(|| format!("--env: {pair:?} is not KEY=VALUE"))?;
                    options.env.push((k.to_owned(), v.to_owned()));
                }
                "--profile" => options.profile = Some(Route::find(value()?)?),
                "--prompt" => options.prompt = Some(PathBuf::from(value()?)),
                "--instructions" => options.instructions = Some(Route::find(value()?)?),
                "--requests" => options.requests = positive("--requests", value()?)?,
                "--warmup-requests" => {
                    options.warmup_requests = value()?
                        .parse()
                        .with_context(|| format!("{arg}: not a number"))?;
                }
                other => bail!("unknown option {other:?}; {USAGE}"),
            }
        }
        Ok(options)
    }
}

fn positive(option: &str, s: &str) -> anyhow::Result<u64> {
    match s.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => bail!("{option}: {s:?} is not a positive number"),
    }
}

/// `10`, `10s`, `2m`.
pub fn parse_duration(s: &str) -> anyhow::Result<Duration> {
    let (number, unit) = match s.strip_suffix('m') {
        Some(n) => (n, 60),
        None => (s.strip_suffix('s').unwrap_or(s), 1),
    };
    match number.parse::<u64>() {
        Ok(n) if n > 0 => Ok(Duration::from_secs(n * unit)),
        _ => bail!("{s:?} is not a duration like 10s or 2m"),
    }
}

/// What wrk measured in one run (from the scripts' `done` line).
#[derive(Debug, Default, Clone, Copy)]
pub struct WrkResult {
    pub requests: u64,
    pub duration_us: u64,
    pub p50_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    pub connect_errors: u64,
    pub read_errors: u64,
    pub write_errors: u64,
    /// Responses with a status of 400 or more.
    pub status_errors: u64,
    pub timeouts: u64,
}

impl WrkResult {
    pub fn errors(&self) -> u64 {
        self.connect_errors
            + self.read_errors
            + self.write_errors
            + self.status_errors
            + self.timeouts
    }

    pub fn requests_per_second(&self) -> f64 {
        if self.duration_us == 0 {
            return 0.0;
        }
        self.requests as f64 / (self.duration_us as f64 / 1e6)
    }

    pub fn parse(stdout: &str) -> anyhow::Result<Self> {
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix("CUE_BENCH "))
            .with_context(|| format!("wrk printed no result line:\n{stdout}"))?;
        let mut r = Self::default();
        for pair in line.split_whitespace() {
            let (key, value) = pair.split_once('=').context("malformed wrk result")?;
            let value: u64 = value
                .parse()
                .with_context(|| format!("wrk result {key}={value}"))?;
            let field = match key {
                "requests" => &mut r.requests,
                "duration_us" => &mut r.duration_us,
                "p50_us" => &mut r.p50_us,
                "p99_us" => &mut r.p99_us,
                "max_us" => &mut r.max_us,
                "connect" => &mut r.connect_errors,
                "read" => &mut r.read_errors,
                "write" => &mut r.write_errors,
                "status" => &mut r.status_errors,
                "timeout" => &mut r.timeouts,
                _ => continue,
            };
            *field = value;
        }
        Ok(r)
    }

    /// `none`, or what went wrong, e.g. `12 non-2xx, 3 timeouts`.
    pub fn error_summary(&self) -> String {
        let parts: Vec<String> = [
            (self.status_errors, "HTTP >= 400"),
            (self.timeouts, "timeouts"),
            (self.connect_errors, "connect"),
            (self.read_errors, "read"),
            (self.write_errors, "write"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if parts.is_empty() {
            "0".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// The directory holding the Lua scripts, the handler and the prompt.
pub fn data_dir() -> PathBuf {
    workspace_root().join("xtask").join("bench")
}

/// Runs wrk with `script` against `url`; `env` goes to the script.
pub fn wrk(
    script: &Path,
    url: &str,
    connections: u32,
    duration: Duration,
    env: &[(&str, String)],
) -> anyhow::Result<WrkResult> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
    let threads = cores.min(connections);
    let out = Command::new("wrk")
        .arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs()))
        .arg("-s")
        .arg(script)
        .arg(url)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .context("could not run wrk (apt-get install wrk)")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "wrk failed ({}): {}{}",
            out.status,
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    WrkResult::parse(&stdout)
}

/// Minimal JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes `validate.json` and `generate.json` (the request bodies) into `dir`; the prompt is
/// `prompt`'s text, or `xtask/bench/prompt.txt`'s.
pub fn write_bodies(dir: &Path, prompt: Option<&Path>) -> anyhow::Result<()> {
    let data = data_dir();
    let handler = std::fs::read_to_string(data.join("handler.py")).context("handler.py")?;
    let prompt_file = prompt.map_or_else(|| data.join("prompt.txt"), Path::to_path_buf);
    let prompt = std::fs::read_to_string(&prompt_file)
        .with_context(|| format!("reading the prompt {}", prompt_file.display()))?;
    std::fs::write(
        dir.join("validate.json"),
        format!(
            r#"{{"code_to_validate":{},"requirements":"requests==2.32.3\nboto3==1.35.0\n"}}"#,
            json_string(&handler)
        ),
    )?;
    std::fs::write(
        dir.join("generate.json"),
        format!(r#"{{"prompt":{}}}"#, json_string(prompt.trim())),
    )?;
    Ok(())
}

#[derive(Clone)]
struct Row {
    backend: Backend,
    route: &'static Route,
    connections: u32,
    result: WrkResult,
    peak_kib: u64,
}

fn ms(us: u64) -> String {
    format!("{:.2}", us as f64 / 1000.0)
}

/// The route's requests/s as a share of `/health`'s on the same backend and connection count
/// in this run: unlike absolute numbers, comparable across machines and loads. `/health` runs
/// first and again last; the base is the mean of its runs, so the two `/health` rows show how
/// much the machine drifted during the run.
fn share_of_health(rows: &[Row], row: &Row) -> Option<f64> {
    let health: Vec<f64> = rows
        .iter()
        .filter(|r| {
            r.route.path == "/health"
                && r.backend == row.backend
                && r.connections == row.connections
        })
        .map(|r| r.result.requests_per_second())
        .collect();
    let base = health.iter().sum::<f64>() / health.len().max(1) as f64;
    (base > 0.0).then(|| row.result.requests_per_second() / base * 100.0)
}

fn print_table(rows: &[Row], duration: Duration) {
    println!(
        "\n{} s per run; share: of /health's req/s on the same backend and connections in \
         this run; peak RSS is the server's VmHWM during that run.\n",
        duration.as_secs()
    );
    println!(
        "| backend | route | conns | req/s | share of /health | p50 ms | p99 ms | errors | peak RSS MiB |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---|---:|");
    for r in rows {
        let share = share_of_health(rows, r).map_or_else(|| "-".to_owned(), |s| format!("{s:.1}%"));
        println!(
            "| {} | {} {} | {} | {:.0} | {share} | {} | {} | {} | {:.1} |",
            r.backend.name(),
            r.route.method,
            r.route.path,
            r.connections,
            r.result.requests_per_second(),
            ms(r.result.p50_us),
            ms(r.result.p99_us),
            r.result.error_summary(),
            r.peak_kib as f64 / 1024.0,
        );
    }
}

/// The binary to measure: `--binary`, or a release build of this tree.
fn binary(options: &Options) -> anyhow::Result<PathBuf> {
    match &options.binary {
        Some(bin) if bin.is_file() => Ok(bin.clone()),
        Some(bin) => bail!("--binary: no file at {}", bin.display()),
        None => build_release(),
    }
}

pub fn bench(args: &[String]) -> anyhow::Result<()> {
    let options = Options::parse(args)?;
    let bin = binary(&options)?;
    let bodies = TempDir::new("cue-bench-bodies")?;
    write_bodies(bodies.path(), options.prompt.as_deref())?;
    if let Some(route) = options.profile {
        return profile::profile(&bin, &options, route, bodies.path());
    }
    if let Some(route) = options.instructions {
        return instructions::instructions(&bin, &options, route, bodies.path());
    }
    let script = data_dir().join("route.lua");
    let warmup = Duration::from_secs(2);
    let mut rows = Vec::new();
    for &backend in &options.backends {
        let mut server = Server::start(&bin, backend, &options.env)?;
        eprintln!(
            "\n== {} (pid {}, port {})",
            backend.name(),
            server.pid(),
            server.port
        );
        // /health again at the end, when there is more than /health: the machine's drift.
        let again = (options.routes.len() > 1).then_some(&ROUTES[0]);
        for &route in options.routes.iter().chain(again.iter()) {
            let env = route.wrk_env(&server, bodies.path());
            let url = server.url(route.path);
            // Warm caches, pools and the allocator before measuring.
            wrk(&script, &url, options.connections[0], warmup, &env)?;
            for &connections in &options.connections {
                server.reset_peak_memory()?;
                let result = wrk(&script, &url, connections, options.duration, &env)?;
                let peak_kib = server.memory_kib("VmHWM")?;
                eprintln!(
                    "{} {} {} c={connections}: {:.0} req/s, p50 {} ms, p99 {} ms, errors {}",
                    backend.name(),
                    route.method,
                    route.path,
                    result.requests_per_second(),
                    ms(result.p50_us),
                    ms(result.p99_us),
                    result.error_summary()
                );
                if result.errors() > 0 {
                    eprintln!("  the slowest requests as the server logged them:");
                    for line in server.slowest_requests(3) {
                        eprintln!("    {line}");
                    }
                }
                if !server.is_running() {
                    bail!("the server died during the run:\n{}", server.log_tail());
                }
                rows.push(Row {
                    backend,
                    route,
                    connections,
                    result,
                    peak_kib,
                });
            }
        }
    }
    print_table(&rows, options.duration);
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| r.result.errors() > 0 || r.result.requests == 0)
        .map(|r| {
            format!(
                "{} {} c={}: {}",
                r.backend.name(),
                r.route.path,
                r.connections,
                r.result.error_summary()
            )
        })
        .collect();
    if !failed.is_empty() {
        bail!("errors under load: {}", failed.join("; "));
    }
    Ok(())
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn parses_the_scripts_result_line_and_counts_every_error_kind() {
        let out = "Running 10s test\nCUE_BENCH requests=1000 duration_us=2000000 p50_us=150 \
                   p99_us=2100 max_us=9000 connect=1 read=2 write=3 status=4 timeout=5\n";
        let r = WrkResult::parse(out).unwrap();
        assert_eq!(r.requests, 1000);
        assert_eq!(r.requests_per_second(), 500.0);
        assert_eq!((r.p50_us, r.p99_us, r.max_us), (150, 2100, 9000));
        assert_eq!(r.errors(), 15);
        assert_eq!(
            r.error_summary(),
            "4 HTTP >= 400, 5 timeouts, 1 connect, 2 read, 3 write"
        );
        assert!(WrkResult::parse("no result here").is_err());
    }

    #[test]
    fn durations_and_options_parse() {
        assert_eq!(parse_duration("10").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("15s").unwrap(), Duration::from_secs(15));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("soon").is_err());
        let args: Vec<String> = [
            "--duration",
            "5s",
            "--backend",
            "sqlite",
            "--connections",
            "8, 64",
        ]
        .map(String::from)
        .to_vec();
        let o = Options::parse(&args).unwrap();
        assert_eq!(o.duration, Duration::from_secs(5));
        assert_eq!(o.backends, vec![Backend::Sqlite]);
        assert_eq!(o.connections, vec![8, 64]);
        assert!(Options::parse(&["--backend".into(), "mysql".into()]).is_err());
        assert!(Options::parse(&["--connections".into(), "0".into()]).is_err());
        assert!(Options::parse(&["--duration".into()]).is_err());
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn routes_env_binary_and_profile_parse() {
        let o = Options::parse(&args(&[
            "--routes",
            "validate,/users/me,validate",
            "--env",
            "AUTH_SESSION_CACHE_MS=0",
            "--env",
            "X=a=b",
            "--binary",
            "/tmp/old",
            "--profile",
            "/code/validate",
        ]))
        .unwrap();
        let paths: Vec<&str> = o.routes.iter().map(|r| r.path).collect();
        // /health always runs first, duplicates once.
        assert_eq!(paths, ["/health", "/code/validate", "/users/me"]);
        assert_eq!(
            o.env,
            [
                ("AUTH_SESSION_CACHE_MS".to_owned(), "0".to_owned()),
                ("X".to_owned(), "a=b".to_owned())
            ]
        );
        assert_eq!(o.binary.as_deref(), Some(Path::new("/tmp/old")));
        assert_eq!(o.profile.map(|r| r.name), Some("validate"));
        let o = Options::parse(&args(&[
            "--instructions",
            "generate",
            "--requests",
            "20",
            "--warmup-requests",
            "0",
        ]))
        .unwrap();
        assert_eq!(o.instructions.map(|r| r.name), Some("generate"));
        assert_eq!((o.requests, o.warmup_requests), (20, 0));
        assert_eq!(o.prompt, None);
        let o = Options::parse(&args(&["--prompt", "/tmp/small.txt"])).unwrap();
        assert_eq!(o.prompt.as_deref(), Some(Path::new("/tmp/small.txt")));
        assert_eq!(Options::parse(&[]).unwrap().requests, 200);
        assert_eq!(Options::parse(&[]).unwrap().routes.len(), ROUTES.len());
        for bad in [
            &["--routes", "me,nope"][..],
            &["--env", "NOEQUALS"],
            &["--env", "=v"],
            &["--profile", "/admin"],
            &["--instructions", "nope"],
            &["--requests", "0"],
            &["--warmup-requests", "-1"],
            &["--prompt"],
        ] {
            assert!(Options::parse(&args(bad)).is_err(), "{bad:?}");
        }
    }

    /// `generate.json` holds `--prompt`'s text when given (trimmed, as JSON), the bench's
    /// prompt otherwise; `validate.json` is the same either way.
    #[test]
    fn the_generate_body_holds_the_given_prompt_or_the_benchs() {
        let dir = TempDir::new("cue-bench-bodies-test").unwrap();
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
        write_bodies(dir.path(), None).unwrap();
        let default = read("generate.json");
        let bench = std::fs::read_to_string(data_dir().join("prompt.txt")).unwrap();
        assert_eq!(
            default,
            format!(r#"{{"prompt":{}}}"#, json_string(bench.trim()))
        );
        let validate = read("validate.json");
        let prompt = dir.path().join("small.txt");
        std::fs::write(&prompt, "Email me \"hi\" every 5 minutes\n").unwrap();
        write_bodies(dir.path(), Some(&prompt)).unwrap();
        assert_eq!(
            read("generate.json"),
            r#"{"prompt":"Email me \"hi\" every 5 minutes"}"#
        );
        assert_eq!(read("validate.json"), validate);
        assert!(write_bodies(dir.path(), Some(&dir.path().join("none.txt"))).is_err());
    }

    fn row(route: &str, backend: Backend, connections: u32, requests: u64) -> Row {
        Row {
            backend,
            route: Route::find(route).unwrap(),
            connections,
            result: WrkResult {
                requests,
                duration_us: 1_000_000,
                ..WrkResult::default()
            },
            peak_kib: 0,
        }
    }

    #[test]
    fn shares_compare_with_health_on_the_same_backend_and_connections() {
        let rows = vec![
            row("health", Backend::Sqlite, 32, 50_000),
            row("health", Backend::Sqlite, 128, 40_000),
            row("health", Backend::Postgres, 32, 0),
            row("me", Backend::Sqlite, 32, 20_000),
            row("me", Backend::Sqlite, 128, 20_000),
            row("me", Backend::Postgres, 32, 5_000),
            row("validate", Backend::Postgres, 128, 5_000),
        ];
        let share = |i: usize| share_of_health(&rows, &rows[i]);
        assert_eq!(share(0), Some(100.0));
        // A second /health run: the base is the mean of both.
        let mut again = rows.clone();
        again.push(row("health", Backend::Sqlite, 32, 30_000));
        assert_eq!(share_of_health(&again, &again[0]), Some(125.0));
        assert_eq!(share_of_health(&again, &again[3]), Some(50.0));
        assert_eq!(share_of_health(&again, &again[7]), Some(75.0));
        assert_eq!(share(3), Some(40.0));
        assert_eq!(share(4), Some(50.0));
        // No /health requests, or no /health row: no share rather than a division by zero.
        assert_eq!(share(5), None);
        assert_eq!(share(6), None);
    }

    #[test]
    fn json_strings_escape_quotes_backslashes_and_control_characters() {
        assert_eq!(
            json_string("a \"b\"\\\n\t\u{1}é"),
            r#""a \"b\"\\\n\t\u0001é""#
        );
    }
}
