//! `cargo xtask soak`: minutes of steady, moderate load on a mix of routes, sampling the
//! server's resident memory to show whether it stays flat.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::bench::{WrkResult, data_dir, write_bodies};
use crate::server::{Backend, Server, TempDir, build_release};

const SAMPLE_EVERY: Duration = Duration::from_secs(10);
/// Memory may grow while caches, pools and the allocator's arenas fill; judged after this.
const WARM_UP: Duration = Duration::from_secs(60);

struct Options {
    minutes: u64,
    backend: Backend,
    connections: u32,
    delay_ms: u64,
}

impl Options {
    fn parse(args: &[String]) -> anyhow::Result<Self> {
        let mut options = Self {
            minutes: 10,
            backend: Backend::Postgres,
            connections: 16,
            delay_ms: 10,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let value = args
                .next()
                .with_context(|| format!("{arg} needs a value"))?;
            let number = || -> anyhow::Result<u64> {
                match value.parse::<u64>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => bail!("{arg}: {value:?} is not a positive number"),
                }
            };
            match arg.as_str() {
                "--minutes" => options.minutes = number()?,
                "--connections" => options.connections = u32::try_from(number()?)?,
                "--delay-ms" => options.delay_ms = number()?,
                "--backend" => match Backend::parse_list(value)?.as_slice() {
                    [one] => options.backend = *one,
                    _ => bail!("--backend: the soak runs on one backend (sqlite or postgres)"),
                },
                other => bail!(
                    "unknown option {other:?}; usage: cargo xtask soak [--minutes 10] \
                     [--backend sqlite|postgres] [--connections 16] [--delay-ms 10]"
                ),
            }
        }
        Ok(options)
    }
}

/// Whether memory after the warm-up stays flat: the median of the last quarter of samples
/// is within 5% (or 4 MiB, whichever is larger) of the median of the first quarter.
#[derive(Debug)]
struct Verdict {
    early_kib: u64,
    late_kib: u64,
    flat: bool,
}

fn median(values: &[u64]) -> u64 {
    let mut v = values.to_vec();
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

fn judge(samples: &[(Duration, u64)]) -> Option<Verdict> {
    let steady: Vec<u64> = samples
        .iter()
        .filter(|(t, _)| *t >= WARM_UP)
        .map(|(_, kib)| *kib)
        .collect();
    if steady.len() < 4 {
        return None;
    }
    let quarter = steady.len() / 4;
    let early_kib = median(&steady[..quarter]);
    let late_kib = median(&steady[steady.len() - quarter..]);
    let allowed = (early_kib / 20).max(4 * 1024);
    Some(Verdict {
        early_kib,
        late_kib,
        flat: late_kib <= early_kib + allowed,
    })
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

pub fn soak(args: &[String]) -> anyhow::Result<()> {
    let options = Options::parse(args)?;
    let bin = build_release()?;
    let bodies = TempDir::new("cue-soak-bodies")?;
    write_bodies(bodies.path(), None)?;
    let mut server = Server::start(&bin, options.backend, &[])?;
    let duration = Duration::from_secs(options.minutes * 60);
    eprintln!(
        "\n== soak: {} min on {} (pid {}), {} connections pausing {} ms between requests",
        options.minutes,
        options.backend.name(),
        server.pid(),
        options.connections,
        options.delay_ms
    );
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
    let wrk = Command::new("wrk")
        .arg(format!("-t{}", cores.min(options.connections)))
        .arg(format!("-c{}", options.connections))
        .arg(format!("-d{}s", duration.as_secs()))
        .arg("-s")
        .arg(data_dir().join("soak.lua"))
        .arg(server.url("/"))
        .env("BENCH_TOKEN", &server.token)
        .env("BENCH_DATA_DIR", bodies.path())
        .env("BENCH_DELAY_MS", options.delay_ms.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("could not run wrk (apt-get install wrk)")?;

    let start = Instant::now();
    let mut samples = vec![(Duration::ZERO, server.memory_kib("VmRSS")?)];
    println!("| t (s) | RSS MiB |\n|---:|---:|");
    println!("| 0 | {:.1} |", mib(samples[0].1));
    while start.elapsed() < duration {
        let next = SAMPLE_EVERY * u32::try_from(samples.len())?;
        std::thread::sleep(next.saturating_sub(start.elapsed()));
        if !server.is_running() {
            bail!("the server died during the soak:\n{}", server.log_tail());
        }
        let rss = server.memory_kib("VmRSS")?;
        println!("| {} | {:.1} |", next.as_secs(), mib(rss));
        samples.push((next, rss));
    }
    let out = wrk.wait_with_output().context("waiting for wrk")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "wrk failed: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let result = WrkResult::parse(&stdout)?;
    let peak = server.memory_kib("VmHWM")?;
    println!(
        "\n{} requests ({:.0} req/s), p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms, errors {}; \
         peak RSS {:.1} MiB",
        result.requests,
        result.requests_per_second(),
        result.p50_us as f64 / 1000.0,
        result.p99_us as f64 / 1000.0,
        result.max_us as f64 / 1000.0,
        result.error_summary(),
        mib(peak),
    );
    let verdict = judge(&samples).context("the soak was too short to judge (run 2+ minutes)")?;
    println!(
        "memory after warm-up: {:.1} MiB (first quarter median) -> {:.1} MiB (last quarter \
         median): {}",
        mib(verdict.early_kib),
        mib(verdict.late_kib),
        if verdict.flat { "flat" } else { "GROWING" }
    );
    if result.errors() > 0 || result.max_us > 1_000_000 {
        eprintln!("\nthe slowest requests as the server logged them:");
        for line in server.slowest_requests(5) {
            eprintln!("  {line}");
        }
    }
    if result.errors() > 0 {
        bail!("errors during the soak: {}", result.error_summary());
    }
    if !verdict.flat {
        bail!("memory grew during the soak");
    }
    Ok(())
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn series(kib: &[u64]) -> Vec<(Duration, u64)> {
        kib.iter()
            .enumerate()
            .map(|(i, k)| (SAMPLE_EVERY * i as u32, *k))
            .collect()
    }

    #[test]
    fn judges_growth_after_the_warm_up_only() {
        // Six warm-up samples climb steeply; afterwards it is steady with noise.
        let mut flat = vec![10_000, 20_000, 30_000, 40_000, 50_000, 60_000];
        flat.extend([
            64_000, 65_000, 64_500, 66_000, 65_000, 64_000, 66_500, 65_500,
        ]);
        let v = judge(&series(&flat)).unwrap();
        assert!(v.flat, "{v:?}");

        let mut leak = vec![10_000; 6];
        leak.extend((0..24).map(|i| 64_000 + i * 2_000));
        let v = judge(&series(&leak)).unwrap();
        assert!(!v.flat, "{v:?}");

        assert!(
            judge(&series(&[1, 2, 3, 4, 5, 6, 7])).is_none(),
            "too short"
        );
    }
}
