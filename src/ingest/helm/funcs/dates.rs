// ---------------------------------------------------------------------------------------
// Sprig: dates. `now` is fixed; "Local" is UTC; other zones fall back to UTC.
// ---------------------------------------------------------------------------------------

use std::fmt::Write as _;

use super::paths::dispatch_paths;
use super::sprintf::go_quote;
use super::{R, arity, bytes_to_string, str_arg, type_error};
use crate::ingest::helm::value::{V, Value};

/// A Go `time.Time`: an instant and the zone it is shown in.
#[derive(Debug, Clone, PartialEq)]
struct GoTime {
    unix: i64,
    nsec: u32,
    offset: i32,
    zone: String,
}

/// 2024-01-01T00:00:00Z, what `now` returns.
const NOW_UNIX: i64 = 1_704_067_200;
/// How Go's `Time.String` lays a time out (and how times travel between functions here).
const TIME_STRING_LAYOUT: &str = "2006-01-02 15:04:05.999999999 -0700 MST";

impl GoTime {
    fn utc(unix: i64, nsec: u32) -> GoTime {
        GoTime {
            unix,
            nsec,
            offset: 0,
            zone: "UTC".into(),
        }
    }

    fn now() -> GoTime {
        GoTime::utc(NOW_UNIX, 0)
    }

    fn zero() -> GoTime {
        GoTime::utc(-62_135_596_800, 0)
    }

    fn in_utc(&self) -> GoTime {
        GoTime::utc(self.unix, self.nsec)
    }

    /// Nanoseconds since the epoch.
    fn nanos(&self) -> i128 {
        i128::from(self.unix) * 1_000_000_000 + i128::from(self.nsec)
    }

    fn add_nanos(&self, d: i64) -> GoTime {
        let n = self.nanos() + i128::from(d);
        GoTime {
            unix: n.div_euclid(1_000_000_000) as i64,
            nsec: n.rem_euclid(1_000_000_000) as u32,
            ..self.clone()
        }
    }

    fn to_go_string(&self) -> String {
        format_time(self, TIME_STRING_LAYOUT)
    }

    /// A time as the template passed it: a time printed by Go, or nothing.
    fn from_value(v: &Value) -> Option<GoTime> {
        parse_time(TIME_STRING_LAYOUT, v.as_str()?).ok()
    }
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// One element of a Go layout.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    Pm,
    PmLower,
    Tz,
    Iso8601Tz,
    Iso8601SecondsTz,
    Iso8601ShortTz,
    Iso8601ColonTz,
    Iso8601ColonSecondsTz,
    NumTz,
    NumSecondsTz,
    NumShortTz,
    NumColonTz,
    NumColonSecondsTz,
    /// `.000` (fixed digits) or `.999` (trailing zeros dropped), and the separator.
    Frac {
        digits: usize,
        trim: bool,
        sep: u8,
    },
}

