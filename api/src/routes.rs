//! The SPA's pages as route patterns: what a page view is counted under, so
//! that counts hold kinds of pages, never a member's name or a link's secret.
//! A test holds this list equal to the routes in `src/app.rs`.

/// Every page of the SPA, as its route pattern (`:name` is a parameter).
pub const PAGES: &[&str] = &[
    "/",
    "/signup",
    "/signin",
    "/privacy",
    "/privacy/versions",
    "/privacy/v/:n",
    "/privacy/compare",
    "/privacy/promises",
    "/privacy/request",
    "/unsubscribe/:token",
    "/verify-email/:token",
    "/report-child-account",
    "/account-deleted",
    "/u/:username",
    "/search",
    "/settings",
    "/settings/cookies",
    "/settings/account",
    "/settings/profile",
    "/settings/privacy",
    "/settings/email",
    "/settings/data",
];

/// The route pattern `path` matches (query and fragment ignored, one
/// trailing slash allowed), or `None` for a path that is no page.
pub fn route_of(path: &str) -> Option<&'static str> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = if path.len() > 1 { path.strip_suffix('/').unwrap_or(path) } else { path };
    if !path.starts_with('/') {
        return None;
    }
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    PAGES.iter().copied().find(|pattern| {
        let parts: Vec<&str> = pattern.split('/').skip(1).collect();
        if *pattern == "/" {
            return path == "/";
        }
        parts.len() == segments.len()
            && parts.iter().zip(&segments).all(|(part, segment)| {
                if part.starts_with(':') {
                    !segment.is_empty()
                } else {
                    part == segment
                }
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_counted_as_their_route() {
        assert_eq!(route_of("/u/ana"), Some("/u/:username"));
        assert_eq!(route_of("/u/ana/"), Some("/u/:username"));
        assert_eq!(route_of("/unsubscribe/s3cr3t?x=1#y"), Some("/unsubscribe/:token"));
        assert_eq!(route_of("/verify-email/abc"), Some("/verify-email/:token"));
        assert_eq!(route_of("/privacy/v/3"), Some("/privacy/v/:n"));
        assert_eq!(route_of("/"), Some("/"));
        assert_eq!(route_of("/settings"), Some("/settings"));
        assert_eq!(route_of("/settings/data"), Some("/settings/data"));
        assert_eq!(route_of("/u/"), None);
        assert_eq!(route_of("/u/ana/extra"), None);
        assert_eq!(route_of("/nowhere"), None);
        assert_eq!(route_of("//evil.example/x"), None);
        assert_eq!(route_of("https://x.example/"), None);
        assert_eq!(route_of(""), None);
    }

    /// The routes the SPA's route tables declare, read from its source: the
    /// top table (`ROUTES`) and the settings table below `/settings`; a
    /// `nested` entry is a layout, not a page.
    fn router_routes() -> Vec<String> {
        let source = include_str!("../../src/app.rs");
        let mut prefix = None;
        let mut routes = Vec::new();
        for line in source.lines() {
            let line = line.trim();
            if line.starts_with("const ROUTES") {
                prefix = Some("");
            } else if line.starts_with("pub const SETTINGS_ROUTES") {
                prefix = Some("/settings");
            } else if line == "];" {
                prefix = None;
            }
            let (Some(prefix), Some(start)) = (prefix, line.find("Route { path: \"")) else { continue };
            let rest = &line[start + 15..];
            let path = &rest[..rest.find('"').expect("closing quote")];
            if line.contains("nested: true") {
                continue;
            }
            routes.push(format!("{prefix}{path}"));
        }
        routes
    }

    #[test]
    fn the_list_is_the_routers() {
        let mut router = router_routes();
        router.sort();
        let mut pages: Vec<String> = PAGES.iter().map(|p| p.to_string()).collect();
        pages.sort();
        assert_eq!(pages, router, "api/src/routes.rs PAGES must list exactly the routes of src/app.rs");
    }
}
