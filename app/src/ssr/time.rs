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
}
