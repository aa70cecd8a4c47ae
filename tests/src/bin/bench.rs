//! `cargo xtask bench` runs this: it starts the release server on a temporary
//! database with demonstration data, then measures what a visitor downloads,
//! how fast three pages load in headless Chromium, how the API holds up
//! under concurrent load (with `wrk`, then 32 simulated members doing
//! everything members do, writes included), and what a burst of 500
//! wrong-password sign-ins does to the server's memory. It prints a table and
//! writes the figures as JSON.
//!
//! Usage: bench --server PATH --dist DIR [--out FILE] [--samples N] [--seconds S]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use curtain_tests::browser::Browser;
use curtain_tests::load::{self, client_address, LoadConfig, Mix};
use serde_json::{json, Value};

/// The simulated members of the mixed load, and how long they run.
const MIXED_CLIENTS: usize = 32;
const MIXED_SECONDS: u64 = 15;
/// Wrong-password sign-ins sent at once in the storm, each from its own address.
const STORM_ATTEMPTS: usize = 500;

/// Runs in every new document: records layout shifts, and the moments the
/// consent banner and the page's main content first appear.
const OBSERVE_PAGE: &str = r#"
window.__bench = { cls: 0, banner: null, main: null };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__bench.cls += e.value;
}).observe({ type: 'layout-shift', buffered: true });
const check = () => {
  const b = window.__bench;
  if (b.banner === null && document.getElementById('consent-banner')) b.banner = performance.now();
  const main = document.querySelector('main#main');
  if (b.main === null && main && main.querySelector('h1') && !main.querySelector('[aria-busy="true"]')) b.main = performance.now();
};
new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
"#;

struct Args {
    server: PathBuf,
    dist: PathBuf,
    out: PathBuf,
    samples: usize,
    seconds: u32,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        server: PathBuf::from("target/server/curtain-server"),
        dist: PathBuf::from("dist"),
        out: PathBuf::from("target/bench.json"),
        samples: 5,
        seconds: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--server" => args.server = value.into(),
            "--dist" => args.dist = value.into(),
            "--out" => args.out = value.into(),
            "--samples" => args.samples = value.parse()?,
            "--seconds" => args.seconds = value.parse()?,
            other => bail!("unknown option {other}"),
        }
    }
    Ok(args)
}

