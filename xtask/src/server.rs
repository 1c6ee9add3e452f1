//! A release build of the gateway, started on a throw-away database for `bench` and `soak`.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::{cargo, run};

/// Where the PostgreSQL databases are created: a server the `postgres` role can create
/// databases on. `BENCH_PG_ADMIN_URL` overrides it.
const DEFAULT_PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }

    /// `sqlite`, `postgres` or `both`.
    pub fn parse_list(s: &str) -> anyhow::Result<Vec<Backend>> {
        match s {
            "sqlite" => Ok(vec![Backend::Sqlite]),
            "postgres" => Ok(vec![Backend::Postgres]),
            "both" => Ok(vec![Backend::Sqlite, Backend::Postgres]),
            other => bail!("--backend: expected sqlite, postgres or both, not {other:?}"),
        }
    }
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Builds `cue-gateway` in release mode and returns the binary's path.
pub fn build_release() -> anyhow::Result<PathBuf> {
    let root = workspace_root();
    run(
        "release build",
        cargo()
            .current_dir(&root)
            .args(["build", "--release", "-p", "cue-gateway"]),
    )?;
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let bin = target.join("release").join("cue-gateway");
    if !bin.is_file() {
        bail!("the release build left no binary at {}", bin.display());
    }
    Ok(bin)
}

/// A fresh directory under the system's temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> anyhow::Result<Self> {
        let path = std::env::temp_dir().join(format!("{prefix}-{}", unique_suffix()));
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{}_{nanos}", std::process::id())
}

