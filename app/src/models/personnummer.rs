//! Swedish personal identity numbers (personnummer) and coordination numbers
//! (samordningsnummer) as staff type them, checked and written one way: 12 digits,
//! `YYYYMMDDXXXX`.
//!
//! Accepted: `YYYYMMDD-XXXX`, `YYYYMMDDXXXX`, `YYMMDD-XXXX`, `YYMMDDXXXX` and `YYMMDD+XXXX`. In
//! the 10-digit forms the century follows Skatteverket's rule: `-` (or none) is the latest
//! century that puts the birth date on or before today; `+` marks someone aged 100 or more, so
//! the century before that. The last digit is a Luhn check digit over the 10-digit form. A
//! samordningsnummer has 60 added to the day of birth. A date that does not exist, or has not
//! come yet, is refused.
//!
//! Plain Rust (no chrono), so the check runs in the browser too; today's date is given.
use crate::i18n::K;
use std::fmt;

/// A checked personnummer or samordningsnummer: 12 digits. Deliberately not `Serialize`, and its
/// `Debug` is masked, so it cannot end up in a log or a wire type by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Personnummer(String);

/// Why a typed personnummer was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PnrError {
    /// Not 10 or 12 digits with an allowed separator.
    Format,
    /// The date of birth does not exist (31 April, 30 February, day 0 or 32…).
    Date,
    /// The date of birth has not come yet.
    Future,
    /// The check digit does not match (a typing error).
    CheckDigit,
}

impl PnrError {
    /// The message at the field.
    pub fn message(self) -> K {
        match self {
            PnrError::Format => K::err_pnr_format,
            PnrError::Date => K::err_pnr_date,
            PnrError::Future => K::err_pnr_future,
            PnrError::CheckDigit => K::err_pnr_check,
        }
    }
}

/// A calendar date (year, month, day), such as today's in Stockholm.
pub type Ymd = (i32, u32, u32);

impl Personnummer {
    /// Checks `raw` as of `today` (Stockholm's date). Spaces around it are ignored; a dash may
    /// also be typed as an en dash or a minus sign (as word processors write it).
    pub fn parse(raw: &str, today: Ymd) -> Result<Personnummer, PnrError> {
        let s: String = raw
            .trim()
            .chars()
            .map(|c| match c {
                '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2212}' => '-',
                c => c,
            })
            .collect();
        let (digits, sep) = split(&s).ok_or(PnrError::Format)?;
        let (year, rest) = match (digits.len(), sep) {
            (12, None | Some('-')) => (i32::from(number(&digits[..4])), &digits[4..]),
            (10, _) => {
                let yy = i32::from(number(&digits[..2]));
                let (m, d) = (md(&digits[2..4]), md(&digits[4..6]));
                let year = century(yy, (m, birth_day(d)), today, sep == Some('+'));
                (year, &digits[2..])
            }
            _ => return Err(PnrError::Format),
        };
        let (month, day) = (md(&rest[..2]), md(&rest[2..4]));
        if !exists(year, month, birth_day(day)) {
            return Err(PnrError::Date);
        }
        if (year, month, birth_day(day)) > today {
            return Err(PnrError::Future);
        }
        if !luhn_ok(&rest_with_yy(year, rest)) {
            return Err(PnrError::CheckDigit);
        }
        Ok(Personnummer(format!("{year:04}{rest}")))
    }

    /// What was stored (`as_str`), if it is 12 digits; nothing is checked again.
    pub fn from_stored(s: &str) -> Option<Personnummer> {
        (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())).then(|| Personnummer(s.into()))
    }

    /// The 12 digits, `YYYYMMDDXXXX` (what is sealed and stored).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `YYYYMMDD-XXXX`, for the edit field.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..8], &self.0[8..])
    }

    /// `YYYYMMDD-****`: the date of birth without the last four digits, for reading.
    pub fn masked(&self) -> String {
        format!("{}-****", &self.0[..8])
    }

    /// A samordningsnummer (day of birth + 60) rather than a personnummer.
    pub fn is_coordination_number(&self) -> bool {
        md(&self.0[6..8]) > 60
    }
}

impl fmt::Debug for Personnummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Personnummer({})", self.masked())
    }
}

