//! Working days in Swedish municipal work, and the first-contact promise counted in them.
//!
//! A team promises first contact within N working days (`teams.first_contact_days`). Weekends and
//! Swedish public holidays (lag (1989:253) om allmänna helgdagar, and nationaldagen) do not count,
//! nor do the three eves that are days off in municipal agreements in practice (midsommarafton,
//! julafton, nyårsafton): they are not public holidays by law, but a hälsolots is not at work then,
//! so a promise that counted them would be broken by the calendar. Påskafton and pingstafton are
//! always Saturdays. Everything is counted in Europe/Stockholm calendar days.
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Stockholm;

/// Easter Sunday of `year` (Gregorian calendar; the anonymous computus of Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The Saturday in `month` from day `first` to `first + 6` (midsommardagen, alla helgons dag).
fn saturday_from(year: i32, month: u32, first: u32) -> Option<NaiveDate> {
    let start = NaiveDate::from_ymd_opt(year, month, first)?;
    let ahead =
        (Weekday::Sat.num_days_from_monday() + 7 - start.weekday().num_days_from_monday()) % 7;
    start.checked_add_signed(Duration::days(i64::from(ahead)))
}

/// Public holidays and the municipal days off of `year` that are not weekends by nature, with their
/// Swedish names (some fall on a weekend in a given year; that does not matter).
pub fn days_off(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let mut out = Vec::new();
    let fixed = [
        (1, 1, "nyårsdagen"),
        (1, 6, "trettondedag jul"),
        (5, 1, "första maj"),
        (6, 6, "Sveriges nationaldag"),
        (12, 24, "julafton"),
        (12, 25, "juldagen"),
        (12, 26, "annandag jul"),
        (12, 31, "nyårsafton"),
    ];
    for (m, d, name) in fixed {
        if let Some(date) = NaiveDate::from_ymd_opt(year, m, d) {
            out.push((date, name));
        }
    }
    if let Some(easter) = easter_sunday(year) {
        for (offset, name) in [
            (-2, "långfredagen"),
            (0, "påskdagen"),
            (1, "annandag påsk"),
            (39, "Kristi himmelsfärdsdag"),
            (49, "pingstdagen"),
        ] {
            if let Some(date) = easter.checked_add_signed(Duration::days(offset)) {
                out.push((date, name));
            }
        }
    }
    if let Some(midsummer) = saturday_from(year, 6, 20) {
        out.push((midsummer, "midsommardagen"));
        if let Some(eve) = midsummer.pred_opt() {
            out.push((eve, "midsommarafton"));
        }
    }
    if let Some(all_saints) = saturday_from(year, 10, 31) {
        out.push((all_saints, "alla helgons dag"));
    }
    out.sort();
    out
}

/// Whether `date` is a working day: Monday to Friday and not a day off.
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
        && !days_off(date.year()).iter().any(|(d, _)| *d == date)
}

/// The first working day on or after `date`.
fn working_day_on_or_after(mut date: NaiveDate) -> Option<NaiveDate> {
    // At most a handful of days off in a row (julafton to annandag jul and a weekend).
    for _ in 0..31 {
        if is_working_day(date) {
            return Some(date);
        }
        date = date.succ_opt()?;
    }
    None
}

/// The Stockholm calendar day of `at`.
pub fn stockholm_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Stockholm).date_naive()
}

/// When the first contact is due for a request received at `received_at`, with `n` working days
/// promised: the end of the n-th working day after the day it arrived. A request that arrives on a
/// weekend or a day off counts from the next working day, as if it had arrived then; so `n = 1`
/// means "by the end of the next working day" and `n = 0` "the same working day". The answer is the
/// instant that day ends in Stockholm (the next day's midnight, whatever the time offset).
pub fn first_contact_due(received_at: DateTime<Utc>, n: u32) -> Option<DateTime<Utc>> {
    let mut day = working_day_on_or_after(stockholm_date(received_at))?;
    for _ in 0..n {
        day = working_day_on_or_after(day.succ_opt()?)?;
    }
    let end = day.succ_opt()?.and_hms_opt(0, 0, 0)?;
    // Stockholm changes its offset at 02.00/03.00, so midnight always exists exactly once.
    Some(
        Stockholm
            .from_local_datetime(&end)
            .earliest()?
            .with_timezone(&Utc),
    )
}

