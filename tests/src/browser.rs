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

/// Runs in every document of every tab the harness opens, before the page's
/// own scripts. It records Content-Security-Policy violations (in
/// `sessionStorage`, so they survive navigations within the tab), and every
/// request the page makes: when it was sent, and when its answer was read,
/// so tests wait for the page to have acted on an answer instead of sleeping.
/// A recording that fails is remembered too, so the harness never takes
/// "nothing recorded" for "nothing happened".
const RECORDERS: &str = r#"
(() => {
  window.__curtainRecorder = true;
  const remember = (key, entry) => {
    try {
      const seen = JSON.parse(sessionStorage.getItem(key) || '[]');
      seen.push(entry);
      sessionStorage.setItem(key, JSON.stringify(seen));
    } catch (e) {
      window.__curtainRecorderFailed = String(e);
    }
  };
  document.addEventListener('securitypolicyviolation', (e) => {
    remember('__csp_violations', e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + location.pathname);
  });
  const requests = [];
  window.__curtainRequests = requests;
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    const request = input instanceof Request ? input : null;
    const method = String((init && init.method) || (request ? request.method : 'GET')).toUpperCase();
    const path = new URL(request ? request.url : String(input), location.href).pathname;
    const entry = { method, path, status: 0, done: false };
    requests.push(entry);
    remember('__curtain_sent', method + ' ' + path);
    return fetch.apply(this, arguments).then(
      (response) => { entry.status = response.status; response.__curtainEntry = entry; return response; },
      (error) => { entry.done = true; throw error; });
  };
  // The app reads every answer as text: once that resolves, the reactions
  // to it run in the same turn, before any script a test runs next.
  const text = Response.prototype.text;
  Response.prototype.text = function () {
    const read = text.apply(this, arguments);
    const entry = this.__curtainEntry;
    if (entry) {
      const done = () => { entry.done = true; };
      read.then(done, done);
    }
    return read;
  };
})();
"#;

/// Reads what [`RECORDERS`] kept in the current document: the script answers
/// `{href, origin, recorder, failed, csp}` (see `csp_violations`).
const READ_CSP_RECORD: &str = r#"
const record = { href: location.href, origin: location.origin, recorder: !!window.__curtainRecorder,
                 failed: window.__curtainRecorderFailed || null, csp: null };
try { record.csp = sessionStorage.getItem('__csp_violations') || '[]'; } catch (e) { record.failed = 'sessionStorage: ' + e; }
return record;
"#;