/// The digits and the separator (`-` or `+`, only before the last four digits), or `None` if
/// anything else is in the text.
fn split(s: &str) -> Option<(String, Option<char>)> {
    let mut sep = None;
    let mut digits = String::with_capacity(12);
    for (i, c) in s.char_indices() {
        match c {
            '0'..='9' => digits.push(c),
            '-' | '+' if sep.is_none() && i + 5 == s.len() && !digits.is_empty() => sep = Some(c),
            _ => return None,
        }
    }
    Some((digits, sep))
}

/// Two or four ASCII digits as a number (only called on digits).
fn number(digits: &str) -> u16 {
    digits
        .bytes()
        .fold(0, |n, b| n * 10 + u16::from(b.wrapping_sub(b'0')))
}

/// A month or a day: two digits.
fn md(digits: &str) -> u32 {
    u32::from(number(digits))
}

/// The day of birth: a samordningsnummer's day has 60 added.
fn birth_day(day: u32) -> u32 {
    if day > 60 {
        day - 60
    } else {
        day
    }
}

/// The full year of a 10-digit number's `yy`: the latest one that puts (month, day) on or before
/// `today`; with `plus` (aged 100 or more) a hundred years before that.
fn century(yy: i32, (month, day): (u32, u32), today: Ymd, plus: bool) -> i32 {
    let mut year = today.0 - (today.0 - yy).rem_euclid(100);
    if (year, month, day) > today {
        year -= 100;
    }
    if plus {
        year -= 100;
    }
    year
}

/// The 10-digit form (`YYMMDDNNNC`) the check digit is computed over.
fn rest_with_yy(year: i32, rest: &str) -> String {
    format!("{:02}{rest}", year.rem_euclid(100))
}