/// Go's `nextStdChunk`: (literal prefix length, element, element length).
fn next_std_chunk(layout: &[u8]) -> Option<(usize, Std, usize)> {
    let has = |i: usize, s: &str| layout.get(i..i + s.len()) == Some(s.as_bytes());
    let starts_lower = |i: usize| layout.get(i).is_some_and(u8::is_ascii_lowercase);
    for i in 0..layout.len() {
        let found = match layout[i] {
            b'J' if has(i, "January") => Some((Std::LongMonth, 7)),
            b'J' if has(i, "Jan") && !starts_lower(i + 3) => Some((Std::Month, 3)),
            b'M' if has(i, "Monday") => Some((Std::LongWeekDay, 6)),
            b'M' if has(i, "Mon") && !starts_lower(i + 3) => Some((Std::WeekDay, 3)),
            b'M' if has(i, "MST") => Some((Std::Tz, 3)),
            b'0' if layout.get(i + 1).is_some_and(|c| (b'1'..=b'6').contains(c)) => Some((
                match layout[i + 1] {
                    b'1' => Std::ZeroMonth,
                    b'2' => Std::ZeroDay,
                    b'3' => Std::ZeroHour12,
                    b'4' => Std::ZeroMinute,
                    b'5' => Std::ZeroSecond,
                    _ => Std::Year,
                },
                2,
            )),
            b'0' if has(i, "002") => Some((Std::ZeroYearDay, 3)),
            b'1' if has(i, "15") => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if has(i, "2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if has(i, "_2006") => return Some((i + 1, Std::LongYear, 4)),
            b'_' if has(i, "_2") => Some((Std::UnderDay, 2)),
            b'_' if has(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if has(i, "PM") => Some((Std::Pm, 2)),
            b'p' if has(i, "pm") => Some((Std::PmLower, 2)),
            b'-' if has(i, "-070000") => Some((Std::NumSecondsTz, 7)),
            b'-' if has(i, "-07:00:00") => Some((Std::NumColonSecondsTz, 9)),
            b'-' if has(i, "-0700") => Some((Std::NumTz, 5)),
            b'-' if has(i, "-07:00") => Some((Std::NumColonTz, 6)),
            b'-' if has(i, "-07") => Some((Std::NumShortTz, 3)),
            b'Z' if has(i, "Z070000") => Some((Std::Iso8601SecondsTz, 7)),
            b'Z' if has(i, "Z07:00:00") => Some((Std::Iso8601ColonSecondsTz, 9)),
            b'Z' if has(i, "Z0700") => Some((Std::Iso8601Tz, 5)),
            b'Z' if has(i, "Z07:00") => Some((Std::Iso8601ColonTz, 6)),
            b'Z' if has(i, "Z07") => Some((Std::Iso8601ShortTz, 3)),
            c @ (b'.' | b',') if matches!(layout.get(i + 1), Some(b'0' | b'9')) => {
                let ch = layout[i + 1];
                let mut j = i + 1;
                while j < layout.len() && layout[j] == ch {
                    j += 1;
                }
                if layout.get(j).is_some_and(u8::is_ascii_digit) {
                    None
                } else {
                    Some((
                        Std::Frac {
                            digits: j - i - 1,
                            trim: ch == b'9',
                            sep: c,
                        },
                        j - i,
                    ))
                }
            }
            _ => None,
        };
        if let Some((std, len)) = found {
            return Some((i, std, len));
        }
    }
    None
}

/// Go's `Time.Format`.
fn format_time(t: &GoTime, layout: &str) -> String {
    let local = t.unix + i64::from(t.offset);
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (hour, min, sec) = (secs / 3600, secs / 60 % 60, secs % 60);
    let weekday = (days + 4).rem_euclid(7) as usize;
    let yday = days - days_from_civil(year, 1, 1) + 1;
    let mut out = String::new();
    let mut rest = layout.as_bytes();
    let pad = |out: &mut String, n: i64, w: usize| {
        if n < 0 {
            let _ = write!(out, "-{:0w$}", -n);
        } else {
            let _ = write!(out, "{n:0w$}");
        }
    };
    while let Some((prefix, std, len)) = next_std_chunk(rest) {
        out.push_str(&bytes_to_string(&rest[..prefix]));
        rest = &rest[prefix + len..];
        match std {
            Std::Year => pad(&mut out, year.rem_euclid(100), 2),
            Std::LongYear => pad(&mut out, year, 4),
            Std::Month => out.push_str(&MONTHS[month as usize - 1][..3]),
            Std::LongMonth => out.push_str(MONTHS[month as usize - 1]),
            Std::NumMonth => pad(&mut out, i64::from(month), 0),
            Std::ZeroMonth => pad(&mut out, i64::from(month), 2),
            Std::WeekDay => out.push_str(&DAYS[weekday][..3]),
            Std::LongWeekDay => out.push_str(DAYS[weekday]),
            Std::Day => pad(&mut out, i64::from(day), 0),
            Std::UnderDay => {
                if day < 10 {
                    out.push(' ');
                }
                pad(&mut out, i64::from(day), 0);
            }
            Std::ZeroDay => pad(&mut out, i64::from(day), 2),
            Std::UnderYearDay => {
                let _ = write!(out, "{yday:>3}");
            }
            Std::ZeroYearDay => pad(&mut out, yday, 3),
            Std::Hour => pad(&mut out, hour, 2),
            Std::Hour12 | Std::ZeroHour12 => {
                let h = if hour % 12 == 0 { 12 } else { hour % 12 };
                pad(&mut out, h, if std == Std::Hour12 { 0 } else { 2 });
            }
            Std::Minute => pad(&mut out, min, 0),
            Std::ZeroMinute => pad(&mut out, min, 2),
            Std::Second => pad(&mut out, sec, 0),
            Std::ZeroSecond => pad(&mut out, sec, 2),
            Std::Pm => out.push_str(if hour >= 12 { "PM" } else { "AM" }),
            Std::PmLower => out.push_str(if hour >= 12 { "pm" } else { "am" }),
            Std::Tz => {
                if t.zone.is_empty() {
                    let zone = t.offset / 60;
                    out.push(if zone < 0 { '-' } else { '+' });
                    let _ = write!(out, "{:02}{:02}", zone.abs() / 60, zone.abs() % 60);
                } else {
                    out.push_str(&t.zone);
                }
            }
            Std::Frac { digits, trim, sep } => {
                if trim && (digits == 0 || t.nsec == 0) {
                    continue;
                }
                let mut frac = format!("{:09}", t.nsec);
                frac.truncate(digits.min(9));
                if trim {
                    while frac.ends_with('0') {
                        frac.pop();
                    }
                }
                if !frac.is_empty() || !trim {
                    out.push(sep as char);
                    out.push_str(&frac);
                }
            }
            tz => {
                let iso = matches!(
                    tz,
                    Std::Iso8601Tz
                        | Std::Iso8601ColonTz
                        | Std::Iso8601SecondsTz
                        | Std::Iso8601ShortTz
                        | Std::Iso8601ColonSecondsTz
                );
                if t.offset == 0 && iso {
                    out.push('Z');
                    continue;
                }
                let zone = t.offset / 60;
                let abs = t.offset.abs();
                out.push(if zone < 0 { '-' } else { '+' });
                let _ = write!(out, "{:02}", zone.abs() / 60);
                let colon = matches!(
                    tz,
                    Std::Iso8601ColonTz
                        | Std::NumColonTz
                        | Std::Iso8601ColonSecondsTz
                        | Std::NumColonSecondsTz
                );
                if colon {
                    out.push(':');
                }
                if !matches!(tz, Std::NumShortTz | Std::Iso8601ShortTz) {
                    let _ = write!(out, "{:02}", zone.abs() % 60);
                }
                if matches!(
                    tz,
                    Std::Iso8601SecondsTz
                        | Std::NumSecondsTz
                        | Std::NumColonSecondsTz
                        | Std::Iso8601ColonSecondsTz
                ) {
                    if matches!(tz, Std::NumColonSecondsTz | Std::Iso8601ColonSecondsTz) {
                        out.push(':');
                    }
                    let _ = write!(out, "{:02}", abs % 60);
                }
            }
        }
    }
    out.push_str(&bytes_to_string(rest));
    out
}

/// Go's `time.Parse` in UTC: the common layouts, numeric and named fields and zones.
fn parse_time(layout: &str, value: &str) -> Result<GoTime, String> {
    let fail = |elem: &str, rest: &str| {
        Err(format!(
            "parsing time {} as {}: cannot parse {} as {}",
            go_quote(value, '"', false),
            go_quote(layout, '"', false),
            go_quote(rest, '"', false),
            go_quote(elem, '"', false)
        ))
    };
    let (mut year, mut month, mut day, mut yday) = (1i64, 1u32, 1u32, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0u32);
    let (mut pm, mut am) = (false, false);
    let mut zone_offset: Option<i32> = None;
    let mut zone_name = String::new();
    let mut range_err: Option<&str> = None;
    let mut lay = layout.as_bytes();
    let mut val = value;
    // Digits at the start of `val`: exactly `fixed`, or up to `max`.
    let getnum = |val: &str, fixed: usize, max: usize| -> Option<(i64, usize)> {
        let n = val.bytes().take(max).take_while(u8::is_ascii_digit).count();
        if n == 0 || fixed > 0 && n != fixed {
            return None;
        }
        Some((val[..n].parse().ok()?, n))
    };
    loop {
        let chunk = next_std_chunk(lay);
        let (prefix, std, len) = match chunk {
            Some(c) => c,
            None => (lay.len(), Std::Tz, 0),
        };
        // The literal text before the element; spaces match any run of spaces.
        let lit = &lay[..prefix];
        let mut li = 0;
        while li < lit.len() {
            if lit[li] == b' ' {
                if !val.is_empty() && !val.starts_with(' ') {
                    return fail(&bytes_to_string(lit), val);
                }
                while li < lit.len() && lit[li] == b' ' {
                    li += 1;
                }
                val = val.trim_start_matches(' ');
                continue;
            }
            // Literal text: a whole character at a time (layouts may hold any text).
            let want = std::str::from_utf8(&lit[li..])
                .ok()
                .and_then(|rest| rest.chars().next())
                .unwrap_or('\u{FFFD}');
            match val.strip_prefix(want) {
                Some(rest) => val = rest,
                None => return fail(&bytes_to_string(lit), val),
            }
            li += want.len_utf8();
        }
        if chunk.is_none() {
            break;
        }
        let elem = bytes_to_string(&lay[prefix..prefix + len]);
        lay = &lay[prefix + len..];
        let before = val;
        let ok: Option<()> = (|| {
            match std {
                Std::Year => {
                    let (y, n) = getnum(val, 2, 2)?;
                    year = if y >= 69 { 1900 + y } else { 2000 + y };
                    val = &val[n..];
                }
                Std::LongYear => {
                    let (y, n) = getnum(val, 4, 4)?;
                    year = y;
                    val = &val[n..];
                }
                Std::Month | Std::LongMonth => {
                    let (i, n) = MONTHS.iter().enumerate().find_map(|(i, m)| {
                        let name = if std == Std::Month { &m[..3] } else { m };
                        val.get(..name.len())
                            .filter(|p| p.eq_ignore_ascii_case(name))
                            .map(|_| (i, name.len()))
                    })?;
                    month = i as u32 + 1;
                    val = &val[n..];
                }
                Std::WeekDay | Std::LongWeekDay => {
                    let n = DAYS.iter().find_map(|d| {
                        let name = if std == Std::WeekDay { &d[..3] } else { d };
                        val.get(..name.len())
                            .filter(|p| p.eq_ignore_ascii_case(name))
                            .map(|_| name.len())
                    })?;
                    val = &val[n..];
                }
                Std::NumMonth | Std::ZeroMonth => {
                    let (m, n) = getnum(val, if std == Std::ZeroMonth { 2 } else { 0 }, 2)?;
                    if !(1..=12).contains(&m) {
                        range_err = Some("month");
                        return None;
                    }
                    month = m as u32;
                    val = &val[n..];
                }
                Std::Day | Std::UnderDay | Std::ZeroDay => {
                    if std == Std::UnderDay && val.starts_with(' ') {
                        val = &val[1..];
                    }
                    let (d, n) = getnum(val, if std == Std::ZeroDay { 2 } else { 0 }, 2)?;
                    day = d as u32;
                    val = &val[n..];
                }
                Std::UnderYearDay | Std::ZeroYearDay => {
                    if std == Std::UnderYearDay {
                        val = val.trim_start_matches(' ');
                    }
                    let (d, n) = getnum(val, if std == Std::ZeroYearDay { 3 } else { 0 }, 3)?;
                    yday = d;
                    val = &val[n..];
                }
                Std::Hour => {
                    let (h, n) = getnum(val, 0, 2)?;
                    if h >= 24 {
                        range_err = Some("hour");
                        return None;
                    }
                    hour = h;
                    val = &val[n..];
                }
                Std::Hour12 | Std::ZeroHour12 => {
                    let (h, n) = getnum(val, if std == Std::ZeroHour12 { 2 } else { 0 }, 2)?;
                    if h > 12 {
                        range_err = Some("hour");
                        return None;
                    }
                    hour = h;
                    val = &val[n..];
                }
                Std::Minute | Std::ZeroMinute | Std::Second | Std::ZeroSecond => {
                    let fixed = if matches!(std, Std::ZeroMinute | Std::ZeroSecond) {
                        2
                    } else {
                        0
                    };
                    let (x, n) = getnum(val, fixed, 2)?;
                    if x >= 60 {
                        range_err = Some(if matches!(std, Std::Minute | Std::ZeroMinute) {
                            "minute"
                        } else {
                            "second"
                        });
                        return None;
                    }
                    val = &val[n..];
                    if matches!(std, Std::Minute | Std::ZeroMinute) {
                        min = x;
                    } else {
                        sec = x;
                        // A fraction the layout does not mention.
                        let next_is_frac =
                            matches!(next_std_chunk(lay), Some((0, Std::Frac { .. }, _)));
                        if !next_is_frac
                            && val.len() > 1
                            && matches!(val.as_bytes()[0], b'.' | b',')
                            && val.as_bytes()[1].is_ascii_digit()
                        {
                            let n = val[1..].bytes().take_while(u8::is_ascii_digit).count();
                            nsec = frac_nanos(&val[1..1 + n]);
                            val = &val[1 + n..];
                        }
                    }
                }
                Std::Pm | Std::PmLower => {
                    let p = val.get(..2)?;
                    let (pm_s, am_s) = if std == Std::Pm {
                        ("PM", "AM")
                    } else {
                        ("pm", "am")
                    };
                    if p == pm_s {
                        pm = true;
                    } else if p == am_s {
                        am = true;
                    } else {
                        return None;
                    }
                    val = &val[2..];
                }
                Std::Tz => {
                    if val.starts_with("UTC") {
                        zone_name = "UTC".into();
                        val = &val[3..];
                    } else {
                        let n = val.bytes().take_while(u8::is_ascii_uppercase).count();
                        let signed = val.starts_with(['+', '-']) && val.len() >= 5;
                        if (3..=5).contains(&n) {
                            zone_name = val[..n].to_string();
                            val = &val[n..];
                        } else if signed
                            && val
                                .get(1..5)
                                .is_some_and(|d| d.bytes().all(|c| c.is_ascii_digit()))
                        {
                            val = &val[5..];
                        } else {
                            return None;
                        }
                    }
                }
                Std::Frac { digits, trim, .. } => {
                    let b = val.as_bytes();
                    if trim {
                        if b.len() < 2 || !matches!(b[0], b'.' | b',') || !b[1].is_ascii_digit() {
                            return Some(());
                        }
                        let n = val[1..].bytes().take_while(u8::is_ascii_digit).count();
                        nsec = frac_nanos(&val[1..1 + n]);
                        val = &val[1 + n..];
                    } else {
                        if b.len() < digits + 1 || !matches!(b[0], b'.' | b',') {
                            return None;
                        }
                        let digs = val.get(1..1 + digits)?;
                        if !digs.bytes().all(|c| c.is_ascii_digit()) {
                            return None;
                        }
                        nsec = frac_nanos(digs);
                        val = &val[1 + digits..];
                    }
                }
                tz => {
                    let iso = matches!(
                        tz,
                        Std::Iso8601Tz
                            | Std::Iso8601ColonTz
                            | Std::Iso8601SecondsTz
                            | Std::Iso8601ShortTz
                            | Std::Iso8601ColonSecondsTz
                    );
                    if iso && val.starts_with('Z') {
                        val = &val[1..];
                        zone_offset = Some(0);
                        zone_name = "UTC".into();
                        return Some(());
                    }
                    let sign = match val.as_bytes().first()? {
                        b'+' => 1,
                        b'-' => -1,
                        _ => return None,
                    };
                    let b = val.as_bytes();
                    let two = |i: usize| -> Option<i32> {
                        let s = val.get(i..i + 2)?;
                        if s.bytes().all(|c| c.is_ascii_digit()) {
                            s.parse().ok()
                        } else {
                            None
                        }
                    };
                    let colon = matches!(
                        tz,
                        Std::Iso8601ColonTz
                            | Std::NumColonTz
                            | Std::Iso8601ColonSecondsTz
                            | Std::NumColonSecondsTz
                    );
                    let short = matches!(tz, Std::NumShortTz | Std::Iso8601ShortTz);
                    let seconds = matches!(
                        tz,
                        Std::Iso8601SecondsTz
                            | Std::NumSecondsTz
                            | Std::NumColonSecondsTz
                            | Std::Iso8601ColonSecondsTz
                    );
                    let h = two(1)?;
                    let mut i = 3;
                    let mut m = 0;
                    let mut s = 0;
                    if !short {
                        if colon {
                            if b.get(i) != Some(&b':') {
                                return None;
                            }
                            i += 1;
                        }
                        m = two(i)?;
                        i += 2;
                        if seconds {
                            if colon {
                                if b.get(i) != Some(&b':') {
                                    return None;
                                }
                                i += 1;
                            }
                            s = two(i)?;
                            i += 2;
                        }
                    }
                    zone_offset = Some(sign * (h * 3600 + m * 60 + s));
                    val = &val[i..];
                }
            }
            Some(())
        })();
        if let Some(what) = range_err {
            return Err(format!(
                "parsing time {}: {what} out of range",
                go_quote(value, '"', false)
            ));
        }
        if ok.is_none() {
            return fail(&elem, before);
        }
    }
    if !val.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            go_quote(value, '"', false),
            go_quote(val, '"', false)
        ));
    }
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let (_, m, d) = civil_from_days(days_from_civil(year, 1, 1) + yday - 1);
        month = m;
        day = d;
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(format!(
            "parsing time {}: day out of range",
            go_quote(value, '"', false)
        ));
    }
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + min * 60 + sec;
    let offset = zone_offset.unwrap_or(0);
    let zone = match (zone_offset, zone_name.is_empty()) {
        (Some(0), true) | (None, true) => "UTC".to_string(),
        (Some(_), true) => String::new(),
        _ => zone_name,
    };
    Ok(GoTime {
        unix: local - i64::from(offset),
        nsec,
        offset,
        zone,
    })
}

