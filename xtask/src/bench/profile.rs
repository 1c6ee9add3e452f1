//! `cargo xtask bench --profile ROUTE`: a perf profile of the release gateway while wrk drives
//! one route, summarised as the shares of the shared objects (kernel, libc, the binary) and the
//! top symbols. Where a route's time goes, without leaving the repository.
//!
//! perf samples the gateway's threads only (`-p`, at 999 Hz on the `cpu-clock` software event,
//! which works in virtual machines without hardware counters), flat (no call graphs: the
//! release build has no frame pointers), for the run's duration. The raw `perf.data` is kept
//! in the temp dir named in the output, for `perf report -i` by hand.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, bail};

use super::{Options, Route, data_dir, wrk};
use crate::server::Server;

/// Symbols and objects below this share of the samples are not printed.
const SYMBOL_PERCENT_LIMIT: &str = "0.8";
const TOP_SYMBOLS: usize = 30;

pub fn profile(
    bin: &Path,
    options: &Options,
    route: &'static Route,
    bodies: &Path,
) -> anyhow::Result<()> {
    let backend = options.backends[0];
    let connections = options.connections[0];
    let server = Server::start(bin, backend, &options.env)?;
    let env = route.wrk_env(&server, bodies);
    let url = server.url(route.path);
    let script = data_dir().join("route.lua");
    eprintln!(
        "\n== profiling {} {} on {} (pid {}), {connections} connections, {} s",
        route.method,
        route.path,
        backend.name(),
        server.pid(),
        options.duration.as_secs()
    );
    wrk(&script, &url, connections, Duration::from_secs(2), &env)?;

    let out_dir = std::env::temp_dir().join(format!("cue-profile-{}", server.pid()));
    std::fs::create_dir_all(&out_dir)?;
    let data = out_dir.join("perf.data");
    let mut perf = Command::new("perf")
        .args(["record", "-q", "-e", "cpu-clock", "-F", "999", "-p"])
        .arg(server.pid().to_string())
        .arg("-o")
        .arg(&data)
        .args(["--", "sleep"])
        .arg(options.duration.as_secs().to_string())
        .spawn()
        .context("could not run perf (apt-get install linux-perf)")?;
    let result = wrk(&script, &url, connections, options.duration, &env);
    let status = perf.wait().context("waiting for perf")?;
    let result = result?;
    if !status.success() {
        bail!("perf record failed ({status})");
    }

    println!(
        "\n{} {} on {}, {connections} connections, {} s under perf: {:.0} req/s, p50 {:.2} ms, \
         p99 {:.2} ms, errors {}\nperf data: {}",
        route.method,
        route.path,
        backend.name(),
        options.duration.as_secs(),
        result.requests_per_second(),
        result.p50_us as f64 / 1000.0,
        result.p99_us as f64 / 1000.0,
        result.error_summary(),
        data.display()
    );
    println!("\nBy object (share of the gateway's samples):\n");
    println!("{}", report(&data, "dso", usize::MAX)?);
    println!("\nTop {TOP_SYMBOLS} symbols (self time):\n");
    println!("{}", report(&data, "dso,symbol", TOP_SYMBOLS)?);
    Ok(())
}

/// `perf report`'s flat table sorted by `keys`, without its comment lines, at most `lines`.
fn report(data: &Path, keys: &str, lines: usize) -> anyhow::Result<String> {
    let out = Command::new("perf")
        .args(["report", "--stdio", "--no-children", "-g", "none", "--sort"])
        .arg(keys)
        .args(["--percent-limit", SYMBOL_PERCENT_LIMIT, "-i"])
        .arg(data)
        .output()
        .context("could not run perf report")?;
    if !out.status.success() {
        bail!(
            "perf report failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(table_lines(&String::from_utf8_lossy(&out.stdout), lines))
}

/// The data lines of a `perf report --stdio` table: no `#` comments, no blank lines.
fn table_lines(report: &str, max: usize) -> String {
    report
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .take(max)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::table_lines;

    #[test]
    fn keeps_only_the_tables_data_lines() {
        let report = "# To display the perf.data header info\n#\n# Overhead  Shared Object\n\
                      \n    41.20%  cue-gateway\n    30.02%  [kernel.kallsyms]\n     9.10%  libc.so.6\n\
                      \n#\n# (Cannot load tips.txt file, please install perf!)\n";
        assert_eq!(
            table_lines(report, 2),
            "    41.20%  cue-gateway\n    30.02%  [kernel.kallsyms]"
        );
        assert_eq!(table_lines(report, usize::MAX).lines().count(), 3);
    }
}
