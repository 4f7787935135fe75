//! Addresses and networks: which proxies are ours, and who the client is behind them.
//!
//! Parsed by hand (a few lines) rather than with a crate: we only need "is this address in one
//! of these networks".
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An address as one client: an IPv4 client that reaches a dual-stack listener shows up as
/// `::ffff:a.b.c.d`, and is the same client as `a.b.c.d`.
pub fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// A network: an address and a prefix length (`10.0.0.0/8`, `2001:db8::/32`, or one address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// `a.b.c.d`, `a.b.c.d/n`, `v6` or `v6/n`. Host bits are cleared; an IPv4-mapped IPv6 network
    /// (`::ffff:10.0.0.0/104`) becomes the IPv4 one, as addresses are compared in that form.
    pub fn parse(text: &str) -> Option<IpNet> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => {
                if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?))
            }
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return None;
        }
        let (addr, prefix) = match addr {
            IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some() && prefix >= 96 => {
                (canonical(IpAddr::V6(v6)), prefix - 96)
            }
            other => (other, prefix),
        };
        Some(IpNet {
            addr: mask(addr, prefix),
            prefix,
        })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        ip.is_ipv4() == self.addr.is_ipv4() && mask(ip, self.prefix) == self.addr
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// `ip` with all but the first `prefix` bits cleared.
fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let m = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(bits & m))
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let m = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(bits & m))
        }
    }
}

/// The proxies in front of us (`HALSOLOTS_TRUSTED_PROXIES`). Empty: no proxy, `X-Forwarded-For`
/// is ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// A comma-separated list of addresses and networks. The error names the entry that is wrong.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                IpNet::parse(s).ok_or_else(|| {
                    format!("\"{s}\" is not an address or a network like 10.0.0.0/8")
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client's address. Only a trusted peer's `X-Forwarded-For` is read, and only from the
    /// right: each proxy appends the address it got the request from, so everything left of our
    /// own proxies' entries was written by the client and may be forged. The first untrusted
    /// address from the right is the client (all trusted: the leftmost). No header, or an entry
    /// that is not an address: the peer.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return peer;
        }
        let mut leftmost = None;
        for entry in forwarded_for.iter().rev().flat_map(|h| h.rsplit(',')) {
            let Ok(ip) = entry.trim().parse::<IpAddr>() else {
                return peer;
            };
            let ip = canonical(ip);
            if !self.contains(ip) {
                return ip;
            }
            leftmost = Some(ip);
        }
        leftmost.unwrap_or(peer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn networks_parse_and_match() {
        let n = IpNet::parse("10.1.2.3/8").expect("net");
        assert_eq!(n.to_string(), "10.0.0.0/8");
        assert!(n.contains(ip("10.255.0.1")));
        assert!(n.contains(ip("::ffff:10.0.0.1")), "mapped v4 is v4");
        assert!(!n.contains(ip("11.0.0.1")));
        assert!(!n.contains(ip("::a00:1")), "v6 is not v4");
        let one = IpNet::parse("192.0.2.1").expect("net");
        assert!(one.contains(ip("192.0.2.1")) && !one.contains(ip("192.0.2.2")));
        let v6 = IpNet::parse("2001:db8::/32").expect("net");
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(IpNet::parse("::/0").expect("net").contains(ip("::1")));
        assert!(IpNet::parse("0.0.0.0/0")
            .expect("net")
            .contains(ip("8.8.8.8")));
        assert_eq!(
            IpNet::parse("::ffff:10.0.0.0/104")
                .expect("net")
                .to_string(),
            "10.0.0.0/8"
        );
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "10.0.0.0/",
            "x",
            "10.0.0.0/+8",
        ] {
            assert_eq!(IpNet::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn list_parses_with_spaces_and_names_bad_entries() {
        let t = TrustedProxies::parse(" 127.0.0.1, 10.0.0.0/8 ,::1,").expect("list");
        assert!(t.contains(ip("10.9.9.9")) && t.contains(ip("::1")));
        assert!(TrustedProxies::parse("").expect("empty").is_empty());
        let e = TrustedProxies::parse("10.0.0.1, proxy.local").expect_err("bad");
        assert!(e.contains("proxy.local"), "{e}");
    }

    #[test]
    fn forwarded_for_is_read_from_the_right() {
        let t = TrustedProxies::parse("10.0.0.0/8").expect("list");
        let proxy = ip("10.0.0.1");
        // The client forged the first entry; our proxy appended the real one.
        assert_eq!(
            t.client(proxy, &["198.51.100.66, 203.0.113.9"]),
            ip("203.0.113.9")
        );
        // Two of our proxies in a row are skipped.
        assert_eq!(
            t.client(proxy, &["198.51.100.66, 203.0.113.9, 10.0.0.7"]),
            ip("203.0.113.9")
        );
        // Several header lines are one list, in order.
        assert_eq!(
            t.client(proxy, &["198.51.100.66", "203.0.113.9, 10.0.0.7"]),
            ip("203.0.113.9")
        );
        // All trusted: the leftmost.
        assert_eq!(t.client(proxy, &["10.0.0.3, 10.0.0.7"]), ip("10.0.0.3"));
        // No header: the proxy itself.
        assert_eq!(t.client(proxy, &[]), proxy);
        // A malformed entry on the way: the peer.
        assert_eq!(t.client(proxy, &["203.0.113.9, junk"]), proxy);
        assert_eq!(t.client(proxy, &["203.0.113.9,,10.0.0.7"]), proxy);
        // Mapped addresses are IPv4 on both sides.
        assert_eq!(
            t.client(ip("::ffff:10.0.0.1"), &["::ffff:203.0.113.9"]),
            ip("203.0.113.9")
        );
        // A peer that is not our proxy: its header is the client's own words, ignored.
        let stranger = ip("192.0.2.50");
        assert_eq!(t.client(stranger, &["203.0.113.9"]), stranger);
        assert_eq!(
            TrustedProxies::default().client(ip("::ffff:192.0.2.1"), &["203.0.113.9"]),
            ip("192.0.2.1")
        );
    }
}
