//! The local sandbox: one isolated Python process per run.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use cue_workflows::WorkflowError;
use cue_workflows::dryrun::{Isolation, RunError, Sandbox, SandboxJob, SandboxOutcome};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;
use tokio::sync::Semaphore;

use crate::HARNESS;
use crate::settings::{MAX_OUTPUT_BYTES, SandboxSettings};

/// What the harness prints before its answer.
const MARKER: &str = "\u{1e}cue-dry-run\u{1e}";
/// What is kept of the process's own error output (only its size is ever logged).
const MAX_STDERR_BYTES: u64 = 64 * 1024;
/// The signal the kernel sends when `RLIMIT_CPU` is reached.
const SIGXCPU: i32 = 24;
const SIGKILL: i32 = 9;

/// How a run's process is started: `program args.. python -I -S -B -c <harness>`.
#[derive(Debug, Clone)]
struct Launcher {
    program: PathBuf,
    args: Vec<String>,
    /// The working directory (outside bubblewrap; inside, it is the private `/tmp`).
    workdir: Option<PathBuf>,
}

impl Launcher {
    fn command(&self, script: &str) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args)
            .args(["-I", "-S", "-B", "-c", script])
            .env_clear()
            .current_dir(self.workdir.as_deref().unwrap_or(Path::new("/")))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }
}

/// Runs dry runs in local processes; see the crate docs.
pub struct LocalSandbox {
    launcher: Launcher,
    isolation: Isolation,
    timeout: Duration,
    memory_bytes: u64,
    slots: Arc<Semaphore>,
    queue: Duration,
}

impl std::fmt::Debug for LocalSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalSandbox")
            .field("launcher", &self.launcher)
            .field("isolation", &self.isolation)
            .finish_non_exhaustive()
    }
}