pub struct Browser {
    pub driver: WebDriver,
    pub base: String,
    /// Pages run no scripts (see [`Browser::start_without_javascript`]).
    no_script: bool,
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
        let browser = Browser { driver, base: base.to_string(), no_script: false, chromedriver, _profile: profile };
        browser.install_recorders().await?;
        Ok(browser)
    }

    /// Like [`Browser::start`], with JavaScript turned off for every page, as
    /// a visitor who turned it off (or a crawler) has it. The test can still
    /// read the page through WebDriver.
    pub async fn start_without_javascript(base: &str) -> Result<Browser> {
        let mut browser = Browser::start(base).await?;
        let devtools = thirtyfour::extensions::cdp::ChromeDevTools::new(browser.driver.handle.clone());
        devtools
            .execute_cdp_with_params("Emulation.setScriptExecutionDisabled", serde_json::json!({ "value": true }))
            .await?;
        browser.no_script = true;
        Ok(browser)
    }

    /// Records every Content-Security-Policy violation and every request, in
    /// every document the current tab loads from now on, so a test fails on
    /// a violation even when the page seems to work. DevTools scripts belong
    /// to one tab: each new tab needs its own (see [`Browser::new_tab`]).
    async fn install_recorders(&self) -> Result<()> {
        let devtools = thirtyfour::extensions::cdp::ChromeDevTools::new(self.driver.handle.clone());
        devtools
            .execute_cdp_with_params("Page.addScriptToEvaluateOnNewDocument", serde_json::json!({ "source": RECORDERS }))
            .await?;
        Ok(())
    }

    /// Opens a new tab, switches to it and gives it the recorders the first
    /// tab has. Returns the handle to switch back with.
    pub async fn new_tab(&self) -> Result<WindowHandle> {
        let tab = self.driver.new_tab().await?;
        self.driver.switch_to_window(tab.clone()).await?;
        self.install_recorders().await?;
        Ok(tab)
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
                   .then(r => done(JSON.stringify({
                      rules: r.passes.length + r.violations.length + r.incomplete.length + r.inapplicable.length,
                      violations: r.violations.map(v =>
                        v.id + ' (' + v.impact + '): ' + v.help + ' -> ' +
                        v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')) })))
                   .catch(e => done(JSON.stringify({ error: String(e) })));",
                vec![],
            )
            .await?;
        axe_result(result.json())
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

    /// Waits until the app has taken the page over and knows the server's
    /// word on the consent cookie: from the page the server sent (its boot
    /// data), or else (a page Trunk served) from `GET /api/consent/config`.
    /// From then on the banner is shown or not for good.
    pub async fn consent_settled(&self) -> Result<()> {
        self.wait_gone("#loading-shell").await?;
        if self.driver.find_all(By::Css("#curtain-boot")).await?.is_empty() {
            self.wait_for_answers("GET", "/api/consent/config", 1).await?;
        }
        Ok(())
    }

    /// Answers the cookie banner with "Reject all" if the page shows it, so
    /// it covers nothing. Whether it shows is settled once the page has read
    /// the server's consent configuration, which says whether the cookie
    /// counts; that answer is waited for, not guessed with a timer.
    pub async fn dismiss_consent(&self) -> Result<()> {
        self.consent_settled().await?;
        if let Some(button) = self.driver.find_all(By::Css("#consent-reject-all")).await?.into_iter().next() {
            button.click().await?;
            self.wait_gone("#consent-banner").await?;
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
    /// An error, never an empty list, when they cannot be read: a tab
    /// without the recorder, or a record that cannot be parsed.
    pub async fn csp_violations(&self) -> Result<Vec<String>> {
        let value = self.driver.execute(READ_CSP_RECORD, vec![]).await?;
        csp_record(value.json())
    }

    /// Violations in every open tab of the site; blank tabs have none. Leaves
    /// the current tab as it found it.
    async fn csp_violations_in_every_tab(&self) -> Result<Vec<String>> {
        let current = self.driver.window().await?;
        let mut all = Vec::new();
        for tab in self.driver.windows().await? {
            self.driver.switch_to_window(tab).await?;
            let value = self.driver.execute(READ_CSP_RECORD, vec![]).await?;
            if value.json()["href"] == "about:blank" {
                continue;
            }
            let origin = value.json()["origin"].as_str().unwrap_or_default().to_string();
            if origin != self.base {
                bail!("a tab is on {origin}, not on the site, so its CSP record cannot be read");
            }
            all.extend(csp_record(value.json())?);
        }
        self.driver.switch_to_window(current).await?;
        Ok(all)
    }

    /// `METHOD /path` of every request pages in this tab sent, oldest first,
    /// across reloads and navigations.
    pub async fn requests_sent(&self) -> Result<Vec<String>> {
        let value = self
            .driver
            .execute(
                "if (!window.__curtainRecorder) { throw new Error('this tab has no request recorder'); }
                 return sessionStorage.getItem('__curtain_sent') || '[]';",
                vec![],
            )
            .await?;
        let text = value.json().as_str().context("the request record is not text")?;
        Ok(serde_json::from_str(text)?)
    }

    /// Waits until the page shown now has read the answers to at least `n`
    /// requests `method path` (counted since this page was loaded) and
    /// returns the last status. What the page does with an answer happens in
    /// the same turn as reading it, so it is done when this returns.
    pub async fn wait_for_answers(&self, method: &str, path: &str, n: usize) -> Result<u16> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let value = self
                .driver
                .execute(
                    "if (!window.__curtainRecorder) { return null; }
                     const done = window.__curtainRequests.filter(r => r.method === arguments[0] && r.path === arguments[1] && r.done);
                     return [done.length, done.length ? done[done.length - 1].status : 0];",
                    vec![serde_json::json!(method), serde_json::json!(path)],
                )
                .await?;
            if let Some([count, status]) = value.json().as_array().map(|a| [a[0].as_u64(), a[1].as_u64()]) {
                if count.unwrap_or(0) as usize >= n {
                    return Ok(status.unwrap_or(0) as u16);
                }
            }
            if Instant::now() > deadline {
                bail!("the page never read {n} answer(s) to {method} {path}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Loads `path` and, with scripts on, waits until the app has taken the
    /// server's page over (until then, what a test finds may be replaced).
    pub async fn goto(&self, path: &str) -> Result<()> {
        self.driver.goto(format!("{}{}", self.base, path)).await?;
        if !self.no_script {
            self.wait_gone("#loading-shell").await?;
        }
        Ok(())
    }

    /// Reloads the page and, like [`Browser::goto`], waits for the app to take
    /// it over.
    pub async fn reload(&self) -> Result<()> {
        self.driver.refresh().await?;
        if !self.no_script {
            self.wait_gone("#loading-shell").await?;
        }
        Ok(())
    }

    /// Lets the page download files, into `dir`.
    pub async fn download_to(&self, dir: &std::path::Path) -> Result<()> {
        let devtools = thirtyfour::extensions::cdp::ChromeDevTools::new(self.driver.handle.clone());
        devtools
            .execute_cdp_with_params(
                "Browser.setDownloadBehavior",
                serde_json::json!({ "behavior": "allow", "downloadPath": dir.to_string_lossy() }),
            )
            .await?;
        Ok(())
    }

    /// Waits for a finished JSON download named `name` in `dir` (see
    /// [`Browser::download_to`]) and returns its text.
    pub async fn downloaded(dir: &std::path::Path, name: &str) -> Result<String> {
        let deadline = Instant::now() + PATIENCE;
        let path = dir.join(name);
        loop {
            if path.is_file() {
                let text = std::fs::read_to_string(&path)?;
                if !text.is_empty() && serde_json::from_str::<serde_json::Value>(&text).is_ok() {
                    return Ok(text);
                }
            }
            if Instant::now() > deadline {
                let seen: Vec<_> = std::fs::read_dir(dir)?.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
                bail!("no {name} in the download folder; found {seen:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Makes the page a phone's: 390 by 780 CSS pixels, touch, mobile.
    pub async fn emulate_phone(&self) -> Result<()> {
        let devtools = thirtyfour::extensions::cdp::ChromeDevTools::new(self.driver.handle.clone());
        devtools
            .execute_cdp_with_params(
                "Emulation.setDeviceMetricsOverride",
                serde_json::json!({ "width": 390, "height": 780, "deviceScaleFactor": 2, "mobile": true }),
            )
            .await?;
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

    /// Waits until the element with `id` has focus. The SPA moves focus on the
    /// next animation frame after the change it announces, so a check made at
    /// once can run before it.
    pub async fn wait_for_focus(&self, id: &str) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let focused = self
                .driver
                .execute("return document.activeElement ? document.activeElement.id : ''", vec![])
                .await?
                .json()
                .as_str()
                .unwrap_or_default()
                .to_string();
            if focused == id {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("focus never moved to #{id}; it is on {focused:?}");
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

    /// Waits until the browser is at `path` (a new page load or the router's move).
    pub async fn arrive(&self, path: &str) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.path().await? != path {
            anyhow::ensure!(Instant::now() < deadline, "expected {path}, at {}", self.path().await?);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }

    /// The page's `<html lang>`.
    pub async fn html_lang(&self) -> Result<String> {
        let v = self.driver.execute("return document.documentElement.lang", vec![]).await?;
        Ok(v.json().as_str().unwrap_or("").to_string())
    }

    /// Fails unless axe-core finds no violation on the page.
    pub async fn axe_clean(&self) -> Result<()> {
        let violations = self.axe_violations().await?;
        anyhow::ensure!(violations.is_empty(), "axe: {violations:?}");
        Ok(())
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

/// The violations in what `READ_CSP_RECORD` answered, or why they cannot be trusted.
fn csp_record(value: &serde_json::Value) -> Result<Vec<String>> {
    if value["recorder"] != true {
        bail!("no CSP recorder in the page at {} (open tabs with Browser::new_tab)", value["href"]);
    }
    if let Some(why) = value["failed"].as_str() {
        bail!("the CSP recorder failed at {}: {why}", value["href"]);
    }
    let text = value["csp"].as_str().context("no CSP record")?;
    serde_json::from_str(text).with_context(|| format!("an unreadable CSP record: {text:?}"))
}

/// The violations in what the axe script answered, or why it did not run.
fn axe_result(value: &serde_json::Value) -> Result<Vec<String>> {
    let text = value.as_str().context("axe answered no JSON")?;
    let result: serde_json::Value = serde_json::from_str(text)?;
    if let Some(error) = result["error"].as_str() {
        bail!("axe failed: {error}");
    }
    // A run that checked nothing (an empty page, a broken axe) is no pass.
    if result["rules"].as_u64().unwrap_or(0) == 0 {
        bail!("axe checked no rules: {text}");
    }
    serde_json::from_value(result["violations"].clone()).context("axe's violations are not a list of strings")
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
        // Without scripts, nothing records violations (and no script can cause one).
        if matches!(outcome, Ok(Ok(()))) && !self.no_script {
            match self.csp_violations_in_every_tab().await {
                Ok(v) if v.is_empty() => {}
                Ok(v) => outcome = Ok(Err(anyhow::anyhow!("Content-Security-Policy violations: {v:?}"))),
                Err(e) => outcome = Ok(Err(e.context("the Content-Security-Policy record could not be read"))),
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn an_unreadable_csp_record_is_an_error_not_a_pass() {
        let good = json!({"href": "http://x/", "recorder": true, "failed": null, "csp": "[]"});
        assert!(super::csp_record(&good).unwrap().is_empty());
        let seen = json!({"href": "http://x/", "recorder": true, "failed": null, "csp": "[\"script-src blocked inline at /\"]"});
        assert_eq!(super::csp_record(&seen).unwrap().len(), 1);
        for broken in [
            json!({"href": "http://x/", "recorder": false, "failed": null, "csp": "[]"}),
            json!({"href": "http://x/", "recorder": true, "failed": "QuotaExceededError", "csp": "[]"}),
            json!({"href": "http://x/", "recorder": true, "failed": null, "csp": null}),
            json!({"href": "http://x/", "recorder": true, "failed": null, "csp": "not json"}),
            json!(null),
        ] {
            assert!(super::csp_record(&broken).is_err(), "{broken}");
        }
    }

    #[test]
    fn an_axe_run_that_failed_or_checked_nothing_is_an_error_not_a_pass() {
        let clean = json!(r#"{"rules": 60, "violations": []}"#);
        assert!(super::axe_result(&clean).unwrap().is_empty());
        let found = json!(r#"{"rules": 60, "violations": ["label (critical): ..."]}"#);
        assert_eq!(super::axe_result(&found).unwrap().len(), 1);
        for broken in [
            json!(r#"{"error": "axe is already running"}"#),
            json!(r#"{"rules": 0, "violations": []}"#),
            json!(r#"{"rules": 60}"#),
            json!(r#"["label"]"#),
            json!(null),
            json!("not json"),
        ] {
            assert!(super::axe_result(&broken).is_err(), "{broken}");
        }
    }
}
