//! The site's public address: what members type to reach it
//! (`https://curtain.example`), and what every link written into an e-mail
//! starts with. It is configured (`--public-url`), never taken from a
//! request's `Host`, so a forged header cannot send a member a link to
//! another site.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

/// An absolute `http` or `https` address with no path, query, fragment or
/// credentials, kept without a trailing slash (`https://curtain.example`,
/// `http://127.0.0.1:8080`), so a link is the address followed by a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

/// Why an address cannot be the public one. Each message says what to write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublicUrlError {
    #[error("the public URL is empty: give the address members reach the site at, like https://curtain.example")]
    Empty,
    #[error("`{0}` is not an absolute address: write it in full, like https://curtain.example")]
    NotAbsolute(String),
    #[error("`{0}` must start with http:// or https://")]
    Scheme(String),
    #[error("`{0}` must not hold a user name or password")]
    Credentials(String),
    #[error("`{0}` must not have a query (`?…`) or a fragment (`#…`): links are made by adding a path to it")]
    Query(String),
    #[error(
        "`{0}` has a path: Curtain is served at the root of its address, so give only the scheme, host and port, \
         like https://curtain.example"
    )]
    Path(String),
}

impl PublicUrl {
    /// Checks and normalises an address: the scheme and host in lower case,
    /// the default port and a trailing slash dropped.
    pub fn parse(input: &str) -> Result<PublicUrl, PublicUrlError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(PublicUrlError::Empty);
        }
        let url = url::Url::parse(input).map_err(|_| PublicUrlError::NotAbsolute(input.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(PublicUrlError::Scheme(input.to_string()));
        }
        if url.host().is_none() {
            return Err(PublicUrlError::NotAbsolute(input.to_string()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(PublicUrlError::Credentials(input.to_string()));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(PublicUrlError::Query(input.to_string()));
        }
        if url.path() != "/" {
            return Err(PublicUrlError::Path(input.to_string()));
        }
        // For http and https the origin is exactly scheme, host and port
        // (the default port left out).
        Ok(PublicUrl(url.origin().ascii_serialization()))
    }

    /// `http://` and the address a server listens on.
    pub fn for_addr(addr: SocketAddr) -> PublicUrl {
        PublicUrl(format!("http://{addr}"))
    }

    /// The address, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The absolute link to `path` (which starts with `/`) on this site.
    pub fn link(&self, path: &str) -> String {
        debug_assert!(path.starts_with('/'), "a path from the root: {path}");
        format!("{}{path}", self.0)
    }
}

impl FromStr for PublicUrl {
    type Err = PublicUrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PublicUrl::parse(s)
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for PublicUrl {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_http_addresses_are_kept_without_a_trailing_slash() {
        for (given, kept) in [
            ("https://curtain.example", "https://curtain.example"),
            ("https://curtain.example/", "https://curtain.example"),
            ("  https://curtain.example/  ", "https://curtain.example"),
            ("HTTPS://Curtain.Example/", "https://curtain.example"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("https://curtain.example:443", "https://curtain.example"),
            ("http://curtain.example:80/", "http://curtain.example"),
            ("https://curtain.example:8443", "https://curtain.example:8443"),
            ("http://[::1]:3000", "http://[::1]:3000"),
        ] {
            assert_eq!(PublicUrl::parse(given).map(|u| u.to_string()), Ok(kept.to_string()), "{given}");
        }
    }

    #[test]
    fn anything_else_is_refused_saying_what_to_write() {
        let refused = |s: &str| PublicUrl::parse(s).expect_err(s);
        assert_eq!(refused(""), PublicUrlError::Empty);
        assert_eq!(refused("   "), PublicUrlError::Empty);
        for s in ["curtain.example", "/privacy", "https://", "127.0.0.1"] {
            assert!(matches!(refused(s), PublicUrlError::NotAbsolute(_)), "{s}: {:?}", refused(s));
        }
        for s in ["ftp://curtain.example", "localhost:8080", "mailto:privacy@curtain.example", "file:///srv/curtain"] {
            assert!(matches!(refused(s), PublicUrlError::Scheme(_)), "{s}: {:?}", refused(s));
        }
        assert!(matches!(refused("https://admin:secret@curtain.example"), PublicUrlError::Credentials(_)));
        for s in ["https://curtain.example/?ref=mail", "https://curtain.example?", "https://curtain.example/#top"] {
            assert!(matches!(refused(s), PublicUrlError::Query(_)), "{s}: {:?}", refused(s));
        }
        for s in ["https://curtain.example/app", "https://curtain.example/app/", "https://curtain.example//"] {
            assert!(matches!(refused(s), PublicUrlError::Path(_)), "{s}: {:?}", refused(s));
        }
        let message = refused("ftp://curtain.example").to_string();
        assert!(message.contains("ftp://curtain.example") && message.contains("http:// or https://"), "{message}");
        let message = refused("https://curtain.example/?a=1").to_string();
        assert!(message.contains("must not have a query"), "{message}");
    }

    #[test]
    fn links_are_the_address_and_a_path() {
        let site = PublicUrl::parse("https://curtain.example/").unwrap();
        assert_eq!(site.link("/privacy/v/7"), "https://curtain.example/privacy/v/7");
        let local = PublicUrl::for_addr("127.0.0.1:41234".parse().unwrap());
        assert_eq!(local.link("/unsubscribe/t"), "http://127.0.0.1:41234/unsubscribe/t");
        assert_eq!(PublicUrl::for_addr("[::1]:80".parse().unwrap()).as_str(), "http://[::1]:80");
    }
}