fn frac_nanos(digits: &str) -> u32 {
    let mut s: String = digits.chars().take(9).collect();
    while s.len() < 9 {
        s.push('0');
    }
    s.parse().unwrap_or(0)
}

/// Go's `time.ParseDuration`, in nanoseconds.
fn parse_duration(s: &str) -> Result<i64, String> {
    let orig = s;
    let invalid = || format!("time: invalid duration {}", go_quote(orig, '"', false));
    let (neg, mut s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !s.is_empty() {
        let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &s[..int_len];
        s = &s[int_len..];
        let mut frac_part = "";
        if let Some(rest) = s.strip_prefix('.') {
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = &rest[..n];
            s = &rest[n..];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = s
            .char_indices()
            .find(|&(_, c)| c == '.' || c.is_ascii_digit())
            .map_or(s.len(), |(i, _)| i);
        let unit = &s[..unit_len];
        s = &s[unit_len..];
        let scale: u128 = match unit {
            "" => {
                return Err(format!(
                    "time: missing unit in duration {}",
                    go_quote(orig, '"', false)
                ));
            }
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit, '"', false),
                    go_quote(orig, '"', false)
                ));
            }
        };
        let int: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| invalid())?
        };
        let mut v = int.checked_mul(scale).ok_or_else(invalid)?;
        if !frac_part.is_empty() {
            let digits: String = frac_part.chars().take(30).collect();
            let f: u128 = digits.parse().map_err(|_| invalid())?;
            let div = 10u128.pow(digits.len() as u32);
            v += f * scale / div;
        }
        total = total.checked_add(v).ok_or_else(invalid)?;
        if total > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        Ok((total as i128).wrapping_neg() as i64)
    } else if total > i64::MAX as u128 {
        Err(invalid())
    } else {
        Ok(total as i64)
    }
}