struct Server {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_server(args: &Args) -> Result<Server> {
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let child = Command::new(&args.server)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--demo"])
        .arg("--database")
        .arg(format!("sqlite://{}", dir.path().join("bench.db").display()))
        .arg("--dist")
        .arg(&args.dist)
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", args.server.display()))?;
    let server = Server { child, base: format!("http://127.0.0.1:{port}"), _dir: dir };
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{}/api/health", server.base)).await.is_err() {
        if Instant::now() > deadline {
            bail!("the server did not answer within 30 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(server)
}

/// Bytes on the wire for the first load of `/`, per asset and encoding: every
/// file a fresh browser fetched to show the home page.
async fn transfer_sizes(base: &str) -> Result<Value> {
    let http = reqwest::Client::new();
    let browser = Browser::start(base).await?;
    browser.goto("/").await?;
    browser.find(".hero__title").await?;
    let paths = browser.fetched_assets().await?;
    let _ = browser.driver.clone().quit().await;
    let mut rows = Vec::new();
    let mut totals = [0usize; 3];
    for path in paths {
        let mut sizes = [0usize; 3];
        for (i, encoding) in ["identity", "gzip", "br"].iter().enumerate() {
            let r = http.get(format!("{base}{path}")).header("accept-encoding", *encoding).send().await?;
            sizes[i] = r.bytes().await?.len();
            totals[i] += sizes[i];
        }
        rows.push(json!({"path": path, "raw": sizes[0], "gzip": sizes[1], "brotli": sizes[2]}));
    }
    Ok(json!({"assets": rows, "total": {"raw": totals[0], "gzip": totals[1], "brotli": totals[2]}}))
}

/// Median timings over cold loads (a new browser profile each time).
async fn page_load(base: &str, path: &str, samples: usize) -> Result<Value> {
    let mut fcp = Vec::new();
    let mut banner = Vec::new();
    let mut main = Vec::new();
    let mut cls: Vec<f64> = Vec::new();
    for _ in 0..samples {
        let browser = Browser::start(base).await?;
        let devtools = thirtyfour::extensions::cdp::ChromeDevTools::new(browser.driver.handle.clone());
        devtools
            .execute_cdp_with_params("Page.addScriptToEvaluateOnNewDocument", json!({ "source": OBSERVE_PAGE }))
            .await?;
        browser.goto(path).await?;
        browser.find("main#main h1").await?;
        // Let late shifts (fonts, data arriving) show up before reading.
        tokio::time::sleep(Duration::from_millis(700)).await;
        let m = browser
            .driver
            .execute(
                "const p = performance.getEntriesByName('first-contentful-paint')[0]; \
                 return { fcp: p ? p.startTime : null, banner: window.__bench.banner, main: window.__bench.main, cls: window.__bench.cls };",
                vec![],
            )
            .await?
            .json()
            .clone();
        let _ = browser.driver.clone().quit().await;
        if let Some(v) = m["fcp"].as_f64() {
            fcp.push(v);
        }
        if let Some(v) = m["banner"].as_f64() {
            banner.push(v);
        }
        if let Some(v) = m["main"].as_f64() {
            main.push(v);
        }
        cls.push(m["cls"].as_f64().unwrap_or(0.0));
    }
    Ok(json!({
        "path": path,
        "samples": samples,
        "first_contentful_paint_ms": median(&mut fcp),
        "consent_banner_visible_ms": median(&mut banner),
        "main_content_ms": median(&mut main),
        "cumulative_layout_shift_max": cls.iter().cloned().fold(0.0, f64::max),
    }))
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    Some((values[values.len() / 2] * 10.0).round() / 10.0)
}

/// `wrk` against one URL: requests/s and latency percentiles.
fn load(name: &str, url: &str, headers: &[String], seconds: u32) -> Result<Value> {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", "-c32", &format!("-d{seconds}s"), "--latency"]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    let out = cmd.arg(url).output().context("running wrk (cargo xtask bench installs it)")?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let rps = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .with_context(|| format!("wrk printed no Requests/sec for {url}:\n{text}"))?;
    let percentile = |p: &str| -> Option<f64> {
        text.lines().find_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix(p)?;
            milliseconds(rest.trim())
        })
    };
    let non_2xx = text.lines().find_map(|l| l.trim().strip_prefix("Non-2xx or 3xx responses:")).map(|v| v.trim().to_string());
    Ok(json!({
        "name": name,
        "requests_per_second": rps.round(),
        "p50_ms": percentile("50%"),
        "p99_ms": percentile("99%"),
        "non_2xx": non_2xx,
    }))
}

/// wrk's "1.23ms" / "456.00us" / "1.02s".
fn milliseconds(s: &str) -> Option<f64> {
    let (number, factor) = if let Some(v) = s.strip_suffix("us") {
        (v, 0.001)
    } else if let Some(v) = s.strip_suffix("ms") {
        (v, 1.0)
    } else if let Some(v) = s.strip_suffix('s') {
        (v, 1000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| (n * factor * 1000.0).round() / 1000.0)
}

fn peak_memory_kib(pid: u32) -> Option<u64> {
    proc_status_kib(pid, "VmHWM:")
}

/// The resident set size now.
fn memory_kib(pid: u32) -> Option<u64> {
    proc_status_kib(pid, "VmRSS:")
}

fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| l.strip_prefix(field)).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Samples the server's resident memory every 20 ms until asked for the
/// peak: the peak of one phase, where VmHWM keeps that of the whole process.
struct MemorySampler {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<u64>,
}

impl MemorySampler {
    fn start(pid: u32) -> MemorySampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let task = tokio::spawn(async move {
            let mut peak = 0;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(memory_kib(pid).unwrap_or(0));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            peak.max(memory_kib(pid).unwrap_or(0))
        });
        MemorySampler { stop, task }
    }

    /// The highest resident size seen, in KiB.
    async fn peak(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or(0)
    }
}

/// 32 simulated members doing everything members do, deletions included
/// (`curtain_tests::load`): throughput, latency, 5xx answers (there must be
/// none) and the server's peak memory meanwhile.
async fn mixed_load(base: &str, pid: u32) -> Result<Value> {
    let mut config = LoadConfig::new(MIXED_CLIENTS, Duration::from_secs(MIXED_SECONDS), Mix::Everything);
    config.username_prefix = "bench".into();
    let sampler = MemorySampler::start(pid);
    let report = load::run(base, config).await;
    let peak = sampler.peak().await;
    eprintln!("{}", report.summary());
    let mut figures = report.to_json();
    figures["server_peak_rss_kib"] = json!(peak);
    Ok(figures)
}