impl LocalSandbox {
    /// Finds the interpreter and bubblewrap and checks that a sandboxed interpreter starts.
    /// `Err` says why no dry run can work at all (no usable Python).
    pub async fn new(settings: &SandboxSettings) -> Result<Self, String> {
        let python = find_python(&settings.python).await?;
        let drop = privilege_drop(settings.uid);
        let mut direct_args = Vec::new();
        let mut direct_program = python.executable.clone();
        if let Some((setpriv, args)) = &drop {
            direct_args.extend(args.iter().cloned());
            direct_args.push(python.executable.display().to_string());
            direct_program = setpriv.clone();
        }
        let workdir = private_workdir()?;
        let direct = Launcher {
            program: direct_program,
            args: direct_args,
            workdir: Some(workdir),
        };
        let bwrap = (!settings.bwrap.trim().is_empty())
            .then(|| which(settings.bwrap.trim()))
            .flatten();
        let missing_drop = drop.is_none() && is_root();
        let mut isolation = Isolation::ProcessOnly {
            install: "install bubblewrap (`apt-get install bubblewrap`) so edited code can be dry-run in isolation".to_owned(),
        };
        let mut launcher = direct;
        if let Some(bwrap) = bwrap {
            let candidate = bwrap_launcher(&bwrap, &python, drop.as_ref());
            match probe(&candidate).await {
                Ok(()) if !missing_drop => {
                    isolation = Isolation::Full;
                    launcher = candidate;
                }
                Ok(()) => {
                    isolation = Isolation::ProcessOnly {
                        install: "install util-linux's setpriv: the server runs as root and runs must drop to DRY_RUN_UID".to_owned(),
                    };
                    launcher = candidate;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "bubblewrap cannot start the dry-run interpreter; runs are not isolated");
                    isolation = Isolation::ProcessOnly {
                        install: format!(
                            "bubblewrap could not start {} ({e}); make DRY_RUN_PYTHON an interpreter outside private directories (e.g. /usr/bin/python3)",
                            python.executable.display()
                        ),
                    };
                }
            }
        }
        if !matches!(isolation, Isolation::Full) {
            probe(&launcher).await?;
        }
        tracing::info!(python = %python.executable.display(), isolated = matches!(isolation, Isolation::Full), "dry-run sandbox ready");
        Ok(Self {
            launcher,
            isolation,
            timeout: settings.timeout,
            memory_bytes: settings.memory_mb * 1024 * 1024,
            slots: Arc::new(Semaphore::new(settings.concurrency)),
            queue: settings.queue,
        })
    }

    async fn execute(&self, job: SandboxJob) -> SandboxOutcome {
        let input = harness_input(&job, self.timeout, self.memory_bytes);
        let started = Instant::now();
        let mut outcome = match serde_json::to_vec(&input) {
            Ok(bytes) => self.spawn(&bytes).await,
            Err(e) => failed("Crashed", format!("the job could not be encoded: {e}")),
        };
        outcome.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        outcome
    }

    async fn spawn(&self, input: &[u8]) -> SandboxOutcome {
        let mut child = match self.launcher.command(HARNESS).spawn() {
            Ok(c) => c,
            Err(e) => return failed("Crashed", format!("the sandbox could not start: {e}")),
        };
        let (Some(mut stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return failed("Crashed", "the sandbox's pipes are missing".to_owned());
        };
        let limit = u64::try_from(MAX_OUTPUT_BYTES).unwrap_or(u64::MAX) + 1;
        let run = async {
            let write = async {
                // a process that exits without reading its input is judged by its exit
                let _ = stdin.write_all(input).await;
                drop(stdin);
            };
            let read = async {
                let mut out = Vec::new();
                let _ = stdout.take(limit).read_to_end(&mut out).await;
                out
            };
            let errors = async {
                let mut kept = Vec::new();
                let mut stderr = stderr;
                let _ = (&mut stderr)
                    .take(MAX_STDERR_BYTES)
                    .read_to_end(&mut kept)
                    .await;
                let _ = tokio::io::copy(&mut stderr, &mut tokio::io::sink()).await;
                kept.len()
            };
            // stderr is drained alongside so the process never blocks on it
            let ((), out, _) = tokio::join!(write, read, errors);
            out
        };
        let out = match tokio::time::timeout(self.timeout, run).await {
            Ok(out) => out,
            Err(_) => {
                kill(&mut child).await;
                return failed(
                    "Timeout",
                    format!("the workflow ran longer than {} s", self.timeout.as_secs()),
                );
            }
        };
        if out.len() > MAX_OUTPUT_BYTES {
            kill(&mut child).await;
            return failed(
                "OutputLimit",
                format!("the workflow wrote more than {} bytes", MAX_OUTPUT_BYTES),
            );
        }
        let status = match tokio::time::timeout(Duration::from_secs(2), child.wait()).await {
            Ok(Ok(status)) => Some(status),
            _ => {
                kill(&mut child).await;
                None
            }
        };
        parse_answer(&out).unwrap_or_else(|| exit_failure(status, self.timeout))
    }
}

#[async_trait]
impl Sandbox for LocalSandbox {
    async fn isolation(&self) -> Isolation {
        self.isolation.clone()
    }

    async fn run(&self, job: SandboxJob) -> Result<SandboxOutcome, WorkflowError> {
        let permit = tokio::time::timeout(self.queue, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| WorkflowError::SandboxBusy)?
            .map_err(|_| WorkflowError::Internal("the dry-run slots are closed".into()))?;
        let outcome = self.execute(job).await;
        drop(permit);
        Ok(outcome)
    }
}

/// A [`LocalSandbox`] found on first use, so starting a server (or a test) does not start
/// interpreters; a sandbox that cannot start answers as [`UnavailableSandbox`].
pub struct LazySandbox {
    settings: SandboxSettings,
    cell: tokio::sync::OnceCell<Arc<dyn Sandbox>>,
}

impl LazySandbox {
    pub fn new(settings: SandboxSettings) -> Self {
        Self {
            settings,
            cell: tokio::sync::OnceCell::new(),
        }
    }

    async fn get(&self) -> &Arc<dyn Sandbox> {
        self.cell
            .get_or_init(|| async {
                match LocalSandbox::new(&self.settings).await {
                    Ok(s) => Arc::new(s) as Arc<dyn Sandbox>,
                    Err(reason) => {
                        tracing::warn!(%reason, "dry runs are unavailable");
                        Arc::new(UnavailableSandbox { reason })
                    }
                }
            })
            .await
    }
}

#[async_trait]
impl Sandbox for LazySandbox {
    async fn isolation(&self) -> Isolation {
        self.get().await.isolation().await
    }

