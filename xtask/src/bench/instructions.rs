//! `cargo xtask bench --instructions ROUTE`: the CPU instructions one request of a route costs
//! the gateway, counted by valgrind's callgrind. Unlike requests per second, the count does not
//! depend on what else the machine is doing, so a before/after comparison of two binaries holds
//! on a shared, loaded machine.
//!
//! The release gateway runs under callgrind on a fresh database. After `--warmup` requests
//! (caches, pools and the allocator settled), the counters are zeroed, `--requests` requests
//! are sent one after another over one keep-alive connection, and the counters are dumped. The
//! total over the server's threads (user space only: the kernel's share is not counted),
//! divided by the requests, is the route's cost; `callgrind_annotate` prints the functions
//! that hold it (inclusive). The dump stays in the temp dir named in the output.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, bail};

use super::{Options, Route};
use crate::server::{SERVER_HOST, Server};

/// How long the server may take to start under callgrind (it runs ~50× slower).
const READY_WITHIN: Duration = Duration::from_secs(300);
const TOP_FUNCTIONS: usize = 30;

pub fn instructions(
    bin: &Path,
    options: &Options,
    route: &'static Route,
    bodies: &Path,
) -> anyhow::Result<()> {
    let backend = options.backends[0];
    let out_dir = std::env::temp_dir().join(format!(
        "cue-instructions-{}-{}",
        route.name,
        std::process::id()
    ));
    std::fs::create_dir_all(&out_dir)?;
    let out_file = out_dir.join("callgrind.out");
    let wrapper = vec![
        "valgrind".to_owned(),
        "--tool=callgrind".to_owned(),
        format!("--callgrind-out-file={}", out_file.display()),
    ];
    let server = Server::start_under(bin, backend, &options.env, &wrapper, READY_WITHIN)
        .context("starting the gateway under valgrind (apt-get install valgrind)")?;
    let body = route
        .body
        .map(|b| std::fs::read(bodies.join(b)))
        .transpose()?;
    let request = Request::new(route, &server.token, body.as_deref());
    eprintln!(
        "\n== instructions of {} {} on {} (pid {}): {} warm-up requests, then {} counted",
        route.method,
        route.path,
        backend.name(),
        server.pid(),
        options.warmup_requests,
        options.requests
    );
    let mut conn = Connection::open(server.port)?;
    for _ in 0..options.warmup_requests {
        conn.send(&request)?;
    }
    callgrind_control(&["--zero"], server.pid())?;
    for _ in 0..options.requests {
        conn.send(&request)?;
    }
    callgrind_control(&["--dump"], server.pid())?;
    let dump = newest_dump(&out_dir)?;
    let total = total_instructions(&std::fs::read_to_string(&dump)?)?;
    println!(
        "\n{} {} on {}: {} instructions per request ({total} over {} requests)\ncallgrind dump: {}",
        route.method,
        route.path,
        backend.name(),
        total / options.requests,
        options.requests,
        dump.display()
    );
    println!("\nTop {TOP_FUNCTIONS} functions (inclusive, per cent of the counted requests):\n");
    println!("{}", annotate(&dump)?);
    Ok(())
}

/// One request, written out once.
struct Request(Vec<u8>);

impl Request {
    fn new(route: &Route, token: &str, body: Option<&[u8]>) -> Self {
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n",
            route.method, route.path
        );
        if route.authenticated {
            head.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        let body = body.unwrap_or_default();
        if !body.is_empty() {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        Self(bytes)
    }
}

/// A keep-alive HTTP/1.1 connection that reads each answer whole (by its `Content-Length`).
struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Connection {
    fn open(port: u16) -> anyhow::Result<Self> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        // Generous: every instruction runs ~50× slower under callgrind.
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(Self {
            writer: stream.try_clone()?,
            reader: BufReader::new(stream),
        })
    }

    /// Sends `request` and reads the answer; anything but a 200 is an error.
    fn send(&mut self, request: &Request) -> anyhow::Result<()> {
        self.writer.write_all(&request.0)?;
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line)?;
        let status = parse_status(&status_line)?;
        let mut length = None;
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line)? == 0 {
                bail!("the connection closed inside a response head");
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = Some(value.trim().parse::<usize>().context("content-length")?);
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    bail!("a chunked response; only Content-Length is read");
                }
            }
        }
        let mut body = vec![0; length.context("a response without Content-Length")?];
        self.reader.read_exact(&mut body)?;
        if status != 200 {
            bail!(
                "the server answered {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
        Ok(())
    }
}

