//! Who is calling, as far as the network tells: the client's IP address. Residents' addresses are
//! used only in memory for rate limits (or hashed, for login throttling); staff actions record the
//! address in the audit log, as the log's purpose requires.
use std::net::{IpAddr, Ipv4Addr};

/// The client address, put into each request's extensions by the server's middleware.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientIp(pub IpAddr);

/// The client's address for this request (unspecified if the middleware did not run).
pub fn client_ip(parts: &http::request::Parts) -> IpAddr {
    parts
        .extensions
        .get::<ClientIp>()
        .map(|c| c.0)
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}