/// 500 wrong-password sign-ins at once, each from its own loopback address
/// and for its own login, so neither rate limit answers before the password
/// check: every one asks for a password hash. Measures the server's memory
/// during the burst and ten seconds after, and how each attempt was answered.
async fn signin_storm(base: &str, pid: u32) -> Result<Value> {
    let clients: Vec<reqwest::Client> = (0..STORM_ATTEMPTS)
        .map(|i| {
            reqwest::Client::builder()
                .local_address(client_address(50, i))
                .timeout(Duration::from_secs(120))
                .build()
                .context("an HTTP client for the storm")
        })
        .collect::<Result<_>>()?;
    let before = memory_kib(pid);
    let barrier = Arc::new(tokio::sync::Barrier::new(STORM_ATTEMPTS));
    let sampler = MemorySampler::start(pid);
    let started = Instant::now();
    let attempts: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, http)| {
            let barrier = barrier.clone();
            let url = format!("{base}/api/auth/signin");
            tokio::spawn(async move {
                let body = json!({"login": format!("storm{i}"), "password": "not the password at all", "remember": false});
                barrier.wait().await;
                let sent = Instant::now();
                let status = http.post(url).json(&body).send().await.map(|r| r.status().as_u16()).ok();
                (status, sent.elapsed())
            })
        })
        .collect();
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    let mut latencies = Vec::new();
    for attempt in attempts {
        let (status, latency) = attempt.await?;
        *statuses.entry(status.map_or("no answer".into(), |s| s.to_string())).or_default() += 1;
        latencies.push(latency.as_secs_f64() * 1000.0);
    }
    let took = started.elapsed();
    let peak = sampler.peak().await;
    let slowest = latencies.iter().cloned().fold(0.0, f64::max);
    let p50 = median(&mut latencies);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let after = memory_kib(pid);
    Ok(json!({
        "attempts": STORM_ATTEMPTS,
        "seconds": (took.as_secs_f64() * 10.0).round() / 10.0,
        "statuses": statuses,
        "p50_ms": p50,
        "max_ms": slowest.round(),
        "server_rss_before_kib": before,
        "server_peak_rss_kib": peak,
        "server_rss_10s_after_kib": after,
    }))
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = parse_args()?;
    let server = start_server(&args).await?;
    let base = server.base.clone();
    eprintln!("benchmarking {base} …");

    let sizes = transfer_sizes(&base).await?;

    let mut pages = Vec::new();
    for path in ["/", "/privacy", "/u/ana"] {
        pages.push(page_load(&base, path, args.samples).await?);
    }

    // A signed-in cookie for the session endpoint.
    let signin = reqwest::Client::new()
        .post(format!("{base}/api/auth/signin"))
        .json(&json!({"login": "ana", "password": "curtain-demo", "remember": false}))
        .send()
        .await?;
    let cookie = signin
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("curtain_session="))
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .to_string();
    // The ceiling: the app's JavaScript, as the first load above fetched it.
    let static_asset = sizes["assets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["path"].as_str())
        .find(|p| p.ends_with(".js"))
        .context("the first load fetched no JavaScript")?
        .to_string();
    let br = "Accept-Encoding: br".to_string();
    let loads = vec![
        load("static asset (JS, brotli)", &format!("{base}{static_asset}"), std::slice::from_ref(&br), args.seconds)?,
        load("GET /api/users/ana", &format!("{base}/api/users/ana"), std::slice::from_ref(&br), args.seconds)?,
        load("GET /api/policies/privacy", &format!("{base}/api/policies/privacy"), std::slice::from_ref(&br), args.seconds)?,
        load("GET /api/session (signed in)", &format!("{base}/api/session"), &[br, format!("Cookie: {cookie}")], args.seconds)?,
    ];
    let peak = peak_memory_kib(server.child.id());
    let mixed = mixed_load(&base, server.child.id()).await?;
    let storm = signin_storm(&base, server.child.id()).await?;

    let report = json!({
        "machine": machine(),
        "first_load": sizes,
        "pages": pages,
        "api_load": loads,
        "server_peak_memory_kib": peak,
        "mixed_load": mixed,
        "signin_storm": storm,
    });
    print_table(&report);
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, serde_json::to_string_pretty(&report)?)?;
    eprintln!("\nwritten to {}", args.out.display());
    Ok(())
}

fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| c.lines().find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())));
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    json!({"cpu": cpu, "cores": cores})
}

