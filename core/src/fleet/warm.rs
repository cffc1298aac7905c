//! Warm capacity: how many media nodes each region keeps running even when nobody calls, so a
//! group call starts on a node that is already up instead of waiting for a machine to boot.
//! A region has a base minimum at all times and may add schedule windows (UTC weekdays and an
//! hour range) with a higher minimum, for office hours; where windows overlap, the largest
//! minimum wins. Pure: the time is an argument (milliseconds since the Unix epoch).
//!
//! The text form, as operators write it (`--warm-capacity`, `PEERSHARE_FLEET_WARM_CAPACITY`):
//!
//! ```text
//! SPEC    := ENTRY ("," ENTRY)*           (empty: no warm capacity)
//! ENTRY   := REGION "=" NODES              the base minimum, at all times
//!          | REGION "@" DAYS ["/" HOURS] "=" NODES
//!                                          a window: NODES while it is open
//! DAYS    := "daily" | DAY_SET ("+" DAY_SET)*
//! DAY_SET := DAY | DAY "-" DAY             a range wraps past Sunday: fri-mon
//! DAY     := mon | tue | wed | thu | fri | sat | sun
//! HOURS   := HH "-" HH                     UTC, from the start hour up to (not including) the
//!                                          end hour: 00 ≤ start < end ≤ 24 (a window across
//!                                          midnight is written as two)
//! ```
//!
//! For example `local=1`, or `eu-west-1=1,eu-west-1@mon-fri/07-17=4,us-east-1@mon-fri/13-23=3`.

use super::valid_region;
use crate::time::Timestamp;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

/// Most nodes one entry may keep warm.
pub const MAX_WARM_NODES: u32 = 1_000;

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const EVERY_DAY: u8 = 0b111_1111;
const MS_PER_HOUR: u64 = 3_600_000;
const MS_PER_DAY: u64 = 24 * MS_PER_HOUR;
/// 1970-01-01, day 0 of the Unix epoch, was a Thursday (Monday is 0 here).
const EPOCH_WEEKDAY: u64 = 3;

/// Nodes kept warm per region: a base minimum, raised inside schedule windows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarmCapacity {
    base: BTreeMap<String, u32>,
    windows: Vec<Window>,
}

/// A schedule window: in `region`, on `days` (bit 0 is Monday), from `from_hour` up to
/// `to_hour` UTC, at least `nodes`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Window {
    region: String,
    days: u8,
    from_hour: u8,
    to_hour: u8,
    nodes: u32,
}

impl Window {
    fn open_at(&self, now: Timestamp) -> bool {
        let ms = now.as_millis();
        let weekday = (ms / MS_PER_DAY + EPOCH_WEEKDAY) % 7;
        let hour = (ms % MS_PER_DAY) / MS_PER_HOUR;
        self.days & (1 << weekday) != 0
            && (u64::from(self.from_hour)..u64::from(self.to_hour)).contains(&hour)
    }
}

/// Why a warm-capacity text was refused; each names the part at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WarmCapacityError {
    /// An entry is neither `REGION=NODES` nor `REGION@DAYS/HH-HH=NODES`.
    #[error("`{0}` is not REGION=NODES or REGION@DAYS/HH-HH=NODES")]
    Entry(String),
    /// The region is not a region name.
    #[error("`{region}` in `{entry}` is not a region (1 to 32 letters, digits or '-')")]
    Region {
        /// The entry.
        entry: String,
        /// Its region.
        region: String,
    },
    /// The number of nodes is not a whole number in range.
    #[error("`{nodes}` in `{entry}` is not a number of nodes from 0 to {MAX_WARM_NODES}")]
    Nodes {
        /// The entry.
        entry: String,
        /// Its number of nodes.
        nodes: String,
    },
    /// The days are not days of the week.
    #[error(
        "`{days}` in `{entry}` is not days of the week (mon, tue, wed, thu, fri, sat, sun, a range \
         such as mon-fri, several joined by '+', or daily)"
    )]
    Days {
        /// The entry.
        entry: String,
        /// Its days.
        days: String,
    },
    /// The hours are not an hour range of one day.
    #[error(
        "`{hours}` in `{entry}` is not an hour range HH-HH in UTC, from 00 to 24 with the start \
         before the end (a window across midnight is written as two)"
    )]
    Hours {
        /// The entry.
        entry: String,
        /// Its hours.
        hours: String,
    },
    /// A region's base minimum is given twice.
    #[error("the base minimum of `{0}` is given twice")]
    DuplicateBase(String),
}