fn leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The date exists in the Gregorian calendar.
fn exists(year: i32, month: u32, day: u32) -> bool {
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(year) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// The Luhn check over ten digits: weights 2, 1, 2, 1… from the left, digits of each product
/// summed; the total must end in 0.
fn luhn_ok(ten: &str) -> bool {
    ten.len() == 10 && luhn_sum(ten).is_multiple_of(10)
}

fn luhn_sum(digits: &str) -> u32 {
    digits
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            d / 10 + d % 10
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Ymd = (2026, 12, 1);

    fn ok(raw: &str) -> String {
        Personnummer::parse(raw, TODAY)
            .unwrap_or_else(|e| panic!("{raw}: {e:?}"))
            .as_str()
            .to_string()
    }

    fn err(raw: &str) -> PnrError {
        Personnummer::parse(raw, TODAY).expect_err(raw)
    }

    /// `yymmddnnn` with its check digit.
    fn with_check(nine: &str) -> String {
        let sum = luhn_sum(&format!("{nine}0"));
        format!("{nine}{}", (10 - sum % 10) % 10)
    }

    #[test]
    fn the_check_digit_is_luhn_over_ten_digits() {
        // Skatteverket's own example.
        assert!(luhn_ok("8112189876"));
        assert!(!luhn_ok("8112189875"));
        assert_eq!(with_check("811218987"), "8112189876");
        assert_eq!(with_check("121212121"), "1212121212");
        assert_eq!(ok("811218-9876"), "198112189876");
        assert_eq!(err("811218-9875"), PnrError::CheckDigit);
        assert_eq!(err("19811218-9875"), PnrError::CheckDigit);
        // Every wrong last digit is caught, and so is a swapped pair of neighbours.
        for last in 0..10 {
            let raw = format!("811218987{last}");
            let r = Personnummer::parse(&raw, TODAY);
            assert_eq!(r.is_ok(), last == 6, "{raw}");
        }
        assert_eq!(err("8112189786"), PnrError::CheckDigit);
    }

    #[test]
    fn every_written_form_is_the_same_twelve_digits() {
        for raw in [
            "19811218-9876",
            "198112189876",
            "811218-9876",
            "8112189876",
            "  811218-9876 ",
            "811218\u{2013}9876",
            "19811218\u{2212}9876",
        ] {
            assert_eq!(ok(raw), "198112189876", "{raw:?}");
        }
        let p = Personnummer::parse("8112189876", TODAY).unwrap();
        assert_eq!(p.display(), "19811218-9876");
        assert_eq!(p.masked(), "19811218-****");
        assert_eq!(format!("{p:?}"), "Personnummer(19811218-****)");
        assert!(!format!("{p:?}").contains("9876"));
        assert_eq!(
            Personnummer::from_stored(p.as_str()).map(|p| p.display()),
            Some("19811218-9876".into())
        );
        assert_eq!(Personnummer::from_stored("19811218-9876"), None);
    }

    #[test]
    fn anything_else_is_a_format_error() {
        for raw in [
            "",
            "-",
            "811218987",
            "81121898760",
            "1981121898760",
            "811218 9876",
            "81121-89876",
            "811218--9876",
            "811218-+9876",
            "19811218+9876",
            "+8112189876",
            "8112189876-",
            "abcdefghij",
            "८११२१८९८७६",
            "811218/9876",
        ] {
            assert_eq!(err(raw), PnrError::Format, "{raw:?}");
        }
    }

    #[test]
    fn the_century_comes_from_the_separator_and_today() {
        // `-` or none: the latest century not in the future.
        let n = with_check("261201123");
        assert_eq!(ok(&n), format!("2026{}", &n[2..]), "born today");
        let n = with_check("261202123");
        assert_eq!(
            ok(&n),
            format!("1926{}", &n[2..]),
            "tomorrow's date: 100 years ago"
        );
        let n = with_check("000101123");
        assert_eq!(ok(&n), format!("2000{}", &n[2..]));
        let n = with_check("990101123");
        assert_eq!(
            ok(&format!("{}-{}", &n[..6], &n[6..])),
            format!("1999{}", &n[2..])
        );
        // `+`: aged 100 or more, so a hundred years before.
        let n = with_check("200101123");
        assert_eq!(
            ok(&format!("{}+{}", &n[..6], &n[6..])),
            format!("1920{}", &n[2..])
        );
        let n = with_check("261201123");
        assert_eq!(
            ok(&format!("{}+{}", &n[..6], &n[6..])),
            format!("1926{}", &n[2..]),
            "100 years old today"
        );
        let n = with_check("261202123");
        assert_eq!(
            ok(&format!("{}+{}", &n[..6], &n[6..])),
            format!("1826{}", &n[2..]),
            "100 tomorrow: the century before"
        );
        // Around a new year.
        let new_year = (2027, 1, 1);
        let n = with_check("261231123");
        let p = Personnummer::parse(&n, new_year).unwrap();
        assert_eq!(p.as_str(), format!("2026{}", &n[2..]));
        let n = with_check("270101123");
        let p = Personnummer::parse(&n, new_year).unwrap();
        assert_eq!(p.as_str(), format!("2027{}", &n[2..]));
    }

    #[test]
    fn a_date_that_does_not_exist_or_has_not_come_is_refused() {
        for nine in [
            "810230123", // 30 February
            "810229123", // 1981 is no leap year
            "810431123", // 31 April
            "811300123", // month 13
            "810000123", // month 0
            "810100123", // day 0
            "810132123", // day 32
            "810160123", // samordningsnummer day 0
            "810192123", // samordningsnummer day 32
        ] {
            assert_eq!(err(&with_check(nine)), PnrError::Date, "{nine}");
        }
        assert!(Personnummer::parse(&with_check("000229123"), TODAY).is_ok());
        assert_eq!(
            err(&format!("1900{}", with_check("000229123").split_at(2).1)),
            PnrError::Date,
            "1900 was no leap year"
        );
        assert_eq!(
            err(&format!("2027{}", with_check("270101123").split_at(2).1)),
            PnrError::Future
        );
        assert_eq!(
            err(&format!("2026{}", with_check("261202123").split_at(2).1)),
            PnrError::Future
        );
    }

    #[test]
    fn samordningsnummer_have_sixty_added_to_the_day() {
        // A published example of a samordningsnummer.
        let p = Personnummer::parse("701063-2391", TODAY).unwrap();
        assert_eq!(p.as_str(), "197010632391");
        assert!(p.is_coordination_number());
        assert_eq!(p.masked(), "19701063-****");
        assert!(!Personnummer::parse("811218-9876", TODAY)
            .unwrap()
            .is_coordination_number());
        // The century is decided by the real day (3 December, not the 63rd).
        let n = with_check("261263123");
        assert_eq!(ok(&n), format!("1926{}", &n[2..]));
        assert_eq!(err(&with_check("810291123")), PnrError::Date);
        assert!(Personnummer::parse(&with_check("810191123"), TODAY).is_ok());
    }

    #[test]
    fn every_error_has_a_message() {
        for e in [
            PnrError::Format,
            PnrError::Date,
            PnrError::Future,
            PnrError::CheckDigit,
        ] {
            let text = crate::i18n::text(crate::i18n::Lang::Sv, e.message());
            assert!(!text.is_empty(), "{e:?}");
        }
    }
}
