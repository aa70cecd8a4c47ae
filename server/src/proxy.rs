//! Who is on the other end of a request when Curtain runs behind a reverse
//! proxy. Only a peer in `--trusted-proxy` may say, in `X-Forwarded-For`
//! and `X-Forwarded-Proto`, whom it forwards and over which scheme; from
//! anyone else those headers are ignored, so a client cannot pick the
//! address its sign-ins are logged and rate-limited under.
//!
//! [`resolve`] runs first on every request and records the answer as a
//! [`Client`] extension, which `ClientInfo`, the cross-site check and the
//! feed read.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

use crate::AppState;

/// The request's client as the server trusts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    pub ip: IpAddr,
    /// The request reached the site over https (from a trusted proxy's
    /// `X-Forwarded-Proto`, otherwise `--secure-cookies`).
    pub https: bool,
}

/// Parses a `--trusted-proxy` value: a CIDR block (`10.0.0.0/8`) or one
/// address (`192.0.2.1`, meaning that address alone).
pub fn parse_trusted(value: &str) -> Result<IpNet, String> {
    let value = value.trim();
    value
        .parse::<IpNet>()
        .or_else(|_| value.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{value:?} is not an address or a CIDR block such as 10.0.0.0/8"))
}

fn trusted(ip: IpAddr, proxies: &[IpNet]) -> bool {
    proxies.iter().any(|net| net.contains(&ip))
}

/// The client of a request that came from `peer`: when `peer` is a trusted
/// proxy, the rightmost address of `X-Forwarded-For` (every header line, in
/// order) that is not itself a trusted proxy; an entry that does not parse
/// ends the walk there (the hops to its left cannot be trusted), leaving the
/// nearest hop seen. Anyone else is their own client, whatever they send.
pub fn client_of(peer: IpAddr, headers: &HeaderMap, proxies: &[IpNet], default_https: bool) -> Client {
    // IPv4 mapped into IPv6 (`::ffff:192.0.2.1`) as the IPv4 address.
    let peer = peer.to_canonical();
    if !trusted(peer, proxies) {
        return Client { ip: peer, https: default_https };
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    let mut ip = peer;
    for hop in hops.iter().rev() {
        // `[2001:db8::1]:443` and `192.0.2.1:80` are seen in the wild too.
        let parsed = hop
            .parse::<IpAddr>()
            .ok()
            .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
            .map(|ip| ip.to_canonical());
        let Some(hop_ip) = parsed else { break };
        ip = hop_ip;
        if !trusted(hop_ip, proxies) {
            break;
        }
    }
    // The proxy nearest to us says how the request reached it.
    let https = match headers
        .get_all("x-forwarded-proto")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .next_back()
    {
        Some(proto) if proto.eq_ignore_ascii_case("https") => true,
        Some(proto) if proto.eq_ignore_ascii_case("http") => false,
        _ => default_https,
    };
    Client { ip, https }
}

/// Middleware: records the request's [`Client`].
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(peer) = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()) {
        let client = client_of(peer, req.headers(), &state.config.trusted_proxies, state.config.secure_cookies);
        req.extensions_mut().insert(client);
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, value.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_headers_are_ignored() {
        let h = headers(&[("x-forwarded-for", "203.0.113.9"), ("x-forwarded-proto", "https")]);
        assert_eq!(client_of(ip("10.0.0.2"), &h, &[], false), Client { ip: ip("10.0.0.2"), https: false });
        // A peer outside the trusted block is ignored as well.
        let proxies = [parse_trusted("10.0.0.1").unwrap()];
        assert_eq!(client_of(ip("10.0.0.2"), &h, &proxies, false).ip, ip("10.0.0.2"));
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let proxies = [parse_trusted("10.0.0.0/8").unwrap(), parse_trusted("2001:db8::/32").unwrap()];
        // A client that forged its own header is still seen as itself.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9"), ("x-forwarded-for", "10.0.0.7")]);
        assert_eq!(client_of(ip("10.0.0.1"), &h, &proxies, false).ip, ip("203.0.113.9"));
        // Every hop trusted: the farthest one.
        let h = headers(&[("x-forwarded-for", "10.0.0.9, 10.0.0.8")]);
        assert_eq!(client_of(ip("10.0.0.1"), &h, &proxies, false).ip, ip("10.0.0.9"));
        // Garbage stops the walk at the nearest hop seen.
        let h = headers(&[("x-forwarded-for", "203.0.113.9, not-an-ip, 10.0.0.7")]);
        assert_eq!(client_of(ip("10.0.0.1"), &h, &proxies, false).ip, ip("10.0.0.7"));
        // No header: the proxy itself.
        assert_eq!(client_of(ip("10.0.0.1"), &HeaderMap::new(), &proxies, false).ip, ip("10.0.0.1"));
        // Ports and mapped addresses.
        let h = headers(&[("x-forwarded-for", "[2001:db9::5]:443")]);
        assert_eq!(client_of(ip("::ffff:10.0.0.1"), &h, &proxies, false).ip, ip("2001:db9::5"));
    }

    #[test]
    fn the_nearest_proxy_says_the_scheme() {
        let proxies = [parse_trusted("10.0.0.1").unwrap()];
        let h = headers(&[("x-forwarded-proto", "http, https")]);
        assert!(client_of(ip("10.0.0.1"), &h, &proxies, false).https);
        let h = headers(&[("x-forwarded-proto", "http")]);
        assert!(!client_of(ip("10.0.0.1"), &h, &proxies, true).https);
        assert!(client_of(ip("10.0.0.1"), &HeaderMap::new(), &proxies, true).https);
    }

    #[test]
    fn trusted_proxies_are_blocks_or_addresses() {
        assert_eq!(parse_trusted("192.0.2.1").unwrap().to_string(), "192.0.2.1/32");
        assert_eq!(parse_trusted(" 10.0.0.0/8 ").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(parse_trusted("::1").unwrap().to_string(), "::1/128");
        assert!(parse_trusted("10.0.0.0/33").is_err());
        assert!(parse_trusted("proxy.example").is_err());
    }
}