impl WarmCapacity {
    /// No warm capacity anywhere.
    pub fn new() -> Self {
        Self::default()
    }

    /// This, with `nodes` kept warm in `region` at all times.
    pub fn with_base(mut self, region: impl Into<String>, nodes: u32) -> Self {
        self.base.insert(region.into(), nodes);
        self
    }

    /// Nodes `region` keeps running at `now` (milliseconds since the Unix epoch): its base
    /// minimum, or the largest of the windows open then, whichever is more.
    pub fn minimum_at(&self, region: &str, now: Timestamp) -> u32 {
        let base = self.base.get(region).copied().unwrap_or(0);
        self.windows
            .iter()
            .filter(|w| w.region == region && w.open_at(now))
            .map(|w| w.nodes)
            .fold(base, u32::max)
    }

    /// Every region named, by a base minimum or a window.
    pub fn regions(&self) -> BTreeSet<&str> {
        self.base.keys().map(String::as_str).chain(self.windows.iter().map(|w| w.region.as_str())).collect()
    }

    /// Whether no region keeps anything warm, ever.
    pub fn is_empty(&self) -> bool {
        self.base.values().all(|n| *n == 0) && self.windows.iter().all(|w| w.nodes == 0)
    }
}

impl FromIterator<(String, u32)> for WarmCapacity {
    /// Base minimums by region (a region given twice keeps the last).
    fn from_iter<I: IntoIterator<Item = (String, u32)>>(bases: I) -> Self {
        Self { base: bases.into_iter().collect(), windows: Vec::new() }
    }
}

impl<const N: usize> From<[(String, u32); N]> for WarmCapacity {
    fn from(bases: [(String, u32); N]) -> Self {
        bases.into_iter().collect()
    }
}

impl FromStr for WarmCapacity {
    type Err = WarmCapacityError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut warm = Self::default();
        if text.trim().is_empty() {
            return Ok(warm);
        }
        for entry in text.split(',').map(str::trim) {
            let Some((target, nodes)) = entry.split_once('=') else {
                return Err(WarmCapacityError::Entry(entry.to_owned()));
            };
            let (region, schedule) = match target.split_once('@') {
                Some((region, schedule)) => (region.trim(), Some(schedule.trim())),
                None => (target.trim(), None),
            };
            if !valid_region(region) {
                return Err(WarmCapacityError::Region { entry: entry.into(), region: region.into() });
            }
            let nodes = nodes.trim();
            let count = nodes
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= MAX_WARM_NODES && nodes.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| WarmCapacityError::Nodes { entry: entry.into(), nodes: nodes.into() })?;
            let Some(schedule) = schedule else {
                if warm.base.insert(region.to_owned(), count).is_some() {
                    return Err(WarmCapacityError::DuplicateBase(region.to_owned()));
                }
                continue;
            };
            let (days, hours) = match schedule.split_once('/') {
                Some((days, hours)) => (days.trim(), Some(hours.trim())),
                None => (schedule, None),
            };
            let days_mask = parse_days(days)
                .ok_or_else(|| WarmCapacityError::Days { entry: entry.into(), days: days.into() })?;
            let (from_hour, to_hour) = match hours {
                None => (0, 24),
                Some(hours) => parse_hours(hours)
                    .ok_or_else(|| WarmCapacityError::Hours { entry: entry.into(), hours: hours.into() })?,
            };
            warm.windows.push(Window {
                region: region.to_owned(),
                days: days_mask,
                from_hour,
                to_hour,
                nodes: count,
            });
        }
        Ok(warm)
    }
}