/// Go's `Duration.String` (`1h2m3.5s`, `1.5µs`, `0s`).
fn format_duration(d: i64) -> String {
    let neg = d < 0;
    let u = d.unsigned_abs();
    let frac = |u: u64, prec: u32| -> (String, u64) {
        let pow = 10u64.pow(prec);
        let f = u % pow;
        if f == 0 {
            return (String::new(), u / pow);
        }
        let s = format!("{f:0width$}", width = prec as usize);
        (format!(".{}", s.trim_end_matches('0')), u / pow)
    };
    let mut out = if u < 1_000_000_000 {
        let (prec, unit) = match u {
            0 => return "0s".into(),
            1..=999 => (0, "ns"),
            1_000..=999_999 => (3, "µs"),
            _ => (6, "ms"),
        };
        let (f, whole) = frac(u, prec);
        format!("{whole}{f}{unit}")
    } else {
        let (f, secs) = frac(u, 9);
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        if h > 0 {
            format!("{h}h{m}m{s}{f}s")
        } else if secs >= 60 {
            format!("{m}m{s}{f}s")
        } else {
            format!("{s}{f}s")
        }
    };
    if neg {
        out.insert(0, '-');
    }
    out
}

/// Go's `Duration.Round(m)`: half away from zero, saturating.
fn round_duration(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let less_than_half = |x: i64| (x as u64).wrapping_add(x as u64) < m as u64;
    let r = d % m;
    if d < 0 {
        let r = -r;
        if less_than_half(r) {
            return d + r;
        }
        d.checked_sub(m).map_or(i64::MIN, |x| x + r)
    } else {
        if less_than_half(r) {
            return d - r;
        }
        d.checked_add(m - r).unwrap_or(i64::MAX)
    }
}

