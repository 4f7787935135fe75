//! A per-client limit on form submissions (a token bucket per address, kept in memory).
//!
//! IPv6 clients are grouped by /64, since one household or phone often holds a whole /64.
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many submissions one client may make per hour; bursts up to the same number.
pub struct RateLimiter {
    per_hour: u32,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The client has used up its submissions for now.
#[derive(Debug, PartialEq, Eq)]
pub struct Limited;

impl RateLimiter {
    /// `per_hour == 0` turns the limit off.
    pub fn new(per_hour: u32) -> Self {
        RateLimiter {
            per_hour,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one submission from `ip`'s allowance.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Limited> {
        if self.per_hour == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_hour);
        let per_sec = capacity / 3600.0;
        let key = group(ip);
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        // Forget clients whose bucket is full again, so the map cannot grow without bound.
        if buckets.len() > 10_000 {
            let full_after = Duration::from_secs_f64(capacity / per_sec);
            buckets.retain(|_, b| now.duration_since(b.at) < full_after);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * per_sec;
        bucket.tokens = (bucket.tokens + refill).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Limited)
        }
    }
}

fn group(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            let mut seg = v6.segments();
            seg[4..].fill(0);
            IpAddr::from(seg)
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_then_refills() {
        let limiter = RateLimiter::new(3);
        let ip: IpAddr = "192.0.2.1".parse().expect("ip");
        let other: IpAddr = "192.0.2.2".parse().expect("ip");
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check(ip, t0), Ok(()));
        }
        assert_eq!(limiter.check(ip, t0), Err(Limited));
        assert_eq!(
            limiter.check(other, t0),
            Ok(()),
            "another client is not affected"
        );
        // One token comes back after an hour / 3.
        assert_eq!(
            limiter.check(ip, t0 + Duration::from_secs(1199)),
            Err(Limited)
        );
        assert_eq!(limiter.check(ip, t0 + Duration::from_secs(1201)), Ok(()));
    }

    #[test]
    fn ipv6_groups_by_64_and_zero_means_off() {
        let limiter = RateLimiter::new(1);
        let t0 = Instant::now();
        assert_eq!(
            limiter.check("2001:db8::1".parse().expect("ip"), t0),
            Ok(())
        );
        assert_eq!(
            limiter.check("2001:db8::2".parse().expect("ip"), t0),
            Err(Limited)
        );
        let off = RateLimiter::new(0);
        for _ in 0..100 {
            assert_eq!(off.check("192.0.2.1".parse().expect("ip"), t0), Ok(()));
        }
    }
}
