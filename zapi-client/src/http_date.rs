//! HTTP dates (RFC 9110, section 5.6.7) for `Retry-After`: the IMF-fixdate
//! every server sends (`Sun, 06 Nov 1994 08:49:37 GMT`) and the two obsolete
//! forms a recipient must still accept (`Sunday, 06-Nov-94 08:49:37 GMT`,
//! `Sun Nov  6 08:49:37 1994`). About sixty lines instead of a dependency:
//! one header, read only to bound a retry's wait. The weekday is not checked
//! against the date (the RFC lets a recipient ignore it).

use std::time::{Duration, SystemTime};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The instant `value` names, or `None` when it is no HTTP date.
pub(crate) fn parse(value: &str) -> Option<SystemTime> {
    let fields: Vec<&str> = value.split_ascii_whitespace().collect();
    let (day, month, year, time) = match fields.as_slice() {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        [weekday, day, month, year, time, "GMT"] if weekday.ends_with(',') => {
            (*day, *month, year.parse().ok()?, *time)
        }
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (a two-digit year: the
        // century that puts it at most 50 years ahead, per the RFC; 19xx or
        // 20xx is close enough for a retry's wait).
        [weekday, date, time, "GMT"] if weekday.ends_with(',') => {
            let mut parts = date.split('-');
            let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() || year.len() != 2 {
                return None;
            }
            let year: u64 = year.parse().ok()?;
            (
                day,
                month,
                if year < 70 { 2000 + year } else { 1900 + year },
                *time,
            )
        }
        // asctime: Sun Nov  6 08:49:37 1994
        [_, month, day, time, year] => (*day, *month, year.parse().ok()?, *time),
        _ => return None,
    };
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let day: u64 = digits(day, 1..=2)?;
    let mut clock = time.split(':');
    let hour: u64 = digits(clock.next()?, 2..=2)?;
    let minute: u64 = digits(clock.next()?, 2..=2)?;
    let second: u64 = digits(clock.next()?, 2..=2)?;
    if clock.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    if !(1970..=9999).contains(&year) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_since_epoch(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// ASCII digits only, of a length within `lengths`.
fn digits(text: &str, lengths: std::ops::RangeInclusive<usize>) -> Option<u64> {
    (lengths.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn is_leap(year: u64) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to `year`-`month`-`day` (year 1970 or later).
fn days_since_epoch(year: u64, month: u64, day: u64) -> u64 {
    let years: u64 = (1970..year)
        .map(|y| if is_leap(y) { 366 } else { 365 })
        .sum();
    let months: u64 = (1..month).map(|m| days_in_month(year, m)).sum();
    years + months + day - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> Option<SystemTime> {
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
    }

    #[test]
    fn the_three_forms_of_the_rfc_example_are_the_same_instant() {
        // RFC 9110's example: 784111777 seconds after the epoch.
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), at(784_111_777));
        assert_eq!(parse("Sunday, 06-Nov-94 08:49:37 GMT"), at(784_111_777));
        assert_eq!(parse("Sun Nov  6 08:49:37 1994"), at(784_111_777));
    }

    #[test]
    fn boundaries_of_the_calendar() {
        assert_eq!(parse("Thu, 01 Jan 1970 00:00:00 GMT"), at(0));
        assert_eq!(parse("Thu, 29 Feb 2024 23:59:59 GMT"), at(1_709_251_199));
        assert_eq!(parse("Fri, 01 Mar 2024 00:00:00 GMT"), at(1_709_251_200));
        assert_eq!(parse("Fri, 31 Dec 9999 23:59:59 GMT"), at(253_402_300_799));
        assert_eq!(parse("Wed, 01 Jan 2070 00:00:00 GMT"), at(3_155_760_000));
        // Leap second: the RFC's grammar allows 60.
        assert!(parse("Sat, 31 Dec 2016 23:59:60 GMT").is_some());
    }

    #[test]
    fn what_is_no_http_date_is_refused() {
        for bad in [
            "",
            "120",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 29 Feb 2023 00:00:00 GMT",
            "Sun, 31 Apr 2024 00:00:00 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:61 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
            "Sun, 06 Nov 10000 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 18446744073709551616 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sunday, 06-Nov-94-1 08:49:37 GMT",
            "Sun Nov  6 08:49:37",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    proptest::proptest! {
        /// Every second of the range round-trips through the IMF-fixdate
        /// text (written here from the civil date), and no text panics.
        #[test]
        fn imf_fixdates_round_trip(seconds in 0u64..253_402_300_800) {
            let days = seconds / 86_400;
            let (mut year, mut left) = (1970, days);
            while left >= if is_leap(year) { 366 } else { 365 } {
                left -= if is_leap(year) { 366 } else { 365 };
                year += 1;
            }
            let mut month = 1;
            while left >= days_in_month(year, month) {
                left -= days_in_month(year, month);
                month += 1;
            }
            let clock = seconds % 86_400;
            let text = format!(
                "Mon, {:02} {} {year} {:02}:{:02}:{:02} GMT",
                left + 1,
                MONTHS[month as usize - 1],
                clock / 3600,
                clock / 60 % 60,
                clock % 60
            );
            proptest::prop_assert_eq!(parse(&text), at(seconds));
        }

        #[test]
        fn no_text_panics(text in "\\PC{0,40}") {
            let _ = parse(&text);
        }
    }
}
