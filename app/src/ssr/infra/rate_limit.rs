//! A per-client limit on form submissions: token buckets in memory, in bounded space.
//!
//! Who counts as one client:
//! - IPv4: one address. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, as a dual-stack listener
//!   reports IPv4 clients) is that IPv4 address, not one shared IPv6 /64.
//! - IPv6: the /64, since one household or phone holds a whole /64 and may use any address in it.
//!   A /64 has the per-hour allowance. But a subscriber is often given a /48, and one attacker
//!   with a /48 can mint 65 536 /64s, each with a full allowance; so the /48 has a bucket of its
//!   own too, `NET48_FACTOR` times the allowance (an office or a few households behind one /48
//!   still fit), and a submission takes a token from both.
//!
//! Memory is bounded: at most `max_keys` buckets are tracked, in `SHARDS` maps behind a lock
//! each (a request locks one shard, never the whole map, and never scans it). A /64 lives in the
//! shard of its /48, so both buckets of an IPv6 client are taken under one lock. When a shard is
//! full, the bucket that is full again soonest is dropped if it is full already (a full bucket
//! and no bucket mean the same). If none is, every bucket in the shard is in use, and dropping
//! one would hand its client a fresh allowance when it comes back — the way round a limit by
//! cycling through more addresses than we track. So the newcomer is counted against one shared
//! overflow bucket instead (`OVERFLOW_FACTOR` times the allowance): in a flood from more
//! addresses than we track, newcomers share it, while clients already tracked keep their own.
use crate::ssr::infra::net::canonical;
use std::collections::hash_map::RandomState;
use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasher;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most buckets tracked by default: about 50 000 × ~100 bytes, a few megabytes.
pub const DEFAULT_MAX_KEYS: usize = 50_000;
/// A /48's allowance, in /64 allowances.
pub const NET48_FACTOR: u32 = 8;
/// The shared overflow bucket's allowance, in client allowances.
pub const OVERFLOW_FACTOR: u32 = 8;
/// Locks that requests spread over (a power of two is not needed: the index is a remainder).
const SHARDS: usize = 32;

/// How many submissions one client may make per hour; bursts up to the same number.
pub struct RateLimiter {
    per_hour: u32,
    shard_cap: usize,
    shards: Box<[Mutex<Shard>]>,
    /// Picks a key's shard; seeded per process, so nobody can aim at one shard.
    hasher: RandomState,
    overflow: Mutex<Level>,
}

/// The client has used up its submissions for now.
#[derive(Debug, PartialEq, Eq)]
pub struct Limited;

/// A bucket's key: a client's address or network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    V4(u32),
    /// The first 64 bits of an IPv6 address.
    Net64(u64),
    /// The first 48 bits of an IPv6 address.
    Net48(u64),
}

#[derive(Clone, Copy, Debug)]
struct Level {
    tokens: f64,
    at: Instant,
}

impl Level {
    /// The tokens at `now`, refilled at `capacity` per hour.
    fn at(self, now: Instant, capacity: f64) -> f64 {
        let refill = now.saturating_duration_since(self.at).as_secs_f64() * capacity / 3600.0;
        (self.tokens + refill).min(capacity)
    }
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    level: Level,
    /// When it will be full again if nothing is taken (its place in `Shard::by_full`).
    full_at: Instant,
}

#[derive(Default)]
struct Shard {
    buckets: HashMap<Key, Bucket>,
    /// Every bucket by when it is full again, soonest first.
    by_full: BTreeSet<(Instant, Key)>,
}

enum Taken {
    Ok,
    Limited,
    /// The shard is full of buckets in use.
    NoRoom,
}

impl Shard {
    /// Takes a token from each of `keys` (with their capacities) if every one has one.
    fn take(&mut self, keys: &[(Key, f64)], now: Instant, cap: usize) -> Taken {
        loop {
            let missing = keys
                .iter()
                .filter(|(k, _)| !self.buckets.contains_key(k))
                .count();
            if self.buckets.len() + missing <= cap {
                break;
            }
            match self.by_full.first().copied() {
                Some((full_at, key)) if full_at <= now => {
                    self.by_full.remove(&(full_at, key));
                    self.buckets.remove(&key);
                }
                _ => return Taken::NoRoom,
            }
        }
        let mut levels = [0.0; 2];
        for ((key, capacity), level) in keys.iter().zip(levels.iter_mut()) {
            *level = self
                .buckets
                .get(key)
                .map_or(*capacity, |b| b.level.at(now, *capacity));
            if *level < 1.0 {
                return Taken::Limited;
            }
        }
        for ((key, capacity), level) in keys.iter().zip(levels) {
            let tokens = level - 1.0;
            let full_at = now + Duration::from_secs_f64((capacity - tokens) * 3600.0 / capacity);
            let bucket = Bucket {
                level: Level { tokens, at: now },
                full_at,
            };
            if let Some(old) = self.buckets.insert(*key, bucket) {
                self.by_full.remove(&(old.full_at, *key));
            }
            self.by_full.insert((full_at, *key));
        }
        Taken::Ok
    }
}

