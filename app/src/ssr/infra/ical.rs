//! A minimal iCalendar writer (RFC 5545) for the private calendar feeds: a VCALENDAR of VEVENTs
//! with lines ending in CRLF, text values escaped (§3.3.11) and lines folded at 75 octets
//! (§3.1), never inside a UTF-8 character (Swedish and Arabic place names are multi-byte).
use chrono::{DateTime, Utc};

/// One event as a calendar app shows it. Times are written in UTC (`…Z`), so the feed needs no
/// VTIMEZONE and every app shows them in its own zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub uid: String,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub summary: String,
    pub location: String,
}

/// The most octets of a line before its CRLF.
const LINE_OCTETS: usize = 75;

/// A whole calendar named `name`, stamped `now` (DTSTAMP: when this answer was made).
pub fn calendar(name: &str, events: &[Event], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Halsolots//Kalender//SV",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_line(&mut out, line);
    }
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    let stamp = utc(now);
    for e in events {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}", escape(&e.uid)));
        push_line(&mut out, &format!("DTSTAMP:{stamp}"));
        push_line(&mut out, &format!("DTSTART:{}", utc(e.starts)));
        push_line(&mut out, &format!("DTEND:{}", utc(e.ends)));
        push_line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
        push_line(&mut out, &format!("LOCATION:{}", escape(&e.location)));
        push_line(&mut out, "STATUS:CONFIRMED");
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

/// `20261203T133000Z`.
fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value: backslash, semicolon, comma and newlines escaped; other control characters
/// (not allowed in TEXT) dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                // CRLF is one newline.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded: at most 75 octets per physical line, continuations starting with one
/// space (which counts towards their 75), each ending in CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, h, 30, 0)
            .single()
            .unwrap()
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(escape("rad 1\nrad 2\r\nrad 3"), r"rad 1\nrad 2\nrad 3");
        assert_eq!(escape("tab\there\u{7}"), "tabhere");
        assert_eq!(escape("Biblioteket: Högsby"), "Biblioteket: Högsby");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        let long = format!("LOCATION:{}", "åäö".repeat(40));
        push_line(&mut out, &long);
        assert!(out.ends_with("\r\n"));
        let lines: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() > 1);
        for (i, l) in lines.iter().enumerate() {
            assert!(l.len() <= 75, "line {i} has {} octets", l.len());
            if i > 0 {
                assert!(l.starts_with(' '));
            }
        }
        // Unfolding gives the line back.
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
        // A line of exactly 75 octets is not folded.
        let mut out = String::new();
        push_line(&mut out, &"x".repeat(75));
        assert_eq!(out, format!("{}\r\n", "x".repeat(75)));
    }

    #[test]
    fn a_calendar_has_crlf_lines_and_utc_times() {
        let ics = calendar(
            "Hälsolots",
            &[Event {
                uid: "meeting-7@halsolots".into(),
                starts: at(13),
                ends: at(14),
                summary: "Möte #12".into(),
                location: "Kontoret, rum 2; vån 1".into(),
            }],
            at(8),
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        // Every newline is part of a CRLF.
        assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
        for line in [
            "UID:meeting-7@halsolots",
            "DTSTAMP:20261203T083000Z",
            "DTSTART:20261203T133000Z",
            "DTEND:20261203T143000Z",
            "SUMMARY:Möte #12",
            r"LOCATION:Kontoret\, rum 2\; vån 1",
            "STATUS:CONFIRMED",
        ] {
            assert!(ics.contains(&format!("\r\n{line}\r\n")), "{line} in {ics}");
        }
    }
}
