//! Which team a public request is for. One installation can serve several municipalities, each
//! under its own host name (`halsolots.hogsby.se`, `halsolots.kalmar.se`) pointing at it; the
//! public routes stay the same for all of them, so the host — never a path prefix — picks the
//! team. A host no team claims gets the installation's default team.
//!
//! Every public page and form finds its team through `public_team`, and only there: the start
//! page's contact details, the stored requests' team (so each team's inbox holds only its own),
//! the receipt look-up, the privacy and accessibility pages. Staff pages use the signed-in
//! member's team instead, whatever the host.
use crate::ssr::infra::net::TrustedProxies;
use crate::ssr::services::team_cache::PublicTeamRef;
use crate::ssr::state::AppState;
use axum::extract::ConnectInfo;
use http::header::HOST;
use http::request::Parts;
use std::net::SocketAddr;

/// The team whose public pages this request is for (no database query: see `TeamCache`).
pub fn public_team(state: &AppState, parts: &Parts) -> PublicTeamRef {
    let host = request_host(parts, &state.settings.trusted_proxies);
    state.teams.for_host(host.as_deref())
}

/// The host the client asked for, lower-case without a port or a final dot: the request's URI
/// authority (HTTP/2, or an absolute request target, which HTTP/1.1 says wins over `Host`), else
/// the `Host` header. `X-Forwarded-Host` is read only from a peer that is one of our trusted
/// proxies, and then its last entry (the one our own proxy wrote); from anyone else it is the
/// client's own words and is ignored, so nobody can pick another team's pages with a header.
pub fn request_host(parts: &Parts, proxies: &TrustedProxies) -> Option<String> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded = peer
        .filter(|p| proxies.contains(*p))
        .and_then(|_| parts.headers.get("x-forwarded-host"))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next());
    let raw = match forwarded {
        Some(f) => Some(f),
        None => parts
            .uri
            .authority()
            .map(|a| a.as_str())
            .or_else(|| parts.headers.get(HOST).and_then(|v| v.to_str().ok())),
    };
    raw.and_then(normalise)
}

/// `Halsolots.Hogsby.SE:8443` → `halsolots.hogsby.se`; `[::1]:3000` → `[::1]`. Text with
/// user information or anything a host name cannot hold is no host.
pub fn normalise(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let host = if raw.starts_with('[') {
        // An IPv6 literal: up to its closing bracket.
        &raw[..=raw.find(']')?]
    } else {
        raw.split(':').next().unwrap_or_default()
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    let ok = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'[' | b']' | b':'));
    ok.then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Request;

    fn parts(uri: &str, headers: &[(&str, &str)], peer: Option<&str>) -> Parts {
        let mut req = Request::get(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let (mut parts, ()) = req.body(()).unwrap().into_parts();
        if let Some(p) = peer {
            parts
                .extensions
                .insert(ConnectInfo(SocketAddr::new(p.parse().unwrap(), 4000)));
        }
        parts
    }

    #[test]
    fn hosts_are_lower_case_without_port_or_final_dot() {
        for (raw, host) in [
            ("halsolots.hogsby.se", "halsolots.hogsby.se"),
            ("Halsolots.Hogsby.SE:8443", "halsolots.hogsby.se"),
            ("b.example.", "b.example"),
            (" b.example ", "b.example"),
            ("127.0.0.1:3000", "127.0.0.1"),
            ("[::1]:3000", "[::1]"),
            ("localhost", "localhost"),
        ] {
            assert_eq!(normalise(raw).as_deref(), Some(host), "{raw}");
        }
        for bad in [
            "",
            ":80",
            "[::1",
            "a b",
            "user@b.example",
            "b.example/x",
            "ö.se",
        ] {
            assert_eq!(normalise(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_host_header_or_the_uri_authority_names_the_host() {
        let none = TrustedProxies::default();
        let p = parts("/", &[("host", "B.Example:3000")], Some("192.0.2.1"));
        assert_eq!(request_host(&p, &none).as_deref(), Some("b.example"));
        // An absolute request target wins over Host (RFC 9112, 3.2.2).
        let p = parts("http://a.example/", &[("host", "b.example")], None);
        assert_eq!(request_host(&p, &none).as_deref(), Some("a.example"));
        assert_eq!(request_host(&parts("/", &[], None), &none), None);
    }

    #[test]
    fn x_forwarded_host_counts_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let headers = [("host", "a.example"), ("x-forwarded-host", "b.example")];
        // A stranger's header is the client's own words.
        let p = parts("/", &headers, Some("192.0.2.1"));
        assert_eq!(request_host(&p, &proxies).as_deref(), Some("a.example"));
        let p = parts("/", &headers, Some("10.1.2.3"));
        assert_eq!(
            request_host(&p, &TrustedProxies::default()).as_deref(),
            Some("a.example")
        );
        // Our proxy's: its entry, the last.
        assert_eq!(request_host(&p, &proxies).as_deref(), Some("b.example"));
        let p = parts(
            "/",
            &[
                ("host", "a.example"),
                ("x-forwarded-host", "evil.example, B.example"),
            ],
            Some("10.1.2.3"),
        );
        assert_eq!(request_host(&p, &proxies).as_deref(), Some("b.example"));
        // No peer known: no proxy either.
        let p = parts("/", &headers, None);
        assert_eq!(request_host(&p, &proxies).as_deref(), Some("a.example"));
    }
}