impl RateLimiter {
    /// `per_hour == 0` turns the limit off.
    pub fn new(per_hour: u32) -> Self {
        RateLimiter::with_max_keys(per_hour, DEFAULT_MAX_KEYS)
    }

    /// A limiter that tracks at most `max_keys` buckets (at least 2 per shard).
    pub fn with_max_keys(per_hour: u32, max_keys: usize) -> Self {
        RateLimiter {
            per_hour,
            shard_cap: (max_keys / SHARDS).max(2),
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            hasher: RandomState::new(),
            overflow: Mutex::new(Level {
                tokens: f64::from(per_hour) * f64::from(OVERFLOW_FACTOR),
                at: Instant::now(),
            }),
        }
    }

    /// Takes one submission from `ip`'s allowance.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Limited> {
        if self.per_hour == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_hour);
        let (shard_key, keys) = match canonical(ip) {
            IpAddr::V4(v4) => {
                let k = Key::V4(u32::from(v4));
                (k, vec![(k, capacity)])
            }
            IpAddr::V6(v6) => {
                let bits = u128::from(v6);
                // Truncation is the point: the network's leading bits.
                let n48 = Key::Net48((bits >> 80) as u64);
                let n64 = Key::Net64((bits >> 64) as u64);
                // The /48 first: a /48 out of tokens adds no /64 bucket.
                (
                    n48,
                    vec![(n48, capacity * f64::from(NET48_FACTOR)), (n64, capacity)],
                )
            }
        };
        let index = (self.hasher.hash_one(shard_key) % SHARDS as u64) as usize;
        let taken = self.shards[index]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take(&keys, now, self.shard_cap);
        match taken {
            Taken::Ok => Ok(()),
            Taken::Limited => Err(Limited),
            Taken::NoRoom => self.take_overflow(now),
        }
    }

    fn take_overflow(&self, now: Instant) -> Result<(), Limited> {
        let capacity = f64::from(self.per_hour) * f64::from(OVERFLOW_FACTOR);
        let mut level = self.overflow.lock().unwrap_or_else(|p| p.into_inner());
        let tokens = level.at(now, capacity);
        if tokens < 1.0 {
            return Err(Limited);
        }
        *level = Level {
            tokens: tokens - 1.0,
            at: now,
        };
        Ok(())
    }

    /// How many buckets are tracked now (never more than the cap).
    pub fn tracked(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).buckets.len())
            .sum()
    }
}