/// Whether the promised first contact (n working days) for a request received at `received_at` has
/// passed at `now`.
pub fn is_overdue(received_at: DateTime<Utc>, n: u32, now: DateTime<Utc>) -> bool {
    first_contact_due(received_at, n).is_some_and(|due| now >= due)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    /// A Stockholm local time as UTC.
    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Stockholm
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("unambiguous")
            .with_timezone(&Utc)
    }

    fn named(y: i32, name: &str) -> NaiveDate {
        days_off(y)
            .into_iter()
            .find(|(_, n)| *n == name)
            .map(|(d, _)| d)
            .expect(name)
    }

    #[test]
    fn easter_by_the_computus_matches_the_almanac() {
        let known = [
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2029, 4, 1),
            (2030, 4, 21),
            (2038, 4, 25),
        ];
        for (y, m, d) in known {
            assert_eq!(easter_sunday(y), Some(date(y, m, d)), "{y}");
        }
    }

    #[test]
    fn movable_holidays_follow_easter_and_the_saturdays() {
        // Almanackan: långfredag, annandag påsk, Kristi himmelsfärd, pingstdagen.
        let easter_based = [
            (2024, (3, 29), (4, 1), (5, 9), (5, 19)),
            (2025, (4, 18), (4, 21), (5, 29), (6, 8)),
            (2026, (4, 3), (4, 6), (5, 14), (5, 24)),
            (2027, (3, 26), (3, 29), (5, 6), (5, 16)),
            (2028, (4, 14), (4, 17), (5, 25), (6, 4)),
            (2029, (3, 30), (4, 2), (5, 10), (5, 20)),
            (2030, (4, 19), (4, 22), (5, 30), (6, 9)),
        ];
        for (y, fri, mon, asc, pent) in easter_based {
            assert_eq!(named(y, "långfredagen"), date(y, fri.0, fri.1), "{y}");
            assert_eq!(named(y, "annandag påsk"), date(y, mon.0, mon.1), "{y}");
            assert_eq!(
                named(y, "Kristi himmelsfärdsdag"),
                date(y, asc.0, asc.1),
                "{y}"
            );
            assert_eq!(named(y, "pingstdagen"), date(y, pent.0, pent.1), "{y}");
            assert_eq!(date(y, asc.0, asc.1).weekday(), Weekday::Thu);
        }
        // Midsommardagen (Saturday 20–26 June) and alla helgons dag (Saturday 31 Oct–6 Nov).
        let saturdays = [
            (2024, 22, (11, 2)),
            (2025, 21, (11, 1)),
            (2026, 20, (10, 31)),
            (2027, 26, (11, 6)),
            (2028, 24, (11, 4)),
            (2029, 23, (11, 3)),
            (2030, 22, (11, 2)),
        ];
        for (y, june, (m, d)) in saturdays {
            assert_eq!(named(y, "midsommardagen"), date(y, 6, june), "{y}");
            assert_eq!(named(y, "midsommarafton"), date(y, 6, june - 1), "{y}");
            assert_eq!(named(y, "alla helgons dag"), date(y, m, d), "{y}");
        }
    }

    #[test]
    fn working_days_skip_weekends_holidays_and_the_eves() {
        assert!(is_working_day(date(2026, 11, 30)), "a Monday");
        assert!(!is_working_day(date(2026, 11, 28)), "a Saturday");
        assert!(
            !is_working_day(date(2026, 6, 19)),
            "midsommarafton, a Friday"
        );
        assert!(!is_working_day(date(2026, 6, 6)), "nationaldagen");
        assert!(!is_working_day(date(2025, 12, 24)), "julafton, a Wednesday");
        assert!(!is_working_day(date(2025, 12, 31)), "nyårsafton");
        assert!(!is_working_day(date(2026, 1, 6)), "trettondedag jul");
        assert!(!is_working_day(date(2026, 5, 1)), "första maj");
        assert!(
            is_working_day(date(2026, 4, 2)),
            "skärtorsdagen is a working day"
        );
        assert!(is_working_day(date(2026, 12, 23)));
    }

    #[test]
    fn a_request_on_a_working_day_is_due_at_the_end_of_the_nth_next() {
        // Monday 30 November 2026, 10.00; two working days: the end of Wednesday.
        let got = first_contact_due(local(2026, 11, 30, 10, 0), 2);
        assert_eq!(got, Some(local(2026, 12, 3, 0, 0)));
        // The same working day with n = 0; Friday to Monday with n = 1.
        assert_eq!(
            first_contact_due(local(2026, 11, 30, 23, 59), 0),
            Some(local(2026, 12, 1, 0, 0))
        );
        assert_eq!(
            first_contact_due(local(2026, 11, 27, 16, 0), 1),
            Some(local(2026, 12, 1, 0, 0))
        );
    }

    #[test]
    fn a_weekend_request_counts_from_the_next_working_day() {
        // Saturday and Sunday count as Monday 30 November: n = 1 is due at the end of Tuesday.
        for day in [28, 29] {
            assert_eq!(
                first_contact_due(local(2026, 11, day, 12, 0), 1),
                Some(local(2026, 12, 2, 0, 0))
            );
        }
    }

    #[test]
    fn maundy_thursday_evening_waits_for_easter() {
        // Skärtorsdagen 2 April 2026, 20.00: långfredagen, the weekend and annandag påsk do not
        // count, so one working day is Tuesday 7 April.
        let thursday = local(2026, 4, 2, 20, 0);
        assert_eq!(
            first_contact_due(thursday, 1),
            Some(local(2026, 4, 8, 0, 0))
        );
        assert!(!is_overdue(thursday, 1, local(2026, 4, 7, 23, 59)));
        assert!(is_overdue(thursday, 1, local(2026, 4, 8, 0, 0)));
    }

    #[test]
    fn christmas_and_new_year() {
        // Tuesday 22 December 2026 with three working days: 23 Dec, then julafton, juldagen,
        // annandag jul and the weekend are off; 28 and 29 Dec. Due at the end of 29 December.
        let got = first_contact_due(local(2026, 12, 22, 9, 0), 3);
        assert_eq!(got, Some(local(2026, 12, 30, 0, 0)));
        // Received on julafton 2025 (a Wednesday): counts from Monday 29 December; 30 Dec, then
        // nyårsafton, nyårsdagen, the weekend; 2 January is a Friday.
        let got = first_contact_due(local(2025, 12, 24, 11, 0), 2);
        assert_eq!(got, Some(local(2026, 1, 3, 0, 0)));
    }

    #[test]
    fn midsummer_and_all_saints() {
        // Thursday 18 June 2026, one working day: midsommarafton and the weekend → Monday 22.
        assert_eq!(
            first_contact_due(local(2026, 6, 18, 15, 0), 1),
            Some(local(2026, 6, 23, 0, 0))
        );
        // Friday 30 October 2026 (alla helgons dag is the Saturday after, no extra day off).
        assert_eq!(
            first_contact_due(local(2026, 10, 30, 15, 0), 1),
            Some(local(2026, 11, 3, 0, 0))
        );
    }

    #[test]
    fn the_day_ends_at_stockholm_midnight_across_summer_time_changes() {
        // Summer time begins on Sunday 29 March 2026: Friday 27 March, one working day → the end of
        // Monday 30 March, which is 22.00 UTC (UTC+2), not 23.00.
        let due = first_contact_due(local(2026, 3, 27, 12, 0), 1).expect("due");
        assert_eq!(due, local(2026, 3, 31, 0, 0));
        assert_eq!(due.to_rfc3339(), "2026-03-30T22:00:00+00:00");
        // Winter time begins on Sunday 25 October 2026.
        let due = first_contact_due(local(2026, 10, 23, 12, 0), 1).expect("due");
        assert_eq!(due.to_rfc3339(), "2026-10-26T23:00:00+00:00");
        // Late on a Friday evening in UTC is already Saturday in Stockholm in summer.
        let late = Utc
            .with_ymd_and_hms(2026, 6, 26, 22, 30, 0)
            .single()
            .expect("t");
        assert_eq!(stockholm_date(late), date(2026, 6, 27));
    }

    #[test]
    fn every_year_has_its_days_off() {
        for y in 2000..2100 {
            let days = days_off(y);
            assert_eq!(days.len(), 16, "{y}");
            for (d, name) in days {
                let sunday_by_nature = matches!(name, "påskdagen" | "pingstdagen");
                let saturday_by_nature = matches!(name, "midsommardagen" | "alla helgons dag");
                assert!(
                    !sunday_by_nature || d.weekday() == Weekday::Sun,
                    "{y} {name}"
                );
                assert!(
                    !saturday_by_nature || d.weekday() == Weekday::Sat,
                    "{y} {name}"
                );
                assert!(!is_working_day(d));
            }
        }
    }
}
