//! The first-paint race of `cargo xtask bench`: how soon a first-time
//! visitor can answer the consent banner, on Curtain's `/` and on a
//! reference page that shows the same three answers with the npm package
//! `vanilla-cookieconsent` (its script and stylesheet served brotli-compressed
//! from loopback, as a site using it would serve them).
//!
//! Each load is cold (a fresh browser profile), the two pages take turns,
//! and the clock stops at the first frame where "Reject all" is on screen:
//! laid out, not hidden, fully opaque up its ancestors (a banner that fades
//! in counts once it is opaque enough to read: opacity above 0.5). Loads run
//! on loopback, then throttled the way DevTools' presets do: 4x slower CPU,
//! 40 ms round trips, 10 Mbit/s.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::browser::Browser;

/// Runs in every new document: stamps the first frame "Reject all" shows.
const WATCH_REJECT: &str = r#"
window.__reject = null;
const selector = '#consent-reject-all, #cc-main button[data-role="necessary"]';
const shown = (el) => {
  if (!el || !el.isConnected) return false;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return false;
  let opacity = 1;
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden') return false;
    opacity *= parseFloat(s.opacity);
  }
  return opacity > 0.5;
};
const tick = () => {
  if (window.__reject === null && shown(document.querySelector(selector))) window.__reject = performance.now();
  if (window.__reject === null) requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
"#;

/// The reference page: cookieconsent's own example set-up with three answers
/// (accept all, reject all, manage preferences). `hideFromBots` is off: the
/// browser is driven by WebDriver, which cookieconsent would otherwise take
/// for a crawler and show nothing to.
const REFERENCE_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reference: vanilla-cookieconsent</title>
<link rel="stylesheet" href="/cookieconsent.css">
<script defer src="/cookieconsent.umd.js"></script>
<script defer src="/config.js"></script>
</head><body><main><h1>A page</h1><p>Some text to read while the banner waits.</p></main></body></html>"#;

const REFERENCE_CONFIG: &str = r#"CookieConsent.run({
  hideFromBots: false,
  categories: { necessary: { enabled: true, readOnly: true }, analytics: {} },
  language: { default: 'en', translations: { en: {
    consentModal: { title: 'Your cookie choices', description: 'We use cookies the site needs, and with your permission others.',
      acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all', showPreferencesBtn: 'Choose' },
    preferencesModal: { title: 'Choose', acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all',
      savePreferencesBtn: 'Save my choices', sections: [] } } } }
});"#;

/// Serves the reference page on a loopback port until dropped.
pub struct ReferenceSite {
    pub base: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ReferenceSite {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the reference site from the package folder (`dist/` inside).
pub async fn reference_site(package: &Path) -> Result<ReferenceSite> {
    let dist = package.join("dist");
    let read = |name: &str| std::fs::read(dist.join(name)).with_context(|| format!("reading {}", dist.join(name).display()));
    let files: Arc<Vec<(&'static str, &'static str, Vec<u8>)>> = Arc::new(vec![
        ("/", "text/html; charset=utf-8", brotli(REFERENCE_PAGE.as_bytes())),
        ("/cookieconsent.css", "text/css", brotli(&read("cookieconsent.css")?)),
        ("/cookieconsent.umd.js", "text/javascript", brotli(&read("cookieconsent.umd.js")?)),
        ("/config.js", "text/javascript", brotli(REFERENCE_CONFIG.as_bytes())),
    ]);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let files = files.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 8192];
                // One request per connection (answered with Connection: close).
                let Ok(n) = stream.read(&mut buffer).await else { return };
                let request = String::from_utf8_lossy(&buffer[..n]);
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
                let head = match files.iter().find(|(p, _, _)| *p == path) {
                    Some((_, kind, body)) => {
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Encoding: br\r\nContent-Length: {}\r\n\
                             Cache-Control: no-store\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(head.as_bytes()).await;
                        let _ = stream.write_all(body).await;
                        return;
                    }
                    None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                };
                let _ = stream.write_all(head.as_bytes()).await;
            });
        }
    });
    Ok(ReferenceSite { base, task })
}

fn brotli(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = ::brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        std::io::Write::write_all(&mut writer, input).expect("compressing in memory");
    }
    out
}

/// How the network and CPU are held back for a load.
#[derive(Clone, Copy, Debug)]
pub enum Conditions {
    Loopback,
    /// 4x CPU, 40 ms round trips, 10 Mbit/s.
    Throttled,
}

/// Milliseconds from navigation to "Reject all" on screen, one cold load.
pub async fn reject_visible(url: &str, conditions: Conditions) -> Result<f64> {
    let browser = Browser::start(url).await?;
    let devtools = thirtyfour::extensions::cdp::ChromeDevTools::new(browser.driver.handle.clone());
    devtools.execute_cdp("Network.enable").await?;
    devtools.execute_cdp_with_params("Network.setCacheDisabled", json!({ "cacheDisabled": true })).await?;
    if let Conditions::Throttled = conditions {
        devtools
            .execute_cdp_with_params(
                "Network.emulateNetworkConditions",
                json!({ "offline": false, "latency": 40, "downloadThroughput": 1_250_000, "uploadThroughput": 1_250_000 }),
            )
            .await?;
        devtools.execute_cdp_with_params("Emulation.setCPUThrottlingRate", json!({ "rate": 4 })).await?;
    }
    devtools.execute_cdp_with_params("Page.addScriptToEvaluateOnNewDocument", json!({ "source": WATCH_REJECT })).await?;
    browser.driver.goto(url).await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let result = loop {
        let value = browser.driver.execute("return window.__reject", vec![]).await?.json().as_f64();
        if let Some(ms) = value {
            break Ok(ms);
        }
        if std::time::Instant::now() > deadline {
            break Err(anyhow::anyhow!("\"Reject all\" never showed on {url}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = browser.driver.clone().quit().await;
    result
}

/// The race: `samples` loads of each page per condition, taking turns, and
/// the medians with Curtain's as a multiple of the reference's.
pub async fn race(curtain: &str, reference: &str, samples: usize) -> Result<Value> {
    let mut rows = Vec::new();
    for conditions in [Conditions::Loopback, Conditions::Throttled] {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..samples {
            ours.push(reject_visible(curtain, conditions).await?);
            theirs.push(reject_visible(reference, conditions).await?);
        }
        let (ours, theirs) = (median(&mut ours), median(&mut theirs));
        rows.push(json!({
            "conditions": format!("{conditions:?}").to_lowercase(),
            "samples": samples,
            "curtain_ms": ours,
            "reference_ms": theirs,
            "ratio": (ours / theirs * 100.0).round() / 100.0,
        }));
    }
    Ok(json!(rows))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    (values[values.len() / 2] * 10.0).round() / 10.0
}