fn time_arg(v: &Value) -> Result<GoTime, String> {
    GoTime::from_value(v).ok_or_else(|| type_error("time.Time", v))
}

/// The `date` argument of Sprig's date functions: a time, or unix seconds, else now.
fn date_arg(v: &Value) -> GoTime {
    match &v.v {
        V::Int(secs) => GoTime::utc(*secs, 0),
        _ => GoTime::from_value(v).unwrap_or_else(GoTime::now),
    }
}

pub(super) fn dispatch_dates(name: &str, a: &[Value]) -> Option<R> {
    let time_value = |t: GoTime| Value::from(t.to_go_string());
    Some(match name {
        "now" => arity(name, a, 0).map(|_| time_value(GoTime::now())),
        "date" => (|| {
            arity(name, a, 2)?;
            Ok(Value::from(format_time(
                &date_arg(&a[1]).in_utc(),
                str_arg(&a[0])?,
            )))
        })(),
        "date_in_zone" | "dateInZone" => (|| {
            arity(name, a, 3)?;
            str_arg(&a[2])?;
            Ok(Value::from(format_time(
                &date_arg(&a[1]).in_utc(),
                str_arg(&a[0])?,
            )))
        })(),
        "htmlDate" => arity(name, a, 1)
            .map(|_| Value::from(format_time(&date_arg(&a[0]).in_utc(), "2006-01-02"))),
        "htmlDateInZone" => (|| {
            arity(name, a, 2)?;
            str_arg(&a[1])?;
            Ok(Value::from(format_time(
                &date_arg(&a[0]).in_utc(),
                "2006-01-02",
            )))
        })(),
        "toDate" | "mustToDate" => (|| {
            arity(name, a, 2)?;
            match parse_time(str_arg(&a[0])?, str_arg(&a[1])?) {
                Ok(t) => Ok(time_value(t)),
                Err(e) if name == "mustToDate" => Err(e),
                Err(_) => Ok(time_value(GoTime::zero())),
            }
        })(),
        "unixEpoch" => arity(name, a, 1)
            .and_then(|_| time_arg(&a[0]))
            .map(|t| Value::from(t.unix.to_string())),
        "dateModify" | "date_modify" | "mustDateModify" | "must_date_modify" => (|| {
            arity(name, a, 2)?;
            let (d, t) = (str_arg(&a[0])?, time_arg(&a[1])?);
            match parse_duration(d) {
                Ok(n) => Ok(time_value(t.add_nanos(n))),
                Err(e) if name.starts_with("must") => Err(e),
                Err(_) => Ok(time_value(t)),
            }
        })(),
        "ago" => arity(name, a, 1).map(|_| {
            let t = date_arg(&a[0]);
            let since = GoTime::now().nanos() - t.nanos();
            let since = since.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
            Value::from(format_duration(round_duration(since, 1_000_000_000)))
        }),
        "duration" => arity(name, a, 1).map(|_| {
            let secs = match &a[0].v {
                V::Str(s) => s.parse::<i64>().unwrap_or(0),
                V::Int(i) => *i,
                _ => 0,
            };
            Value::from(format_duration(secs.wrapping_mul(1_000_000_000)))
        }),
        "durationRound" => arity(name, a, 1).map(|_| {
            let d: i64 = match &a[0].v {
                V::Str(s) => match GoTime::from_value(&a[0]) {
                    Some(t) => (GoTime::now().nanos() - t.nanos()) as i64,
                    None => parse_duration(s).unwrap_or(0),
                },
                V::Int(i) => *i,
                _ => 0,
            };
            let u = d.unsigned_abs();
            const SEC: u64 = 1_000_000_000;
            let (year, month, day, hour, minute) = (
                SEC * 3600 * 24 * 365,
                SEC * 3600 * 24 * 30,
                SEC * 3600 * 24,
                SEC * 3600,
                SEC * 60,
            );
            Value::from(if u > year {
                format!("{}y", u / year)
            } else if u > month {
                format!("{}mo", u / month)
            } else if u > day {
                format!("{}d", u / day)
            } else if u > hour {
                format!("{}h", u / hour)
            } else if u > minute {
                format!("{}m", u / minute)
            } else if u > SEC {
                format!("{}s", u / SEC)
            } else {
                "0s".to_string()
            })
        }),
        _ => return dispatch_paths(name, a),
    })
}

