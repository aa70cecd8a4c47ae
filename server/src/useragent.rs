//! A `User-Agent` header in words, for the sessions list and the sign-in log:
//! "Chrome 131 on Linux". Only the few browsers and systems people are likely
//! to recognise are named; anything else is described honestly as unknown.

/// "Browser major-version on System", or as much of it as can be told.
pub fn describe(user_agent: &str) -> String {
    let ua = user_agent.trim();
    if ua.is_empty() {
        return "Unknown browser".into();
    }
    let browser = browser(ua);
    let system = system(ua);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b,
        (None, Some(s)) => format!("Unknown browser on {s}"),
        (None, None) => "Unknown browser".into(),
    }
}

fn browser(ua: &str) -> Option<String> {
    // Order matters: Edge and Opera also say "Chrome", Chrome also says
    // "Safari", and Chromium-based browsers on iOS say "CriOS".
    const TOKENS: &[(&str, &str)] = &[
        ("Edg/", "Edge"),
        ("EdgA/", "Edge"),
        ("EdgiOS/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
    ];
    for (token, name) in TOKENS {
        if let Some(version) = version_after(ua, token) {
            return Some(with_version(name, version));
        }
    }
    if ua.contains("Safari/") {
        // Safari puts its own version after "Version/".
        return Some(match version_after(ua, "Version/") {
            Some(v) => with_version("Safari", v),
            None => "Safari".into(),
        });
    }
    if let Some(v) = version_after(ua, "curl/") {
        return Some(with_version("curl", v));
    }
    None
}

fn with_version(name: &str, version: &str) -> String {
    if version.is_empty() {
        name.to_string()
    } else {
        format!("{name} {version}")
    }
}

/// The major version right after `token`.
fn version_after<'a>(ua: &'a str, token: &str) -> Option<&'a str> {
    let start = ua.find(token)? + token.len();
    let rest = &ua[start..];
    let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    Some(&rest[..end])
}

fn system(ua: &str) -> Option<String> {
    // Android and iOS before Linux and macOS: their agents mention both.
    if ua.contains("Android") {
        return Some("Android".into());
    }
    if ua.contains("iPhone") || ua.contains("iPod") {
        return Some("iPhone".into());
    }
    if ua.contains("iPad") {
        return Some("iPad".into());
    }
    if ua.contains("CrOS") {
        return Some("ChromeOS".into());
    }
    if ua.contains("Windows") {
        return Some("Windows".into());
    }
    if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        return Some("macOS".into());
    }
    if ua.contains("Linux") || ua.contains("X11") {
        return Some("Linux".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn common_browsers_in_words() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
                "Chrome 156 on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
                "Edge 131 on Windows",
            ),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox 133 on macOS"),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari 17 on iPhone",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome 131 on Android",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
                "Opera 115 on Windows",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.0.0 Safari/537.36",
                "Headless Chrome 142 on Linux",
            ),
            ("curl/8.5.0", "curl 8"),
        ];
        for (ua, expected) in cases {
            assert_eq!(describe(ua), expected, "{ua}");
        }
    }

    #[test]
    fn unknown_agents_are_called_unknown() {
        assert_eq!(describe(""), "Unknown browser");
        assert_eq!(describe("curtain-tests"), "Unknown browser");
        assert_eq!(describe("SomeBot (Linux)"), "Unknown browser on Linux");
    }
}