    async fn run(&self, job: SandboxJob) -> Result<SandboxOutcome, WorkflowError> {
        self.get().await.run(job).await
    }
}

/// A sandbox that cannot run anything (no usable interpreter, or dry runs turned off).
#[derive(Debug, Clone)]
pub struct UnavailableSandbox {
    pub reason: String,
}

#[async_trait]
impl Sandbox for UnavailableSandbox {
    async fn isolation(&self) -> Isolation {
        Isolation::ProcessOnly {
            install: self.reason.clone(),
        }
    }

    async fn run(&self, _job: SandboxJob) -> Result<SandboxOutcome, WorkflowError> {
        Err(WorkflowError::SandboxUnavailable {
            install: self.reason.clone(),
        })
    }
}

/// What the harness reads on its stdin, the same for every backend: the job and the limits the
/// harness sets on itself.
pub fn harness_input(job: &SandboxJob, timeout: Duration, memory_bytes: u64) -> serde_json::Value {
    let timeout_seconds = timeout.as_secs().max(1);
    json!({
        "code": job.code,
        "env": job.env,
        "event": job.event,
        "signing": job.signing,
        "simulator": job.simulator,
        "limits": {
            "memory_bytes": memory_bytes,
            "cpu_seconds": timeout_seconds,
            "timeout_seconds": timeout_seconds,
            "log_bytes": 256 * 1024,
            "max_calls": 500,
        },
    })
}

fn failed(kind: &str, message: String) -> SandboxOutcome {
    SandboxOutcome {
        error: Some(RunError::new(kind, message)),
        ..SandboxOutcome::default()
    }
}

async fn kill(child: &mut tokio::process::Child) {
    let _ = child.start_kill();
    let _ = tokio::time::timeout(Duration::from_secs(2), child.wait()).await;
}

/// The harness's answer: the last line that starts with the marker.
fn parse_answer(out: &[u8]) -> Option<SandboxOutcome> {
    let text = String::from_utf8_lossy(out);
    let line = text.lines().rev().find_map(|l| l.strip_prefix(MARKER))?;
    serde_json::from_str(line).ok()
}

/// Why a process ended without an answer.
fn exit_failure(status: Option<ExitStatus>, timeout: Duration) -> SandboxOutcome {
    use std::os::unix::process::ExitStatusExt as _;
    match status.and_then(|s| s.signal()) {
        Some(SIGXCPU) => failed(
            "CpuLimit",
            format!(
                "the workflow used more than {} s of CPU time",
                timeout.as_secs()
            ),
        ),
        Some(SIGKILL) => failed(
            "Crashed",
            "the dry-run process was killed (out of memory?)".to_owned(),
        ),
        Some(sig) => failed(
            "Crashed",
            format!("the dry-run process died of signal {sig}"),
        ),
        None => failed(
            "Crashed",
            format!(
                "the dry-run process ended without an answer (exit status {})",
                status
                    .and_then(|s| s.code())
                    .map_or_else(|| "unknown".to_owned(), |c| c.to_string())
            ),
        ),
    }
}

/// The interpreter's real executable and installation prefix.
struct Python {
    executable: PathBuf,
    prefixes: Vec<PathBuf>,
}

