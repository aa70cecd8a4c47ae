//! Headless Chromium driven over WebDriver, one browser per test.

use std::future::Future;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures::FutureExt;
use thirtyfour::prelude::*;

/// How long a step may take before the test gives up on it.
const PATIENCE: Duration = Duration::from_secs(15);

const RECORD_CSP_VIOLATIONS: &str = r#"
document.addEventListener('securitypolicyviolation', (e) => {
  try {
    const seen = JSON.parse(sessionStorage.getItem('__csp_violations') || '[]');
    seen.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + location.pathname);
    sessionStorage.setItem('__csp_violations', JSON.stringify(seen));
  } catch (_) {}
});
"#;

pub struct Browser {
    pub driver: WebDriver,
    pub base: String,
    chromedriver: tokio::process::Child,
    _profile: tempfile::TempDir,
}

fn chromedriver_path() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

fn axe_core_js() -> PathBuf {
    std::env::var_os("AXE_CORE_JS").map(PathBuf::from).unwrap_or_else(|| {
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache"));
        cache.join("curtain-tools/axe-core-4.14.1/node_modules/axe-core/axe.min.js")
    })
}

fn chromium_path() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

impl Browser {
    /// Starts chromedriver on a free port and a fresh headless Chromium profile.
    pub async fn start(base: &str) -> Result<Browser> {
        let port = free_port()?;
        let chromedriver = tokio::process::Command::new(chromedriver_path())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {} (cargo xtask test installs it)", chromedriver_path()))?;
        let profile = tempfile::tempdir()?;
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&chromium_path())?;
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
        ] {
            caps.add_arg(arg)?;
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))?;
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + PATIENCE;
        let driver = loop {
            match WebDriver::new(&url, caps.clone()).await {
                Ok(d) => break d,
                Err(e) if Instant::now() > deadline => return Err(e).context("connecting to chromedriver"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        // Record every Content-Security-Policy violation, across navigations,
        // so a test fails on one even when the page seems to work.
        let devtools = thirtyfour::extensions::cdp::ChromeDevTools::new(driver.handle.clone());
        devtools
            .execute_cdp_with_params(
                "Page.addScriptToEvaluateOnNewDocument",
                serde_json::json!({ "source": RECORD_CSP_VIOLATIONS }),
            )
            .await?;
        Ok(Browser { driver, base: base.to_string(), chromedriver, _profile: profile })
    }

    /// Runs axe-core on the current page and returns its violations as
    /// readable lines (rule, impact, the first offending elements). The
    /// script is the npm package `axe-core`, which `cargo xtask test` installs;
    /// `AXE_CORE_JS` names its `axe.min.js`.
    pub async fn axe_violations(&self) -> Result<Vec<String>> {
        let path = axe_core_js();
        let source = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {} (cargo xtask test installs axe-core)", path.display()))?;
        self.driver.execute(&format!("{source}\n;return true;"), vec![]).await?;
        let result = self
            .driver
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done(JSON.stringify(r.violations.map(v =>
                      v.id + ' (' + v.impact + '): ' + v.help + ' -> ' +
                      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))))
                   .catch(e => done(JSON.stringify(['axe failed: ' + e])));",
                vec![],
            )
            .await?;
        let text = result.json().as_str().unwrap_or("[]").to_string();
        Ok(serde_json::from_str(&text)?)
    }

    /// Makes the page see `prefers-color-scheme: dark` (or light).
    pub async fn emulate_color_scheme(&self, scheme: &str) -> Result<()> {
        let devtools = thirtyfour::extensions::cdp::ChromeDevTools::new(self.driver.handle.clone());
        devtools
            .execute_cdp_with_params(
                "Emulation.setEmulatedMedia",
                serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
            )
            .await?;
        Ok(())
    }

    /// Answers the cookie banner with "Reject all" if it shows within a few
    /// seconds, so it covers nothing; returns quietly when there is none.
    pub async fn dismiss_consent(&self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(button) = self.driver.find(By::Css("#consent-reject-all")).await {
                button.click().await?;
                return Ok(());
            }
            // The page is up and no banner came with it: nothing to answer.
            if self.driver.find(By::Css("#account-name, #signin-link")).await.is_ok()
                && self.driver.find_all(By::Css("#consent-banner")).await?.is_empty()
            {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if self.driver.find_all(By::Css("#consent-banner")).await?.is_empty() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }

    /// Signs in through the form (signing out first if someone is signed in),
    /// answers the cookie banner, and waits until the header names the member.
    pub async fn sign_in(&self, login: &str, password: &str) -> Result<()> {
        if self.driver.find(By::Css("#signout")).await.is_ok() {
            self.click("#signout").await?;
            self.find("#signin-link").await?;
        }
        self.goto("/signin").await?;
        self.dismiss_consent().await?;
        self.type_into("#signin-login", login).await?;
        self.type_into("#signin-password", password).await?;
        self.click("#signin-submit").await?;
        self.wait_for_text("#account-name", login).await?;
        Ok(())
    }

    /// Content-Security-Policy violations seen in this tab since it opened.
    pub async fn csp_violations(&self) -> Result<Vec<String>> {
        let value = self
            .driver
            .execute("try { return sessionStorage.getItem('__csp_violations') || '[]'; } catch (e) { return '[]'; }", vec![])
            .await?;
        let text = value.json().as_str().unwrap_or("[]").to_string();
        Ok(serde_json::from_str(&text).unwrap_or_default())
    }

    pub async fn goto(&self, path: &str) -> Result<()> {
        self.driver.goto(format!("{}{}", self.base, path)).await?;
        Ok(())
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Result<WebElement> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(el) = self.driver.find(By::Css(css)).await {
                return Ok(el);
            }
            if Instant::now() > deadline {
                bail!("no element matches {css:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the element matching `css` exists and its text contains `needle`.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> Result<String> {
        let deadline = Instant::now() + PATIENCE;
        let mut last = String::new();
        loop {
            if let Ok(el) = self.driver.find(By::Css(css)).await {
                if let Ok(text) = el.text().await {
                    if text.contains(needle) {
                        return Ok(text);
                    }
                    last = text;
                }
            }
            if Instant::now() > deadline {
                bail!("{css:?} never contained {needle:?}; last text: {last:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until nothing matches `css`.
    pub async fn wait_gone(&self, css: &str) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        while !self.driver.find_all(By::Css(css)).await?.is_empty() {
            if Instant::now() > deadline {
                bail!("{css:?} is still on the page");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }

    /// Clears the field matching `css` and types `text` into it, as a person would.
    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        let el = self.find(css).await?;
        el.clear().await?;
        el.send_keys(text).await?;
        Ok(())
    }

    pub async fn click(&self, css: &str) -> Result<()> {
        self.find(css).await?.click().await?;
        Ok(())
    }

    /// The current `value` of a form field.
    pub async fn value(&self, css: &str) -> Result<String> {
        Ok(self.find(css).await?.prop("value").await?.unwrap_or_default())
    }

    /// A cookie by name, if the browser holds it (HttpOnly ones included).
    pub async fn cookie(&self, name: &str) -> Result<Option<Cookie>> {
        Ok(self.driver.get_all_cookies().await?.into_iter().find(|c| c.name == name))
    }

    /// The paths of the site's own files (not API calls) this page has fetched
    /// so far: the document, then every script, wasm module, stylesheet, font
    /// and image, in the order the browser asked for them.
    pub async fn fetched_assets(&self) -> Result<Vec<String>> {
        let value = self
            .driver
            .execute(
                r#"const here = location.origin;
                   return [location.pathname].concat(performance.getEntriesByType('resource')
                     .map((e) => new URL(e.name))
                     .filter((u) => u.origin === here && !u.pathname.startsWith('/api/'))
                     .map((u) => u.pathname));"#,
                vec![],
            )
            .await?;
        let mut paths: Vec<String> = serde_json::from_value(value.json().clone())?;
        let mut seen = std::collections::HashSet::new();
        paths.retain(|p| seen.insert(p.clone()));
        Ok(paths)
    }

    pub async fn path(&self) -> Result<String> {
        Ok(self.driver.current_url().await?.path().to_string())
    }

    async fn screenshot(&self, name: &str) -> Option<PathBuf> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/browser-failures");
        std::fs::create_dir_all(&dir).ok()?;
        let path = dir.join(format!("{name}.png"));
        self.driver.screenshot(&path).await.ok()?;
        Some(path)
    }

    async fn quit(self) {
        let Browser { driver, mut chromedriver, .. } = self;
        let _ = driver.quit().await;
        let _ = chromedriver.kill().await;
    }
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// What a browser test's body did: passed, failed with an error, or panicked.
pub struct Outcome(std::thread::Result<Result<()>>);

impl Browser {
    /// Runs a test body that uses this browser. On an error or a failed
    /// assertion it saves a screenshot to `target/browser-failures/NAME.png`.
    /// A body that passes still fails if the page broke its Content-Security-Policy.
    pub async fn attempt(&self, name: &str, test: impl Future<Output = Result<()>>) -> Outcome {
        let mut outcome = std::panic::AssertUnwindSafe(test).catch_unwind().await;
        if matches!(outcome, Ok(Ok(()))) {
            match self.csp_violations().await {
                Ok(v) if !v.is_empty() => outcome = Ok(Err(anyhow::anyhow!("Content-Security-Policy violations: {v:?}"))),
                _ => {}
            }
        }
        if !matches!(outcome, Ok(Ok(()))) {
            if let Some(path) = self.screenshot(name).await {
                eprintln!("screenshot of the failure: {}", path.display());
            }
        }
        Outcome(outcome)
    }

    /// Closes the browser, then fails the test if the body did.
    pub async fn finish(self, outcome: Outcome) {
        self.quit().await;
        match outcome.0 {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("{e:?}"),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}
