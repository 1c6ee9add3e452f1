//! cue-sandbox: runs a workflow's Python for a dry run, isolated from the server, and
//! implements `cue_workflows::dryrun::Sandbox`.
//!
//! A run is one `python3 -I -S -B -c <harness>` process (`lambda/harness.py`, embedded), fed
//! the job on stdin. Around it:
//! - **bubblewrap** when installed (`bwrap --unshare-all --die-with-parent`, read-only binds of
//!   only what Python needs, a private `/tmp`, a fresh `/proc` and `/dev`, all capabilities
//!   dropped): no network, no host files, its own process tree, killed with its parent;
//! - a **cleared environment** (the job's variables only) and a private working directory;
//! - **limits** the harness sets on itself before the workflow's code runs and the code cannot
//!   raise again: address space (`DRY_RUN_MEMORY_MB`), CPU time, no new processes, file sizes,
//!   open files; when the server runs as root the run first drops to `DRY_RUN_UID`, because
//!   the kernel does not count root's processes;
//! - a **wall-clock limit** (`DRY_RUN_TIMEOUT_SECONDS`) after which the process (and, under
//!   bubblewrap, everything it started) is killed, and **bounded output** (1 MiB);
//! - **bounded concurrency**: a semaphore; a run waits for a slot at most
//!   `DRY_RUN_QUEUE_SECONDS`, then the caller gets `SandboxBusy` (429).
//!
//! Without bubblewrap only the limits and the cleared environment hold, so
//! [`LocalSandbox::isolation`] says `ProcessOnly` and `cue-workflows` refuses to run edited
//! code.
//!
//! With the `lambda` feature, [`LambdaSandbox`] runs dry runs in the sandbox Lambda function
//! kept in `lambda/` (`handler.py` and its SAM template), which starts the same harness the same
//! way on Lambda and answers the same outcome (`DRY_RUN_BACKEND=lambda`).

#[cfg(feature = "lambda")]
mod lambda;
mod local;
mod settings;

#[cfg(feature = "lambda")]
pub use lambda::{LambdaSandbox, MAX_PAYLOAD_BYTES};
pub use local::{LazySandbox, LocalSandbox, UnavailableSandbox, harness_input};
pub use settings::{Backend, MAX_OUTPUT_BYTES, SandboxSettings};

/// The harness the sandboxed interpreter runs.
pub const HARNESS: &str = include_str!("../lambda/harness.py");