fn print_table(r: &Value) {
    let kb = |v: &Value| format!("{:.1} KB", v.as_f64().unwrap_or(0.0) / 1024.0);
    println!("\nMachine: {} ({} cores)", r["machine"]["cpu"].as_str().unwrap_or("?"), r["machine"]["cores"]);
    println!("\nFirst load of /            raw        gzip     brotli");
    for a in r["first_load"]["assets"].as_array().unwrap() {
        println!("  {:<40} {:>10} {:>10} {:>10}", a["path"].as_str().unwrap(), kb(&a["raw"]), kb(&a["gzip"]), kb(&a["brotli"]));
    }
    let t = &r["first_load"]["total"];
    println!("  {:<40} {:>10} {:>10} {:>10}", "total", kb(&t["raw"]), kb(&t["gzip"]), kb(&t["brotli"]));
    let ms = |v: &Value| v.as_f64().map(|v| format!("{v:.0} ms")).unwrap_or("-".into());
    println!("\nCold loads (median)        FCP     banner    content   CLS(max)");
    for p in r["pages"].as_array().unwrap() {
        println!(
            "  {:<20} {:>9} {:>9} {:>9} {:>9.3}",
            p["path"].as_str().unwrap(),
            ms(&p["first_contentful_paint_ms"]),
            ms(&p["consent_banner_visible_ms"]),
            ms(&p["main_content_ms"]),
            p["cumulative_layout_shift_max"].as_f64().unwrap_or(0.0)
        );
    }
    println!("\nUnder load (wrk, 2 threads, 32 connections)   req/s      p50      p99");
    for l in r["api_load"].as_array().unwrap() {
        println!(
            "  {:<40} {:>9} {:>8} {:>8}{}",
            l["name"].as_str().unwrap(),
            l["requests_per_second"],
            ms_precise(&l["p50_ms"]),
            ms_precise(&l["p99_ms"]),
            l["non_2xx"].as_str().map(|n| format!("  ({n} non-2xx!)")).unwrap_or_default()
        );
    }
    let loads = r["api_load"].as_array().unwrap();
    if let (Some(stat), Some(user)) = (loads[0]["requests_per_second"].as_f64(), loads[1]["requests_per_second"].as_f64()) {
        let ratio = user / stat;
        println!(
            "\n  GET /api/users/ana at {:.0}% of static serving (budget: at least 50%): {}",
            ratio * 100.0,
            if ratio >= 0.5 { "within budget" } else { "OVER BUDGET" }
        );
    }
    if let Some(kib) = r["server_peak_memory_kib"].as_u64() {
        println!("  server peak memory (VmHWM): {:.1} MB", kib as f64 / 1024.0);
    }
    print_member_load(r);
}

/// The mixed load and the sign-in storm.
fn print_member_load(r: &Value) {
    let ms = |v: &Value| v.as_f64().map(|v| format!("{v:.0} ms")).unwrap_or("-".into());
    let mb = |v: &Value| v.as_u64().map(|kib| format!("{:.1} MB", kib as f64 / 1024.0)).unwrap_or("-".into());
    let m = &r["mixed_load"];
    println!(
        "\nMixed load ({} simulated members, {} s, writes and deletions included)",
        m["clients"], m["seconds"]
    );
    println!(
        "  {:.0} req/s  p50 {}  p99 {}  server peak RSS {}",
        m["requests_per_second"].as_f64().unwrap_or(0.0),
        ms_precise(&m["p50_ms"]),
        ms_precise(&m["p99_ms"]),
        mb(&m["server_peak_rss_kib"])
    );
    let errors = m["server_errors"].as_u64().unwrap_or(0);
    println!(
        "  5xx answers: {errors}{}   no answer: {}",
        if errors == 0 { "" } else { "  (must be 0!)" },
        m["unanswered"]
    );
    if errors > 0 {
        for (endpoint, statuses) in m["statuses"].as_object().into_iter().flatten() {
            let bad: Vec<String> = statuses
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(s, _)| s.starts_with('5'))
                .map(|(s, n)| format!("{s}×{n}"))
                .collect();
            if !bad.is_empty() {
                println!("    {endpoint}: {}", bad.join(" "));
            }
        }
    }

    let s = &r["signin_storm"];
    println!("\nSign-in storm ({} wrong passwords at once, each from its own address)", s["attempts"]);
    let answers: Vec<String> =
        s["statuses"].as_object().into_iter().flatten().map(|(status, n)| format!("{status}×{n}")).collect();
    println!("  answers: {}   in {} s (p50 {}, slowest {})", answers.join("  "), s["seconds"], ms(&s["p50_ms"]), ms(&s["max_ms"]));
    println!(
        "  server RSS: {} before, peak {} during, {} ten seconds later",
        mb(&s["server_rss_before_kib"]),
        mb(&s["server_peak_rss_kib"]),
        mb(&s["server_rss_10s_after_kib"])
    );
}

fn ms_precise(v: &Value) -> String {
    v.as_f64().map(|v| format!("{v:.2}ms")).unwrap_or("-".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_durations() {
        assert_eq!(milliseconds("456.00us"), Some(0.456));
        assert_eq!(milliseconds("1.23ms"), Some(1.23));
        assert_eq!(milliseconds("1.02s"), Some(1020.0));
        assert_eq!(milliseconds("fast"), None);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(3.0));
        assert_eq!(median(&mut []), None);
    }
}