/// The network that counts as one client: the IPv4 address, or the IPv6 /64.
pub fn client_group(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !(u128::from(u64::MAX));
            IpAddr::V6(Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn limits_then_refills() {
        let limiter = RateLimiter::new(3);
        let one = ip("192.0.2.1");
        let other = ip("192.0.2.2");
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check(one, t0), Ok(()));
        }
        assert_eq!(limiter.check(one, t0), Err(Limited));
        assert_eq!(
            limiter.check(other, t0),
            Ok(()),
            "another client is not affected"
        );
        // One token comes back after an hour / 3.
        assert_eq!(
            limiter.check(one, t0 + Duration::from_secs(1199)),
            Err(Limited)
        );
        assert_eq!(limiter.check(one, t0 + Duration::from_secs(1201)), Ok(()));
    }

    #[test]
    fn ipv6_groups_by_64_and_zero_means_off() {
        let limiter = RateLimiter::new(1);
        let t0 = Instant::now();
        assert_eq!(limiter.check(ip("2001:db8::1"), t0), Ok(()));
        assert_eq!(limiter.check(ip("2001:db8::2"), t0), Err(Limited));
        let off = RateLimiter::new(0);
        for _ in 0..100 {
            assert_eq!(off.check(ip("192.0.2.1"), t0), Ok(()));
        }
    }

    #[test]
    fn the_48_limit_bites_across_64s() {
        let limiter = RateLimiter::new(1);
        let t0 = Instant::now();
        let net64 = |n: u32| ip(&format!("2001:db8:1:{n:x}::1"));
        for n in 0..NET48_FACTOR {
            assert_eq!(limiter.check(net64(n), t0), Ok(()), "/64 number {n}");
        }
        assert_eq!(
            limiter.check(net64(NET48_FACTOR), t0),
            Err(Limited),
            "a fresh /64 in a /48 that has used its allowance"
        );
        assert_eq!(
            limiter.check(ip("2001:db8:2::1"), t0),
            Ok(()),
            "another /48"
        );
    }

    #[test]
    fn mapped_ipv4_groups_as_ipv4() {
        let limiter = RateLimiter::new(1);
        let t0 = Instant::now();
        assert_eq!(limiter.check(ip("::ffff:192.0.2.1"), t0), Ok(()));
        assert_eq!(
            limiter.check(ip("::ffff:192.0.2.2"), t0),
            Ok(()),
            "two IPv4 clients, not one IPv6 /64"
        );
        assert_eq!(
            limiter.check(ip("192.0.2.1"), t0),
            Err(Limited),
            "the same client"
        );
        assert_eq!(client_group(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(
            client_group(ip("2001:db8:1:2:3:4:5:6")),
            ip("2001:db8:1:2::")
        );
    }

    #[test]
    fn memory_is_bounded_by_distinct_64s_and_addresses() {
        let t0 = Instant::now();
        let limiter = RateLimiter::with_max_keys(30, 1000);
        // 20 000 /64s, each in a /48 of its own (two buckets each, were they all kept).
        for i in 0u32..20_000 {
            let a = ip(&format!("2001:{:x}:{:x}::1", i >> 16, i & 0xffff));
            let _ = limiter.check(a, t0);
            if i % 1000 == 0 {
                assert!(limiter.tracked() <= 1000, "{}", limiter.tracked());
            }
        }
        assert!(limiter.tracked() <= 1000, "{}", limiter.tracked());
        let limiter = RateLimiter::with_max_keys(30, 1000);
        for i in 0u32..200_000 {
            let _ = limiter.check(IpAddr::from(Ipv4Addr::from(0x0a00_0000u32 + i)), t0);
        }
        assert!(limiter.tracked() <= 1000, "{}", limiter.tracked());
        let limiter = RateLimiter::new(30);
        for i in 0u32..200_000 {
            let _ = limiter.check(IpAddr::from(Ipv4Addr::from(0x0b00_0000u32 + i)), t0);
        }
        assert!(
            limiter.tracked() <= DEFAULT_MAX_KEYS,
            "{}",
            limiter.tracked()
        );
    }

    #[test]
    fn a_full_table_gives_newcomers_no_fresh_allowance() {
        let t0 = Instant::now();
        let limiter = RateLimiter::with_max_keys(1, 64);
        let v4 = |i: u32| IpAddr::from(Ipv4Addr::from(0xc000_0200u32 + i));
        // Far more clients than fit: once the table is full, newcomers share the overflow bucket.
        let passed = (0..10_000)
            .filter(|&i| limiter.check(v4(i), t0).is_ok())
            .count();
        assert!(
            passed <= 64 + OVERFLOW_FACTOR as usize,
            "{passed} clients got a submission through"
        );
        // The first client is tracked and keeps its own, used-up bucket, even when the overflow
        // bucket has a token again (one per 450 s): it was not evicted and given a fresh one.
        let soon = t0 + Duration::from_secs(500);
        assert_eq!(limiter.check(v4(0), soon), Err(Limited));
        assert_eq!(
            limiter.check(v4(50_000), soon),
            Ok(()),
            "a newcomer: overflow"
        );
        assert_eq!(
            limiter.check(v4(50_001), soon),
            Err(Limited),
            "overflow used"
        );
        // An hour on, every bucket is full again and makes room for new clients.
        let later = t0 + Duration::from_secs(3601);
        assert_eq!(limiter.check(v4(20_000), later), Ok(()));
        assert_eq!(limiter.check(v4(20_001), later), Ok(()));
        assert!(limiter.tracked() <= 64);
    }
}