#[cfg(test)]
mod tests {
    use super::super::call;
    use super::super::tests::{err, f, i, ok, out, s};
    use super::*;

    #[test]
    fn dates_are_deterministic() {
        let now = ok("now", &[]);
        assert_eq!(now.to_go_string(), "2024-01-01 00:00:00 +0000 UTC");
        assert_eq!(
            out("date", &[s("2006-01-02 15:04:05 Mon Jan"), now.clone()]),
            "2024-01-01 00:00:00 Mon Jan"
        );
        assert_eq!(
            out("date", &[s("02/01/06 3:04PM"), i(1_700_000_000)]),
            "14/11/23 10:13PM"
        );
        assert_eq!(
            out(
                "dateInZone",
                &[s("2006-01-02T15:04:05Z07:00"), now.clone(), s("UTC")]
            ),
            "2024-01-01T00:00:00Z"
        );
        assert_eq!(out("htmlDate", std::slice::from_ref(&now)), "2024-01-01");
        assert_eq!(out("unixEpoch", std::slice::from_ref(&now)), "1704067200");
        let t = ok("toDate", &[s("2006-01-02"), s("2017-12-31")]);
        assert_eq!(t.to_go_string(), "2017-12-31 00:00:00 +0000 UTC");
        assert_eq!(out("date", &[s("02/01/2006"), t]), "31/12/2017");
        let z = ok(
            "toDate",
            &[
                s("2006-01-02T15:04:05Z07:00"),
                s("2020-03-04T05:06:07.5+02:00"),
            ],
        );
        assert_eq!(z.to_go_string(), "2020-03-04 05:06:07.5 +0200 +0200");
        assert_eq!(out("date", &[s("15:04:05.000 MST"), z]), "03:06:07.500 UTC");
        assert_eq!(
            out("toDate", &[s("2006-01-02"), s("junk")]),
            "0001-01-01 00:00:00 +0000 UTC"
        );
        assert_eq!(
            out("toDate", &[s("2006年01月02日"), s("2017年12月31日")]),
            "2017-12-31 00:00:00 +0000 UTC"
        );
        assert_eq!(out("date", &[s("2006年01月"), now.clone()]), "2024年01月");
        for junk in [
            "é",
            "2017-1é",
            "2017-12-31 é",
            "2017-12-31T00:00:00.é",
            "2017-12-31 +é00",
        ] {
            for layout in [
                "2006-01-02",
                "2006-01-02 MST",
                "2006-01-02T15:04:05.000",
                "2006-01-02 -0700",
            ] {
                let _ = call("mustToDate", &[s(layout), s(junk)]);
            }
        }
        assert_eq!(
            err("urlParse", &[s("http://a/%aé")]),
            "unable to parse url: parse \"http://a/%aé\": invalid URL escape \"%aé\""
        );
        assert_eq!(
            err("mustToDate", &[s("2006-01-02"), s("2017-13-01")]),
            "parsing time \"2017-13-01\": month out of range"
        );
        assert_eq!(
            err("mustToDate", &[s("2006-01-02"), s("2017-x")]),
            "parsing time \"2017-x\" as \"2006-01-02\": cannot parse \"x\" as \"01\""
        );
        assert_eq!(
            err("mustToDate", &[s("2006-01-02"), s("2017-02-30")]),
            "parsing time \"2017-02-30\": day out of range"
        );
        assert_eq!(
            out("dateModify", &[s("-1.5h"), now.clone()]),
            "2023-12-31 22:30:00 +0000 UTC"
        );
        assert_eq!(
            out("dateModify", &[s("bogus"), now.clone()]),
            "2024-01-01 00:00:00 +0000 UTC"
        );
        assert_eq!(
            err("mustDateModify", &[s("1d"), now.clone()]),
            "time: unknown unit \"d\" in duration \"1d\""
        );
        assert_eq!(out("duration", &[s("95")]), "1m35s");
        assert_eq!(out("duration", &[i(3600)]), "1h0m0s");
        assert_eq!(out("duration", &[f(3.0)]), "0s");
        assert_eq!(out("durationRound", &[s("2h10m")]), "2h");
        assert_eq!(out("durationRound", &[s("-400h")]), "16d");
        let earlier = ok("dateModify", &[s("-90m"), now.clone()]);
        assert_eq!(out("ago", &[earlier]), "1h30m0s");
        assert_eq!(format_duration(1_500), "1.5µs");
        assert_eq!(format_duration(-2_000_000), "-2ms");
    }
}
