//! The time "now", as the server sees it: real time, unless a test set it. Every holder of one
//! `Clock` (the state is cloned into every handler and the job runner) shares the same time, so
//! a test that moves it forward moves it for the whole app: sessions end, jobs fall due.
use chrono::{DateTime, TimeDelta, Utc};
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Clone, Copy, Debug)]
enum Mode {
    /// Real time plus an offset (zero unless a test moved the clock forward).
    Real { offset: TimeDelta },
    /// Stands still at this instant until set or moved again.
    Fixed(DateTime<Utc>),
}

/// A cheap handle on the shared time (an `Arc` inside).
#[derive(Clone, Debug)]
pub struct Clock(Arc<Mutex<Mode>>);

impl Default for Clock {
    fn default() -> Self {
        Clock::real()
    }
}

impl Clock {
    /// Real time.
    pub fn real() -> Self {
        Clock(Arc::new(Mutex::new(Mode::Real {
            offset: TimeDelta::zero(),
        })))
    }

    /// A clock that stands at `at` (tests).
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock(Arc::new(Mutex::new(Mode::Fixed(at))))
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        match *self.0.lock().unwrap_or_else(PoisonError::into_inner) {
            Mode::Real { offset } => Utc::now() + offset,
            Mode::Fixed(at) => at,
        }
    }

    /// From now on the time stands at `at`, for every holder of this clock (tests).
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Mode::Fixed(at);
    }

    /// From now on the time runs from `at`: real time plus the offset that makes now `at` (the
    /// end-to-end tests' clock file; time keeps moving, so sessions and limits behave as live).
    pub fn run_from(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Mode::Real {
            offset: at - Utc::now(),
        };
    }

    /// Follows `path` (end-to-end tests only, `HALSOLOTS_CLOCK_FILE`): whenever the file holds a
    /// new RFC 3339 instant, the time runs from it. Polled, so a test writes the file and waits
    /// a moment; a missing or unreadable file leaves the time as it is.
    pub fn follow_file(&self, path: std::path::PathBuf) -> tokio::task::JoinHandle<()> {
        let clock = self.clone();
        tokio::spawn(async move {
            let mut last = String::new();
            loop {
                if let Ok(text) = tokio::fs::read_to_string(&path).await {
                    let text = text.trim().to_string();
                    if text != last {
                        if let Ok(at) = DateTime::parse_from_rfc3339(&text) {
                            clock.run_from(at.with_timezone(&Utc));
                            tracing::warn!(at = %text, "the clock was set from HALSOLOTS_CLOCK_FILE");
                        }
                        last = text;
                    }
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        })
    }

    /// Moves the time by `by` (forward when positive), for every holder of this clock: a fixed
    /// clock stays fixed at the new instant, a running one keeps running ahead by `by` (tests).
    pub fn advance(&self, by: TimeDelta) {
        let mut mode = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *mode = match *mode {
            Mode::Real { offset } => Mode::Real {
                offset: offset + by,
            },
            Mode::Fixed(at) => Mode::Fixed(at + by),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_on_from_an_instant() {
        let clock = Clock::default();
        let at = Utc::now() + TimeDelta::days(7);
        clock.run_from(at);
        let now = clock.now();
        assert!(
            now >= at && now - at < TimeDelta::seconds(5),
            "{now} vs {at}"
        );
    }

    #[test]
    fn real_by_default_and_shared_when_set_or_moved() {
        let clock = Clock::default();
        let before = Utc::now();
        let now = clock.now();
        assert!(now >= before && now - before < TimeDelta::seconds(5));

        let other = clock.clone();
        clock.advance(TimeDelta::days(2));
        let ahead = other.now() - Utc::now();
        assert!(
            ahead > TimeDelta::days(2) - TimeDelta::seconds(5),
            "{ahead}"
        );

        let t = DateTime::parse_from_rfc3339("2026-12-24T15:00:00Z")
            .expect("valid")
            .with_timezone(&Utc);
        other.set(t);
        assert_eq!(clock.now(), t);
        clock.advance(TimeDelta::hours(1));
        assert_eq!(other.now(), t + TimeDelta::hours(1));
    }
}
