//! The real `cue-gateway` binary as a child process, for what only a process can show:
//! signals, exit codes, restarts.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// How long a fresh process may take to start listening (migrations included) on a loaded
/// machine.
const START_WITHIN: Duration = Duration::from_secs(30);

pub struct ServerProcess {
    child: Child,
    port: u16,
    logs: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts the binary with exactly `vars` as its environment (names upper-cased, plus JSON
    /// logs), in `dir` so no stray `.env` is read, and waits until it listens.
    pub fn start(vars: &BTreeMap<String, String>, dir: &Path) -> ServerProcess {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cue-gateway"));
        cmd.env_clear()
            .envs(vars.iter().map(|(k, v)| (k.to_ascii_uppercase(), v)))
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("cue-gateway starts");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (port_tx, port_rx) = mpsc::channel();
        collect(child.stdout.take().unwrap(), logs.clone(), port_tx.clone());
        collect(child.stderr.take().unwrap(), logs.clone(), port_tx);
        let port = match port_rx.recv_timeout(START_WITHIN) {
            Ok(port) => port,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "cue-gateway did not start listening within {START_WITHIN:?}:\n{}",
                    logs.lock().unwrap().join("\n")
                );
            }
        };
        ServerProcess { child, port, logs }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Sends SIGTERM, as ECS or Kubernetes do to stop a task.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM failed: {status}");
    }

    /// The exit status, once the process has exited, polling until `within` has passed.
    pub async fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Every log line so far (JSON, one event per line).
    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }

    /// Whether some log line's `message` is `message`.
    pub fn logged(&self, message: &str) -> bool {
        self.logs().iter().any(|line| {
            serde_json::from_str::<serde_json::Value>(line)
                .is_ok_and(|event| event["message"] == message)
        })
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Keeps every line of `out` and reports the port of the "listening" event.
fn collect(
    out: impl Read + Send + 'static,
    logs: Arc<Mutex<Vec<String>>>,
    port: mpsc::Sender<u16>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { return };
            let listening = serde_json::from_str::<serde_json::Value>(&line)
                .ok()
                .filter(|event| event["message"] == "cue-gateway listening")
                .and_then(|event| event["port"].as_u64())
                .and_then(|p| u16::try_from(p).ok());
            if let Some(p) = listening {
                let _ = port.send(p);
            }
            logs.lock().unwrap().push(line);
        }
    });
}