async fn find_python(name: &str) -> Result<Python, String> {
    let script = "import json, sys; print(json.dumps([sys.executable, sys.base_prefix, sys.prefix, list(sys.version_info[:2])]))";
    // The operator's interpreter, run once at startup with the server's environment (a
    // version manager's shim needs it); no workflow code runs here.
    let out = tokio::time::timeout(
        Duration::from_secs(20),
        Command::new(name)
            .args(["-I", "-S", "-c", script])
            .stdin(Stdio::null())
            .output(),
    )
    .await
    .map_err(|_| format!("DRY_RUN_PYTHON ({name}) did not answer within 20 s"))?
    .map_err(|e| format!("DRY_RUN_PYTHON ({name}) cannot be started: {e}; install python3"))?;
    let parsed: (String, String, String, (u32, u32)) = serde_json::from_slice(&out.stdout)
        .map_err(|_| format!("DRY_RUN_PYTHON ({name}) is not a working Python 3 interpreter"))?;
    let (executable, base, prefix, (major, minor)) = parsed;
    if (major, minor) < (3, 9) {
        return Err(format!(
            "DRY_RUN_PYTHON ({name}) is Python {major}.{minor}; dry runs need 3.9 or newer"
        ));
    }
    let mut prefixes = vec![PathBuf::from(base)];
    if !prefixes.contains(&PathBuf::from(&prefix)) {
        prefixes.push(PathBuf::from(prefix));
    }
    Ok(Python {
        executable: PathBuf::from(executable),
        prefixes,
    })
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// When the server runs as root: `setpriv` arguments that run the process as `uid` with no
/// capabilities, so the process limit applies (the kernel never limits root's processes).
fn privilege_drop(uid: u32) -> Option<(PathBuf, Vec<String>)> {
    if !is_root() {
        return None;
    }
    let setpriv = which("setpriv")?;
    Some((
        setpriv,
        vec![
            format!("--reuid={uid}"),
            format!("--regid={uid}"),
            "--clear-groups".to_owned(),
            "--inh-caps=-all".to_owned(),
            "--bounding-set=-all".to_owned(),
            "--".to_owned(),
        ],
    ))
}

/// bubblewrap around the interpreter: a new user, network, process, IPC and UTS namespace; the
/// system's `/usr` (and the interpreter's prefix) read-only; private `/tmp`, `/proc`, `/dev`.
fn bwrap_launcher(
    bwrap: &Path,
    python: &Python,
    drop: Option<&(PathBuf, Vec<String>)>,
) -> Launcher {
    let mut args: Vec<String> = Vec::new();
    let program = match drop {
        Some((setpriv, drop_args)) => {
            args.extend(drop_args.iter().cloned());
            args.push(bwrap.display().to_string());
            setpriv.clone()
        }
        None => bwrap.to_path_buf(),
    };
    args.extend(
        [
            "--unshare-all",
            "--unshare-user",
            "--die-with-parent",
            "--new-session",
            "--cap-drop",
            "ALL",
            "--ro-bind",
            "/usr",
            "/usr",
        ]
        .map(str::to_owned),
    );
    for dir in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
        let path = Path::new(dir);
        if let Ok(target) = std::fs::read_link(path) {
            args.extend([
                "--symlink".to_owned(),
                target.display().to_string(),
                dir.to_owned(),
            ]);
        } else if path.is_dir() {
            args.extend(["--ro-bind".to_owned(), dir.to_owned(), dir.to_owned()]);
        }
    }
    for prefix in &python.prefixes {
        if !prefix.starts_with("/usr") && prefix.is_dir() {
            let p = prefix.display().to_string();
            args.extend(["--ro-bind".to_owned(), p.clone(), p]);
        }
    }
    args.extend(
        [
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--chdir", "/tmp", "--",
        ]
        .map(str::to_owned),
    );
    args.push(python.executable.display().to_string());
    Launcher {
        program,
        args,
        workdir: None,
    }
}

/// Whether the launcher starts an interpreter that can run the harness's imports.
async fn probe(launcher: &Launcher) -> Result<(), String> {
    let script =
        "import json, resource, signal, socket, urllib.request, hmac, hashlib; print('ok')";
    let mut cmd = launcher.command(script);
    cmd.stdin(Stdio::null());
    let out = tokio::time::timeout(Duration::from_secs(20), cmd.output())
        .await
        .map_err(|_| "the interpreter did not start within 20 s".to_owned())?
        .map_err(|e| format!("cannot start {}: {e}", launcher.program.display()))?;
    if out.status.success() && out.stdout.starts_with(b"ok") {
        return Ok(());
    }
    let reason = String::from_utf8_lossy(&out.stderr);
    Err(reason
        .lines()
        .last()
        .unwrap_or("the interpreter failed")
        .chars()
        .take(200)
        .collect())
}

/// An empty directory for runs outside bubblewrap.
fn private_workdir() -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("cue-dry-run-{}", std::process::id()));
    if !dir.is_dir() {
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    Ok(dir)
}

/// A program on `PATH` (or a path).
fn which(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        let p = PathBuf::from(name);
        return p.is_file().then_some(p);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}