/// `daily`, or days and day ranges joined by `+`, as a mask (bit 0 is Monday).
fn parse_days(text: &str) -> Option<u8> {
    if text.eq_ignore_ascii_case("daily") {
        return Some(EVERY_DAY);
    }
    let day = |name: &str| DAY_NAMES.iter().position(|d| d.eq_ignore_ascii_case(name.trim()));
    let mut mask = 0u8;
    for part in text.split('+') {
        match part.split_once('-') {
            None => mask |= 1 << day(part)?,
            Some((first, last)) => {
                let (first, last) = (day(first)?, day(last)?);
                let mut d = first;
                loop {
                    mask |= 1 << d;
                    if d == last {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
        }
    }
    Some(mask)
}

/// `HH-HH`: a start hour 0–23 and a later end hour up to 24.
fn parse_hours(text: &str) -> Option<(u8, u8)> {
    let (from, to) = text.split_once('-')?;
    let hour = |h: &str| {
        let h = h.trim();
        if h.is_empty() || h.len() > 2 || !h.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        h.parse::<u8>().ok()
    };
    let (from, to) = (hour(from)?, hour(to)?);
    (from < to && to <= 24).then_some((from, to))
}

impl fmt::Display for WarmCapacity {
    /// The text form, which parses back to the same.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut separator = |f: &mut fmt::Formatter<'_>| {
            let result = if first { Ok(()) } else { f.write_str(",") };
            first = false;
            result
        };
        for (region, nodes) in &self.base {
            separator(f)?;
            write!(f, "{region}={nodes}")?;
        }
        for w in &self.windows {
            separator(f)?;
            write!(f, "{}@{}", w.region, DaysText(w.days))?;
            if (w.from_hour, w.to_hour) != (0, 24) {
                write!(f, "/{:02}-{:02}", w.from_hour, w.to_hour)?;
            }
            write!(f, "={}", w.nodes)?;
        }
        Ok(())
    }
}

/// A day mask as `daily` or ranges joined by `+` (Monday to Sunday, no wrapping).
struct DaysText(u8);

impl fmt::Display for DaysText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == EVERY_DAY {
            return f.write_str("daily");
        }
        let mut parts = Vec::new();
        let mut d = 0;
        while d < 7 {
            if self.0 & (1 << d) == 0 {
                d += 1;
                continue;
            }
            let start = d;
            while d + 1 < 7 && self.0 & (1 << (d + 1)) != 0 {
                d += 1;
            }
            parts.push(if start == d {
                DAY_NAMES[start].to_owned()
            } else {
                format!("{}-{}", DAY_NAMES[start], DAY_NAMES[d])
            });
            d += 1;
        }
        f.write_str(&parts.join("+"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Monday 2027-01-04 00:00 UTC.
    const MONDAY: u64 = 1_799_020_800_000;

    /// `day` days after that Monday (0 is Monday, 6 Sunday, 7 the next Monday), at `hh:mm`.
    fn at(day: u64, hh: u64, mm: u64) -> Timestamp {
        Timestamp::from_millis(MONDAY + day * MS_PER_DAY + hh * MS_PER_HOUR + mm * 60_000)
    }

    fn warm(text: &str) -> WarmCapacity {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn the_test_calendar_starts_on_a_monday() {
        // 1970-01-01 was a Thursday: day 0 of the epoch is weekday 3.
        let thursday = Window { region: "r".into(), days: 1 << 3, from_hour: 0, to_hour: 24, nodes: 1 };
        assert!(thursday.open_at(Timestamp::from_millis(0)));
        let monday = Window { days: 1, ..thursday };
        assert!(monday.open_at(at(0, 0, 0)) && monday.open_at(at(7, 12, 0)));
        assert!((1..7).all(|d| !monday.open_at(at(d, 12, 0))));
    }

    #[test]
    fn a_base_minimum_holds_at_all_times_and_only_in_its_region() {
        let local = warm("local=1");
        for t in [at(0, 0, 0), at(3, 13, 30), at(6, 23, 59)] {
            assert_eq!(local.minimum_at("local", t), 1);
            assert_eq!(local.minimum_at("eu-west-1", t), 0);
        }
        assert_eq!(local.regions(), BTreeSet::from(["local"]));
        assert_eq!(WarmCapacity::new().with_base("local", 1), local);
        assert_eq!(WarmCapacity::from([("local".to_owned(), 1)]), local);
    }

    #[test]
    fn a_window_raises_the_minimum_on_its_days_within_its_hours() {
        let eu = warm("eu-west-1=2,eu-west-1@mon-fri/08-18=5");
        // Weekdays, office hours: 5; outside them and at the weekend: the base 2.
        for day in 0..5 {
            assert_eq!(eu.minimum_at("eu-west-1", at(day, 12, 0)), 5, "day {day} noon");
            assert_eq!(eu.minimum_at("eu-west-1", at(day, 3, 0)), 2, "day {day} night");
        }
        for day in [5, 6] {
            assert_eq!(eu.minimum_at("eu-west-1", at(day, 12, 0)), 2, "weekend day {day}");
        }
        assert_eq!(eu.minimum_at("us-east-1", at(0, 12, 0)), 0);
        assert_eq!(eu.regions(), BTreeSet::from(["eu-west-1"]));
    }

    #[test]
    fn a_window_opens_at_its_start_hour_and_closes_at_its_end_hour() {
        let eu = warm("eu@mon/08-18=3");
        assert_eq!(eu.minimum_at("eu", Timestamp::from_millis(at(0, 8, 0).as_millis() - 1)), 0);
        assert_eq!(eu.minimum_at("eu", at(0, 8, 0)), 3);
        assert_eq!(eu.minimum_at("eu", Timestamp::from_millis(at(0, 18, 0).as_millis() - 1)), 3);
        assert_eq!(eu.minimum_at("eu", at(0, 18, 0)), 0);
        let whole_day = warm("eu@sun/00-24=1");
        assert_eq!(whole_day.minimum_at("eu", at(6, 0, 0)), 1);
        assert_eq!(whole_day.minimum_at("eu", at(6, 23, 59)), 1);
        assert_eq!(whole_day.minimum_at("eu", at(7, 0, 0)), 0, "Monday");
        assert_eq!(whole_day, warm("eu@sun=1"), "no hours: the whole day");
    }

    #[test]
    fn windows_across_days_wrap_past_sunday_and_lists_join_days() {
        let weekend = warm("us@fri-mon/10-12=2");
        let open: Vec<u64> = (0..7).filter(|d| weekend.minimum_at("us", at(*d, 11, 0)) == 2).collect();
        assert_eq!(open, [0, 4, 5, 6], "Friday to Monday");
        let listed = warm("us@mon+wed+sat-sun/10-12=2");
        let open: Vec<u64> = (0..7).filter(|d| listed.minimum_at("us", at(*d, 11, 0)) == 2).collect();
        assert_eq!(open, [0, 2, 5, 6]);
        let daily = warm("us@daily/22-24=1");
        assert!((0..7).all(|d| daily.minimum_at("us", at(d, 23, 0)) == 1));
        assert!((0..7).all(|d| daily.minimum_at("us", at(d, 21, 59)) == 0));
    }

    #[test]
    fn where_windows_overlap_the_largest_minimum_wins() {
        let eu = warm("eu=1,eu@mon-fri/08-18=3,eu@wed/11-14=6,eu@daily/17-20=2");
        assert_eq!(eu.minimum_at("eu", at(2, 12, 0)), 6, "Wednesday lunch: 6 over 3");
        assert_eq!(eu.minimum_at("eu", at(1, 12, 0)), 3);
        assert_eq!(eu.minimum_at("eu", at(1, 17, 30)), 3, "3 over 2 where both are open");
        assert_eq!(eu.minimum_at("eu", at(1, 19, 0)), 2);
        assert_eq!(eu.minimum_at("eu", at(5, 19, 0)), 2, "Saturday evening");
        assert_eq!(eu.minimum_at("eu", at(5, 3, 0)), 1, "the base");
        let lower = warm("eu=4,eu@mon/08-18=1");
        assert_eq!(lower.minimum_at("eu", at(0, 12, 0)), 4, "a window never lowers the base");
    }

    #[test]
    fn a_region_with_windows_only_is_named_and_cold_outside_them() {
        let warm = warm("local=1,ap-south-1@mon-fri/02-10=2");
        assert_eq!(warm.regions(), BTreeSet::from(["ap-south-1", "local"]));
        assert_eq!(warm.minimum_at("ap-south-1", at(0, 12, 0)), 0);
        assert_eq!(warm.minimum_at("ap-south-1", at(0, 2, 0)), 2);
    }

    #[test]
    fn the_text_form_round_trips_and_allows_spaces_and_nothing() {
        for text in ["local=1", "eu=1,us=0,eu@mon-fri/08-18=5,us@mon+wed+sat-sun/00-06=2", "ap@daily=3"] {
            assert_eq!(warm(text).to_string(), text);
        }
        assert_eq!(warm(" eu = 1 , eu @ Mon-Fri / 8-18 = 5 ").to_string(), "eu=1,eu@mon-fri/08-18=5");
        assert_eq!(warm("eu@fri-mon=1").to_string(), "eu@mon+fri-sun=1");
        assert_eq!(warm(""), WarmCapacity::new());
        assert_eq!(warm("  "), WarmCapacity::new());
        assert!(warm("").is_empty() && warm("eu=0,eu@mon=0").is_empty() && !warm("eu@mon=1").is_empty());
    }

    #[test]
    fn junk_is_refused_naming_the_part_at_fault() {
        use WarmCapacityError as E;
        let entry = |s: &str| s.to_owned();
        let cases = [
            ("local", E::Entry(entry("local"))),
            ("local=1,", E::Entry(entry(""))),
            ("local=1,,eu=1", E::Entry(entry(""))),
            ("=1", E::Region { entry: entry("=1"), region: entry("") }),
            ("eu west=1", E::Region { entry: entry("eu west=1"), region: entry("eu west") }),
            ("eu/1=1", E::Region { entry: entry("eu/1=1"), region: entry("eu/1") }),
            ("eu=", E::Nodes { entry: entry("eu="), nodes: entry("") }),
            ("eu=-1", E::Nodes { entry: entry("eu=-1"), nodes: entry("-1") }),
            ("eu=+1", E::Nodes { entry: entry("eu=+1"), nodes: entry("+1") }),
            ("eu=two", E::Nodes { entry: entry("eu=two"), nodes: entry("two") }),
            ("eu=1001", E::Nodes { entry: entry("eu=1001"), nodes: entry("1001") }),
            ("eu=1=2", E::Nodes { entry: entry("eu=1=2"), nodes: entry("1=2") }),
            ("eu@=1", E::Days { entry: entry("eu@=1"), days: entry("") }),
            ("eu@monday/08-18=1", E::Days { entry: entry("eu@monday/08-18=1"), days: entry("monday") }),
            ("eu@mon-/08-18=1", E::Days { entry: entry("eu@mon-/08-18=1"), days: entry("mon-") }),
            ("eu@mon++tue=1", E::Days { entry: entry("eu@mon++tue=1"), days: entry("mon++tue") }),
            ("eu@mon/18-08=1", E::Hours { entry: entry("eu@mon/18-08=1"), hours: entry("18-08") }),
            ("eu@mon/08-08=1", E::Hours { entry: entry("eu@mon/08-08=1"), hours: entry("08-08") }),
            ("eu@mon/08-25=1", E::Hours { entry: entry("eu@mon/08-25=1"), hours: entry("08-25") }),
            ("eu@mon/8=1", E::Hours { entry: entry("eu@mon/8=1"), hours: entry("8") }),
            ("eu@mon/=1", E::Hours { entry: entry("eu@mon/=1"), hours: entry("") }),
            ("eu@mon/08:00-18=1", E::Hours { entry: entry("eu@mon/08:00-18=1"), hours: entry("08:00-18") }),
            ("eu@mon/-1-18=1", E::Hours { entry: entry("eu@mon/-1-18=1"), hours: entry("-1-18") }),
            ("eu=1,eu=2", E::DuplicateBase(entry("eu"))),
        ];
        for (text, expected) in cases {
            assert_eq!(text.parse::<WarmCapacity>(), Err(expected), "{text}");
        }
        let message = "eu=1,eu@mon-fry/08-18=5".parse::<WarmCapacity>().expect_err("refused").to_string();
        assert!(message.contains("`mon-fry`") && message.contains("eu@mon-fry/08-18=5"), "{message}");
    }
}