fn parse_status(line: &str) -> anyhow::Result<u16> {
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("not an HTTP status line: {line:?}"))
}

fn callgrind_control(args: &[&str], pid: u32) -> anyhow::Result<()> {
    // It finds the server's pipes by names holding `$USER` and `$HOST` as valgrind saw them:
    // the server's own environment, which has no USER and HOST=127.0.0.1 (its listen address).
    let status = Command::new("callgrind_control")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOST", SERVER_HOST)
        .args(args)
        .arg(pid.to_string())
        .stdout(std::process::Stdio::null())
        .status()
        .context("could not run callgrind_control")?;
    if !status.success() {
        bail!("callgrind_control {args:?} failed ({status})");
    }
    Ok(())
}

/// The dump `callgrind_control --dump` wrote last (`callgrind.out.1`, …).
fn newest_dump(dir: &Path) -> anyhow::Result<PathBuf> {
    let mut dumps: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with("callgrind.out."))
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    dumps.sort();
    dumps
        .pop()
        .map(|(_, p)| p)
        .with_context(|| format!("callgrind wrote no dump in {}", dir.display()))
}

/// The instruction total of a callgrind dump (its `summary:` or `totals:` line).
fn total_instructions(dump: &str) -> anyhow::Result<u64> {
    dump.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .context("the callgrind dump has no summary line")
}

fn annotate(dump: &Path) -> anyhow::Result<String> {
    let out = Command::new("callgrind_annotate")
        .args(["--inclusive=yes", "--threshold=100"])
        .arg(dump)
        .output()
        .context("could not run callgrind_annotate")?;
    if !out.status.success() {
        bail!(
            "callgrind_annotate failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(top_functions(
        &String::from_utf8_lossy(&out.stdout),
        TOP_FUNCTIONS,
    ))
}

/// The function lines of `callgrind_annotate`'s table (`count (share)  file:function`).
fn top_functions(report: &str, max: usize) -> String {
    report
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            l.chars().next().is_some_and(|c| c.is_ascii_digit()) && l.contains('(')
        })
        .filter(|l| !l.contains("PROGRAM TOTALS"))
        .take(max)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn reads_the_total_of_a_dump() {
        let dump = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\n\nfn=(1) main\n5 10\n\
                    summary: 123456789\ntotals: 123456789\n";
        assert_eq!(total_instructions(dump).unwrap(), 123_456_789);
        assert_eq!(total_instructions("totals: 42\n").unwrap(), 42);
        assert!(total_instructions("events: Ir\n").is_err());
    }

    #[test]
    fn keeps_only_the_function_lines_of_the_annotation() {
        let report = "--------\nProfile data file 'x' (creator: callgrind-3.19.0)\n--------\n\
                      Ir\n--------\n2,000 (100.0%)  PROGRAM TOTALS\n\n--------\n\
                      Ir              file:function\n--------\n\
                      1,500 (75.00%)  ???:cue_validate::validate [/bin/cue-gateway]\n\
                      \x20 500 (25.00%)  ???:malloc [/lib/libc.so.6]\n";
        assert_eq!(
            top_functions(report, 10),
            "1,500 (75.00%)  ???:cue_validate::validate [/bin/cue-gateway]\n  \
             500 (25.00%)  ???:malloc [/lib/libc.so.6]"
        );
        assert_eq!(top_functions(report, 1).lines().count(), 1);
    }

    #[test]
    fn status_lines_parse() {
        assert_eq!(parse_status("HTTP/1.1 200 OK\r\n").unwrap(), 200);
        assert_eq!(parse_status("HTTP/1.1 403 Forbidden").unwrap(), 403);
        assert!(parse_status("garbage").is_err());
    }

    #[test]
    fn requests_carry_the_token_and_body_only_when_the_route_needs_them() {
        let health = Route::find("health").unwrap();
        let r = Request::new(health, "t0k", None);
        assert_eq!(
            String::from_utf8(r.0).unwrap(),
            "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        );
        let validate = Route::find("validate").unwrap();
        let r = Request::new(validate, "t0k", Some(b"{}"));
        let text = String::from_utf8(r.0).unwrap();
        assert!(text.starts_with("POST /code/validate HTTP/1.1\r\n"));
        assert!(text.contains("Authorization: Bearer t0k\r\n"));
        assert!(text.ends_with("Content-Length: 2\r\n\r\n{}"));
    }
}
