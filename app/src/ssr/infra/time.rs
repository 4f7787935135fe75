//! Times are stored in UTC and shown in Europe/Stockholm, as Digg's guidelines write them.
use crate::i18n::{long_date, text, Lang, K};
use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Europe::Stockholm;

/// "23 november 2026 kl. 14.30" (Swedish), "23 November 2026 at 14:30" (English).
pub fn long_date_time(at: DateTime<Utc>, lang: Lang) -> String {
    let local = at.with_timezone(&Stockholm);
    let sep = if lang == Lang::Sv { '.' } else { ':' };
    format!(
        "{} {} {:02}{sep}{:02}",
        long_date(lang, local.year(), local.month(), local.day()),
        text(lang, K::date_at),
        local.hour(),
        local.minute()
    )
}

/// "2026-11-23" in Stockholm: dates in tables and lists.
pub fn iso_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&Stockholm).format("%Y-%m-%d").to_string()
}

/// "2026-11-23 kl. 14.30" in Stockholm: when something happened, in lists and histories.
pub fn date_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Stockholm)
        .format("%Y-%m-%d kl. %H.%M")
        .to_string()
}

/// "14.30" in Stockholm.
pub fn clock_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Stockholm).format("%H.%M").to_string()
}

/// "2026-11-23 14.30.05" in Stockholm: the audit log, where seconds matter.
pub fn table_date_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Stockholm)
        .format("%Y-%m-%d %H.%M.%S")
        .to_string()
}

/// The UTC instant a Stockholm calendar day starts (`end_of_day`: the next day's start).
pub fn stockholm_day_start(y: i32, m: u32, d: u32, next_day: bool) -> Option<DateTime<Utc>> {
    let mut date = chrono::NaiveDate::from_ymd_opt(y, m, d)?;
    if next_day {
        date = date.succ_opt()?;
    }
    stockholm_instant((date.year(), date.month(), date.day()), (0, 0))
}

/// The UTC instant of a Stockholm wall-clock time. In the autumn's repeated hour the first one
/// is meant; a time in the spring's skipped hour does not exist (`None`).
pub fn stockholm_instant(
    (y, m, d): (i32, u32, u32),
    (h, min): (u32, u32),
) -> Option<DateTime<Utc>> {
    use chrono::{NaiveDate, TimeZone};
    let local = NaiveDate::from_ymd_opt(y, m, d)?.and_hms_opt(h, min, 0)?;
    Some(
        Stockholm
            .from_local_datetime(&local)
            .earliest()?
            .with_timezone(&Utc),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn shows_stockholm_time_in_winter_and_summer() {
        let winter = Utc
            .with_ymd_and_hms(2026, 11, 23, 13, 30, 0)
            .single()
            .expect("valid");
        assert_eq!(
            long_date_time(winter, Lang::Sv),
            "23 november 2026 kl. 14.30"
        );
        let summer = Utc
            .with_ymd_and_hms(2026, 7, 1, 22, 5, 0)
            .single()
            .expect("valid");
        assert_eq!(long_date_time(summer, Lang::Sv), "2 juli 2026 kl. 00.05");
    }

    #[test]
    fn stockholm_wall_clock_becomes_utc() {
        let winter = stockholm_instant((2026, 12, 3), (14, 30)).expect("exists");
        assert_eq!(winter.to_rfc3339(), "2026-12-03T13:30:00+00:00");
        let summer = stockholm_instant((2026, 6, 19), (10, 0)).expect("exists");
        assert_eq!(summer.to_rfc3339(), "2026-06-19T08:00:00+00:00");
        // 29 March 2026: 02.00 jumps to 03.00.
        assert_eq!(stockholm_instant((2026, 3, 29), (2, 30)), None);
        assert_eq!(stockholm_instant((2026, 2, 30), (10, 0)), None);
    }
}