/// 32 random bytes from the kernel, hex-encoded: a SECRET_KEY for one run.
fn random_secret() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("reading /dev/urandom")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A PostgreSQL database created for one run and dropped afterwards.
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl PgDatabase {
    fn create() -> anyhow::Result<Self> {
        let admin_url =
            std::env::var("BENCH_PG_ADMIN_URL").unwrap_or_else(|_| DEFAULT_PG_ADMIN_URL.to_owned());
        let name = format!("cue_bench_{}", unique_suffix());
        psql(&admin_url, &format!("CREATE DATABASE {name}"))?;
        Ok(Self { admin_url, name })
    }

    fn url(&self) -> String {
        let base = self
            .admin_url
            .rsplit_once('/')
            .map_or(self.admin_url.as_str(), |(base, _)| base);
        format!("{base}/{}", self.name)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let dropped = psql(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
        if let Err(e) = dropped {
            eprintln!("xtask: could not drop database {}: {e:#}", self.name);
        }
    }
}

fn psql(url: &str, sql: &str) -> anyhow::Result<()> {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()
        .context("could not run psql (install postgresql-client)")?;
    if !out.status.success() {
        bail!(
            "psql {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// The server's `HOST`: loopback only.
pub const SERVER_HOST: &str = "127.0.0.1";

/// The gateway, running from the release binary on its own database, port and temp dir.
/// Stopped (SIGTERM, then SIGKILL) and its database dropped on drop.
pub struct Server {
    child: Child,
    pub port: u16,
    /// A token for the benchmark user, from `cue-gateway token`.
    pub token: String,
    log: PathBuf,
    // Dropped after the child is stopped (fields drop in order; `Drop::drop` runs first).
    _pg: Option<PgDatabase>,
    _dir: TempDir,
}

impl Server {
    /// Starts `bin` on a fresh database of `backend`; `extra_env` comes after (and so
    /// overrides) the benchmark's own variables.
    pub fn start(
        bin: &Path,
        backend: Backend,
        extra_env: &[(String, String)],
    ) -> anyhow::Result<Self> {
        Self::start_under(bin, backend, extra_env, &[], Duration::from_secs(30))
    }

    /// [`start`](Self::start), with the server (not `migrate` or `token`) run by `wrapper`
    /// (`valgrind --tool=callgrind …`), waiting up to `ready_within` for it to answer.
    pub fn start_under(
        bin: &Path,
        backend: Backend,
        extra_env: &[(String, String)],
        wrapper: &[String],
        ready_within: Duration,
    ) -> anyhow::Result<Self> {
        let dir = TempDir::new("cue-bench")?;
        let (pg, database_url) = match backend {
            Backend::Sqlite => (
                None,
                format!("sqlite://{}", dir.path().join("cue.db").display()),
            ),
            Backend::Postgres => {
                let db = PgDatabase::create()?;
                let url = db.url();
                (Some(db), url)
            }
        };
        let port = free_port()?;
        let env = [
            ("DATABASE_URL", database_url),
            ("SECRET_KEY", random_secret()?),
            ("HOST", SERVER_HOST.to_owned()),
            ("PORT", port.to_string()),
            ("RATE_LIMIT_ENABLED", "false".to_owned()),
            // a load run saves tens of thousands of workflows for one user: the per-user
            // storage quotas (1000 workflows, 50 MiB by default) would turn them into 403s
            ("MAX_WORKFLOWS_PER_USER", u32::MAX.to_string()),
            ("MAX_STORED_BYTES_PER_USER", (1u64 << 40).to_string()),
            (
                "ARTIFACT_DIR",
                dir.path().join("artifacts").display().to_string(),
            ),
            ("LOG_FORMAT", "json".to_owned()),
        ];
        let path = std::env::var("PATH").unwrap_or_default();
        let command = |args: &[&str]| {
            let mut cmd = Command::new(bin);
            // Only these variables: a developer's shell or `.env` must not change the numbers.
            cmd.args(args)
                .env_clear()
                .env("PATH", &path)
                .envs(env.iter().map(|(k, v)| (k, v)))
                .envs(extra_env.iter().map(|(k, v)| (k, v)))
                .current_dir(dir.path());
            cmd
        };

        let migrated = command(&["migrate"]).output().context("running migrate")?;
        if !migrated.status.success() {
            bail!(
                "cue-gateway migrate failed: {}",
                String::from_utf8_lossy(&migrated.stderr)
            );
        }
        let minted = command(&[
            "token",
            "--email",
            "bench@cue.invalid",
            "--name",
            "Cue bench",
        ])
        .output()
        .context("running cue-gateway token")?;
        if !minted.status.success() {
            bail!(
                "cue-gateway token failed: {}",
                String::from_utf8_lossy(&minted.stderr)
            );
        }
        let token = String::from_utf8(minted.stdout)
            .context("the token is not UTF-8")?
            .trim()
            .to_owned();

        let log = dir.path().join("server.log");
        let log_file = std::fs::File::create(&log)?;
        let mut serve = command(&["serve"]);
        if let Some((program, args)) = wrapper.split_first() {
            let inner = serve;
            serve = Command::new(program);
            serve
                .args(args)
                .arg(inner.get_program())
                .args(inner.get_args())
                .env_clear()
                .envs(inner.get_envs().filter_map(|(k, v)| Some((k, v?))))
                .current_dir(inner.get_current_dir().unwrap_or(Path::new(".")));
        }
        let child = serve
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .stdin(Stdio::null())
            .spawn()
            .context("starting cue-gateway")?;
        let mut server = Self {
            child,
            port,
            token,
            log,
            _pg: pg,
            _dir: dir,
        };
        server.wait_ready(ready_within)?;
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn wait_ready(&mut self, within: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "cue-gateway exited ({status}) before it was ready:\n{}",
                    self.log_tail()
                );
            }
            if http_status(self.port, "/health/ready").is_ok_and(|s| s == 200) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "cue-gateway was not ready within {within:?}:\n{}",
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// The `n` slowest lines of the server's request log (by `latency_ms`), slowest first.
    pub fn slowest_requests(&self, n: usize) -> Vec<String> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let mut lines: Vec<(f64, &str)> = text
            .lines()
            .filter_map(|l| Some((latency_ms(l)?, l)))
            .collect();
        lines.sort_by(|a, b| b.0.total_cmp(&a.0));
        lines
            .into_iter()
            .take(n)
            .map(|(_, l)| l.to_owned())
            .collect()
    }

    /// Whether the server is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// A field of `/proc/<pid>/status` in KiB (`VmHWM`, `VmRSS`).
    pub fn memory_kib(&self, field: &str) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .context("reading the server's /proc status")?;
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .with_context(|| format!("no {field} in /proc/{}/status", self.pid()))
    }

    /// Resets the kernel's peak-RSS mark, so the next `VmHWM` is the peak of what follows.
    pub fn reset_peak_memory(&self) -> anyhow::Result<()> {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid()), "5")
            .context("resetting the peak RSS (/proc/<pid>/clear_refs)")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `latency_ms` of one JSON request-log line.
fn latency_ms(line: &str) -> Option<f64> {
    let rest = line.split("\"latency_ms\":").nth(1)?;
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// The status code of `GET path` on the local port, over a plain HTTP/1.1 connection.
pub fn http_status(port: u16, path: &str) -> anyhow::Result<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head)?;
    std::str::from_utf8(&head[9..12])?
        .parse()
        .context("not an HTTP status line")
}

#[cfg(test)]
mod tests {
    use super::latency_ms;

    #[test]
    fn reads_the_latency_of_a_request_log_line() {
        let line =
            r#"{"level":"INFO","fields":{"status":200,"latency_ms":12.5},"route":"/health"}"#;
        assert_eq!(latency_ms(line), Some(12.5));
        assert_eq!(latency_ms(r#"{"latency_ms":3}"#), Some(3.0));
        assert_eq!(latency_ms(r#"{"message":"cue-gateway listening"}"#), None);
    }
}
