//! The period a run's read steps cover (`{since}`/`{until}` in the catalog's calls): derived from
//! the schedule, so a daily run reads the 24 hours since the previous run, and from what the
//! prompt says when that differs ("every hour, post yesterday's orders" reads yesterday).
//!
//! The planner keeps what the prompt said as the trigger param [`PARAM`] ([`Said::param`]);
//! `python::prepare` renders the window ([`Window`]) into `codegen/python/time.py.j2` and the
//! SAM template, and the plan's assumptions say it ([`note`]).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

use crate::catalog::Catalog;
use crate::model::{Delivery, Plan};
use crate::text::Tok;

/// The trigger param holding the period the prompt named (`previous day`, `90 minutes`).
pub(crate) const PARAM: &str = "window";

/// What the generated code falls back to without a schedule (`POLL_MINUTES`' default).
pub(crate) const DEFAULT_MINUTES: u32 = 5;

/// A calendar unit a prompt reads by ("yesterday's", "last month's").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Day,
    Week,
    Month,
}

impl Unit {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// Its length, for comparing with a schedule's period (a month counted as 30 days).
    fn minutes(self) -> u32 {
        match self {
            Self::Day => 1440,
            Self::Week => 7 * 1440,
            Self::Month => 30 * 1440,
        }
    }
}

/// The period a prompt names for the data it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Said {
    /// A calendar day, week (Monday to Sunday) or month: the current one (`back` 0, "today's")
    /// or one before ("yesterday's", "last week's").
    Calendar { unit: Unit, back: u32 },
    /// The last `n` minutes ("in the past hour", "the last 24 hours").
    Minutes(u32),
}

impl Said {
    /// Finds the period in the prompt's words, if one is named.
    pub(crate) fn find(toks: &[Tok]) -> Option<Self> {
        let w = |i: usize| toks.get(i).map_or("", |t| t.w.as_str());
        for i in 0..toks.len() {
            let unit = |k: usize| match w(k).trim_end_matches('s') {
                "day" => Some(Unit::Day),
                "week" => Some(Unit::Week),
                "month" => Some(Unit::Month),
                _ => None,
            };
            let calendar = |unit, back| Some(Self::Calendar { unit, back });
            let found = match (w(i), w(i + 1)) {
                ("yesterday" | "yesterdays", _) => calendar(Unit::Day, 1),
                ("today" | "todays", _) if w(i.wrapping_sub(1)) != "until" => {
                    calendar(Unit::Day, 0)
                }
                ("last" | "previous", _) if unit(i + 1).is_some() && w(i + 1) != "day" => {
                    calendar(unit(i + 1)?, 1)
                }
                ("this", _) if unit(i + 1).is_some() => calendar(unit(i + 1)?, 0),
                ("past" | "last", "hour") => Some(Self::Minutes(60)),
                ("past", "day" | "week") => Some(Self::Minutes(unit(i + 1)?.minutes())),
                ("past" | "last", n) if n.parse::<u32>().is_ok_and(|n| n > 0) => {
                    let n: u32 = n.parse().ok()?;
                    let per = match w(i + 2).trim_end_matches('s') {
                        "minute" | "min" => 1,
                        "hour" | "hr" => 60,
                        "day" => 1440,
                        "week" => 7 * 1440,
                        _ => continue,
                    };
                    Some(Self::Minutes(n.saturating_mul(per)))
                }
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// The trigger param's value (`previous day`, `current week`, `90 minutes`).
    pub(crate) fn param(self) -> String {
        match self {
            Self::Calendar { unit, back: 0 } => format!("current {}", unit.name()),
            Self::Calendar { unit, back } => {
                let prefix = "previous ".repeat(back as usize);
                format!("{prefix}{}", unit.name())
            }
            Self::Minutes(n) => format!("{n} minutes"),
        }
    }

    /// Reads [`param`](Self::param) back; anything else (a model's own text) is no period.
    pub(crate) fn from_param(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Some(n) = text.strip_suffix(" minutes") {
            return n.parse().ok().filter(|n| *n > 0).map(Self::Minutes);
        }
        let (back, unit) = match text.strip_prefix("current ") {
            Some(unit) => (0, unit),
            None => {
                let mut back = 0;
                let mut rest = text;
                while let Some(r) = rest.strip_prefix("previous ") {
                    back += 1;
                    rest = r;
                }
                (back, rest)
            }
        };
        let unit = match unit {
            "day" => Unit::Day,
            "week" => Unit::Week,
            "month" => Unit::Month,
            _ => return None,
        };
        (back <= 12).then_some(Self::Calendar { unit, back })
    }

    fn minutes(self) -> u32 {
        match self {
            Self::Calendar { unit, .. } => unit.minutes(),
            Self::Minutes(n) => n,
        }
    }

    fn words(self) -> String {
        match self {
            Self::Calendar {
                unit: Unit::Day,
                back: 0,
            } => "today".to_owned(),
            Self::Calendar {
                unit: Unit::Day,
                back: 1,
            } => "yesterday".to_owned(),
            Self::Calendar { unit, back: 0 } => format!("this {}", unit.name()),
            Self::Calendar { unit, back: 1 } => format!("last {}", unit.name()),
            Self::Calendar { unit, back } => {
                format!("the {} {back} {}s ago", unit.name(), unit.name())
            }
            Self::Minutes(n) => format!("the last {}", duration(n)),
        }
    }
}

/// An EventBridge `cron(...)`'s fields as the generated code tests a day and a time against them
/// (weekdays counted from Monday = 0, as Python's `date.weekday()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cron {
    pub minutes: Vec<u32>,
    pub hours: Vec<u32>,
    /// Days of the month; `None`: any.
    pub days: Option<Vec<u32>>,
    /// `L`: the last day of the month.
    pub last_day: bool,
    pub months: Option<Vec<u32>>,
    pub weekdays: Option<Vec<u32>>,
    /// With one weekday: which of its occurrences in the month runs (`2#1`: the first Monday,
    /// 1 to 5), or [`LAST`] for the last (`6L`: the last Friday).
    pub nth: Option<i32>,
}

/// [`Cron::nth`] for the last occurrence of the weekday in the month.
pub(crate) const LAST: i32 = -1;

/// How often a schedule runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Period {
    /// `rate(n unit)`: every `n` minutes.
    Every(u32),
    Cron(Cron),
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
/// EventBridge's day-of-week names, 1 = SUN.
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// The day-of-week field of an nth weekday (`2#1`, `MON#1`: the first Monday; `6L`, `FRIL`: the
/// last Friday), as the weekday (1 = SUN) and [`Cron::nth`]; `None` for any other field.
fn nth_weekday(text: &str) -> Option<(&str, i32)> {
    if let Some((day, n)) = text.split_once('#') {
        let n: i32 = n.parse().ok().filter(|n| (1..=5).contains(n))?;
        return Some((day, n));
    }
    let day = text.strip_suffix('L').filter(|d| !d.is_empty())?;
    Some((day, LAST))
}

/// One cron field: `*`/`?` is `None` (any); lists, ranges and `/` steps of numbers or names
/// (`names[0]` is `lo`). Anything else (`W`, `#`, `L` in a range) is not understood.
fn field(text: &str, lo: u32, hi: u32, names: &[&str]) -> Result<Option<Vec<u32>>, ()> {
    if text == "*" || text == "?" {
        return Ok(None);
    }
    let value = |s: &str| -> Result<u32, ()> {
        let s = s.to_ascii_uppercase();
        match names.iter().position(|n| *n == s) {
            Some(i) => Ok(lo + u32::try_from(i).map_err(|_| ())?),
            None => s.parse::<u32>().map_err(|_| ()),
        }
    };
    let mut out = Vec::new();
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().map_err(|_| ())?),
            None => (part, 1),
        };
        let (a, b) = match range.split_once('-') {
            _ if range == "*" => (lo, hi),
            Some((a, b)) => (value(a)?, value(b)?),
            None if step > 1 => (value(range)?, hi),
            None => (value(range)?, value(range)?),
        };
        if step == 0 || a < lo || b > hi || a > b {
            return Err(());
        }
        out.extend((a..=b).step_by(step as usize));
    }
    out.sort_unstable();
    out.dedup();
    Ok(Some(out))
}

impl Cron {
    /// The fields of `cron(min hour day-of-month month day-of-week year)`, the nth weekday of
    /// the month included (`2#1`, `6L`); `None` when a field uses what the generated code does
    /// not test (`W`, a year other than `*`).
    pub(crate) fn parse(fields: &str) -> Option<Self> {
        let f: Vec<&str> = fields.split_whitespace().collect();
        let [min, hour, dom, month, dow, year] = f.as_slice() else {
            return None;
        };
        if *year != "*" {
            return None;
        }
        let all = |v: Option<Vec<u32>>, lo: u32, hi: u32| v.unwrap_or_else(|| (lo..=hi).collect());
        let (days, last_day) = if *dom == "L" {
            (Some(Vec::new()), true)
        } else {
            (field(dom, 1, 31, &[]).ok()?, false)
        };
        let (dow, nth) = match nth_weekday(dow) {
            Some((day, n)) => (day, Some(n)),
            None => (*dow, None),
        };
        let weekdays = field(dow, 1, 7, &DAYS)
            .ok()?
            .map(|d| d.into_iter().map(|d| (d + 5) % 7).collect::<Vec<_>>())
            .map(|mut d| {
                d.sort_unstable();
                d
            });
        // an nth occurrence is of one weekday
        if nth.is_some() && weekdays.as_ref().is_none_or(|w| w.len() != 1) {
            return None;
        }
        Some(Self {
            minutes: all(field(min, 0, 59, &[]).ok()?, 0, 59),
            hours: all(field(hour, 0, 23, &[]).ok()?, 0, 23),
            days,
            last_day,
            months: field(month, 1, 12, &MONTHS).ok()?,
            weekdays,
            nth,
        })
    }

    fn runs_on(&self, day: NaiveDate) -> bool {
        let last = day
            .succ_opt()
            .is_none_or(|next| next.month() != day.month());
        // the nth occurrence of the weekday in the month, or the last (a week later is next month)
        let occurrence = match self.nth {
            None => true,
            Some(LAST) => day
                .checked_add_days(chrono::Days::new(7))
                .is_none_or(|later| later.month() != day.month()),
            Some(n) => i64::from(day.day0() / 7 + 1) == i64::from(n),
        };
        occurrence
            && self
                .months
                .as_ref()
                .is_none_or(|m| m.contains(&day.month()))
            && self
                .weekdays
                .as_ref()
                .is_none_or(|w| w.contains(&day.weekday().num_days_from_monday()))
            && (self.days.is_none() && !self.last_day
                || self.days.as_ref().is_some_and(|d| d.contains(&day.day()))
                || (self.last_day && last))
    }

    /// The shortest and the longest time between two runs, in minutes (local wall time, over
    /// two years so that months, leap days and quarters all occur); `None` if it never runs.
    pub(crate) fn gaps(&self) -> Option<(u32, u32)> {
        let start = NaiveDate::from_ymd_opt(2027, 1, 1)?;
        let mut previous: Option<NaiveDateTime> = None;
        let (mut shortest, mut longest) = (u32::MAX, 0);
        for day in start.iter_days().take(2 * 366) {
            if !self.runs_on(day) {
                continue;
            }
            for &h in &self.hours {
                for &m in &self.minutes {
                    let at = day.and_time(NaiveTime::from_hms_opt(h, m, 0)?);
                    if let Some(p) = previous {
                        let gap = u32::try_from((at - p).num_minutes()).ok()?;
                        shortest = shortest.min(gap);
                        longest = longest.max(gap);
                    }
                    previous = Some(at);
                }
            }
        }
        (longest > 0).then_some((shortest, longest))
    }
}

impl Period {
    /// The period of an EventBridge schedule expression.
    pub(crate) fn parse(expression: &str) -> Option<Self> {
        if let Some(rate) = expression
            .strip_prefix("rate(")
            .and_then(|r| r.strip_suffix(')'))
        {
            let (n, unit) = rate.trim().split_once(' ')?;
            let n: u32 = n.parse().ok().filter(|n| *n > 0)?;
            let per = match unit.trim_end_matches('s') {
                "minute" => 1,
                "hour" => 60,
                "day" => 1440,
                _ => return None,
            };
            return Some(Self::Every(n.checked_mul(per)?));
        }
        let fields = expression.strip_prefix("cron(")?.strip_suffix(')')?;
        Cron::parse(fields).map(Self::Cron)
    }

    /// Shortest and longest time between two runs, in minutes.
    fn gaps(&self) -> Option<(u32, u32)> {
        match self {
            Self::Every(n) => Some((*n, *n)),
            Self::Cron(c) => c.gaps(),
        }
    }
}

/// The window a run reads, as `codegen/python/time.py.j2` renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Window {
    /// From `minutes` ago to now (`{until}`: as far ahead), `POLL_MINUTES` overriding it.
    Minutes { minutes: u32 },
    /// Back to the schedule's previous run, which differs from run to run (a weekday schedule's
    /// Monday run reads back to Friday).
    Cron { cron: Cron },
    /// A calendar day, week or month in the schedule's time zone.
    Calendar { unit: Unit, back: u32 },
}

/// Whether `plan`'s steps read a period (`{since}` or `{until}`, in any form such as
/// `{since:iso}`, in a call): only then does the window matter.
pub(crate) fn reads_period(catalog: &Catalog, plan: &Plan) -> bool {
    plan.steps.iter().any(|s| {
        catalog
            .tool(&s.tool)
            .and_then(|t| t.action(&s.action))
            .is_some_and(|a| {
                let mut texts: Vec<String> = a.path.iter().cloned().collect();
                texts.extend(a.query.values().map(serde_json::Value::to_string));
                texts.extend(a.body.iter().map(serde_json::Value::to_string));
                texts.extend(a.kwargs.values().map(serde_json::Value::to_string));
                texts
                    .iter()
                    .any(|t| t.contains("{since") || t.contains("{until"))
            })
    })
}

/// The time field and format of a read the vendor cannot filter by time but whose records
/// carry one (R17-4: Notion's search): the action is the `poll` of an event with a time
/// cursor, and its request sends no `{since}`/`{until}`. A run that names a period keeps only
/// the records in it (`python::mod`'s window cut).
pub(crate) fn cut_field<'c>(
    catalog: &'c Catalog,
    tool: &str,
    action: &str,
) -> Option<(&'c str, &'static str)> {
    use crate::catalog::CursorFormat;
    let tool = catalog.tool(tool)?;
    let a = tool.action(action)?;
    let mut texts: Vec<String> = a.path.iter().cloned().collect();
    texts.extend(a.query.values().map(serde_json::Value::to_string));
    texts.extend(a.body.iter().map(serde_json::Value::to_string));
    texts.extend(a.kwargs.values().map(serde_json::Value::to_string));
    if texts
        .iter()
        .any(|t| t.contains("{since") || t.contains("{until"))
    {
        return None;
    }
    let cursor = tool
        .events
        .iter()
        .filter(|e| e.poll.as_deref() == Some(a.id.as_str()))
        .find_map(|e| e.cursor.as_ref())
        .filter(|c| !c.field.is_empty())?;
    let format = match cursor.format {
        CursorFormat::Unix => "unix",
        CursorFormat::UnixMs => "unix_ms",
        CursorFormat::Iso8601 => "iso8601",
        CursorFormat::Date => "date",
        CursorFormat::Id | CursorFormat::Row => return None,
    };
    Some((cursor.field.as_str(), format))
}

/// Whether a read step of `plan` is cut to a period the prompt names ([`cut_field`]).
pub(crate) fn cuts_period(catalog: &Catalog, plan: &Plan) -> bool {
    matches!(plan.trigger.delivery, Delivery::Schedule | Delivery::Direct)
        && plan
            .steps
            .iter()
            .any(|s| cut_field(catalog, &s.tool, &s.action).is_some())
}

/// The schedule's period, for a trigger EventBridge runs.
fn period(plan: &Plan) -> Option<Period> {
    matches!(plan.trigger.delivery, Delivery::Schedule | Delivery::Poll)
        .then_some(plan.trigger.schedule_expression.as_deref()?)
        .and_then(Period::parse)
}

/// The window `plan`'s runs read: what the prompt said when it differs from the schedule's
/// period (its shortest gap), else the period; `None` without either (`POLL_MINUTES`' default).
pub(crate) fn window(plan: &Plan) -> Option<Window> {
    let said = plan
        .trigger
        .params
        .get(PARAM)
        .and_then(|p| Said::from_param(p));
    let period = period(plan);
    let shortest = period.as_ref().and_then(Period::gaps).map(|(s, _)| s);
    match (said, period) {
        (Some(s), _) if shortest != Some(s.minutes()) => Some(match s {
            Said::Calendar { unit, back } => Window::Calendar { unit, back },
            Said::Minutes(minutes) => Window::Minutes { minutes },
        }),
        (_, Some(Period::Every(minutes))) => Some(Window::Minutes { minutes }),
        (_, Some(Period::Cron(cron))) => match cron.gaps()? {
            (a, b) if a == b => Some(Window::Minutes { minutes: a }),
            _ => Some(Window::Cron { cron }),
        },
        (_, None) => None,
    }
}

/// "24 hours", "90 minutes", "7 days".
pub(crate) fn duration(minutes: u32) -> String {
    let (n, unit) = if minutes.is_multiple_of(1440) {
        (minutes / 1440, "day")
    } else if minutes.is_multiple_of(60) {
        (minutes / 60, "hour")
    } else {
        (minutes, "minute")
    };
    if minutes == 1440 {
        return "24 hours".to_owned();
    }
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// What the plan's assumptions say about the window, when its steps read a period and a polled
/// trigger's cursor does not decide it.
pub(crate) fn note(catalog: &Catalog, plan: &Plan) -> Option<String> {
    if !reads_period(catalog, plan) {
        return None;
    }
    let t = &plan.trigger;
    let cursor = t.delivery == Delivery::Poll
        && t.tool
            .as_deref()
            .and_then(|id| catalog.tool(id))
            .and_then(|tool| tool.events.iter().find(|e| Some(&e.id) == t.event.as_ref()))
            .is_some_and(|e| e.cursor.is_some());
    if cursor {
        return None;
    }
    let zone = t.timezone.as_deref().unwrap_or("UTC");
    let said = t.params.get(PARAM).and_then(|p| Said::from_param(p));
    let gaps = period(plan).and_then(|p| p.gaps());
    let every = gaps.map(|(s, _)| duration(s));
    // what the prompt said decides the window only when it differs from the schedule's period
    let from_said = said.is_some_and(|s| gaps.map(|(a, _)| a) != Some(s.minutes()));
    Some(match window(plan) {
        None => format!(
            "The read steps look back {DEFAULT_MINUTES} minutes (POLL_MINUTES) from when the function runs; set POLL_MINUTES to the period each run should read."
        ),
        Some(Window::Minutes { minutes }) if from_said => {
            let runs = match gaps {
                Some((a, _)) if a > minutes => format!(
                    " The schedule runs every {}, so what happens between the windows is not read.",
                    duration(a)
                ),
                Some((a, _)) if a < minutes => format!(
                    " The schedule runs every {}, so each run reads part of the previous run's period again.",
                    duration(a)
                ),
                _ => String::new(),
            };
            format!(
                "The read steps look back {} ({minutes} minutes, POLL_MINUTES in template.yaml), as the description says.{runs}",
                duration(minutes)
            )
        }
        Some(Window::Minutes { minutes }) => format!(
            "Each run reads what is new since the schedule's previous run: the read steps look back {} ({minutes} minutes, POLL_MINUTES in template.yaml), so nothing falls between two runs.",
            duration(minutes)
        ),
        Some(Window::Cron { .. }) => {
            let (a, b) = gaps.unwrap_or((0, 0));
            format!(
                "Each run reads back to the schedule's previous run ({} usually, up to {} after a gap such as a weekend, in {zone}), so nothing falls between two runs; setting POLL_MINUTES fixes the look-back instead.",
                duration(a),
                duration(b)
            )
        }
        Some(Window::Calendar { unit, back }) => {
            let words = Said::Calendar { unit, back }.words();
            // a schedule that runs more often than the unit reads it again (a monthly run
            // on the 1st, 28 to 31 days apart, reads last month once)
            let often = gaps.is_some_and(|(a, _)| a < unit.minutes() * 9 / 10);
            let repeat = every.filter(|_| often).map_or_else(String::new, |e| {
                format!(" The schedule runs every {e}, so each run reads {words} again.")
            });
            format!(
                "The read steps read {words} ({zone}, from 00:00) as the description says; a step whose filter takes only a start time also returns what is newer.{repeat}"
            )
        }
    })
}

impl Cron {
    /// The fields as the Python literal `python/time.py.j2` tests run times against.
    pub(crate) fn python_literal(&self) -> String {
        let list = |v: &[u32]| {
            let items: Vec<String> = v.iter().map(u32::to_string).collect();
            format!("[{}]", items.join(", "))
        };
        let any = |v: &Option<Vec<u32>>| v.as_deref().map_or_else(|| "None".to_owned(), list);
        // `nth` only when set, so the literal of every other schedule stays as it was
        let nth = self
            .nth
            .map_or_else(String::new, |n| format!(", \"nth\": {n}"));
        format!(
            "{{\"minutes\": {}, \"hours\": {}, \"days\": {}, \"last_day\": {}, \"months\": {}, \"weekdays\": {}{nth}}}",
            list(&self.minutes),
            list(&self.hours),
            any(&self.days),
            if self.last_day { "True" } else { "False" },
            any(&self.months),
            any(&self.weekdays)
        )
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::text::{normalize, tokenize};

    fn said(prompt: &str) -> Option<Said> {
        let text = normalize(prompt, false);
        Said::find(&tokenize(&text))
    }

    fn gaps(expression: &str) -> (u32, u32) {
        Period::parse(expression).unwrap().gaps().unwrap()
    }

    #[test]
    fn a_schedule_reads_the_time_between_two_of_its_runs() {
        assert_eq!(Period::parse("rate(15 minutes)"), Some(Period::Every(15)));
        assert_eq!(Period::parse("rate(1 hour)"), Some(Period::Every(60)));
        assert_eq!(Period::parse("rate(1 day)"), Some(Period::Every(1440)));
        assert_eq!(gaps("cron(0 9 * * ? *)"), (1440, 1440));
        assert_eq!(gaps("cron(0 */6 * * ? *)"), (360, 360));
        // Monday's run reads back to Friday
        assert_eq!(gaps("cron(0 9 ? * MON-FRI *)"), (1440, 3 * 1440));
        assert_eq!(gaps("cron(0 18 ? * FRI *)"), (7 * 1440, 7 * 1440));
        assert_eq!(gaps("cron(0 9,17 * * ? *)"), (8 * 60, 16 * 60));
        assert_eq!(gaps("cron(0 9 1 * ? *)"), (28 * 1440, 31 * 1440));
        assert_eq!(gaps("cron(0 9 L * ? *)"), (28 * 1440, 31 * 1440));
        assert_eq!(
            gaps("cron(0/30 8-19 ? * MON-FRI *)"),
            (30, 30 + 12 * 60 + 2 * 1440)
        );
    }

    #[test]
    fn the_nth_weekday_of_the_month_runs_four_or_five_weeks_apart() {
        // the first Monday: 28 or 35 days apart, never the 5-minute fallback
        assert_eq!(gaps("cron(0 9 ? * 2#1 *)"), (28 * 1440, 35 * 1440));
        assert_eq!(gaps("cron(0 9 ? * MON#1 *)"), (28 * 1440, 35 * 1440));
        // the last Friday
        assert_eq!(gaps("cron(0 16 ? * 6L *)"), (28 * 1440, 35 * 1440));
        // the first Monday of each quarter: about three months
        let (a, b) = gaps("cron(0 9 ? 1,4,7,10 2#1 *)");
        assert!(
            (84 * 1440..=98 * 1440).contains(&a) && b <= 98 * 1440,
            "{a} {b}"
        );
        let first_monday = Cron::parse("0 9 ? * 2#1 *").unwrap();
        assert_eq!(first_monday.weekdays, Some(vec![0]));
        assert_eq!(first_monday.nth, Some(1));
        assert_eq!(Cron::parse("0 16 ? * 6L *").unwrap().nth, Some(LAST));
        // 2027-02-01 is the first Monday of February, 2027-02-08 the second
        assert!(first_monday.runs_on(NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()));
        assert!(!first_monday.runs_on(NaiveDate::from_ymd_opt(2027, 2, 8).unwrap()));
        let last_friday = Cron::parse("0 16 ? * FRIL *").unwrap();
        assert!(last_friday.runs_on(NaiveDate::from_ymd_opt(2027, 1, 29).unwrap()));
        assert!(!last_friday.runs_on(NaiveDate::from_ymd_opt(2027, 1, 22).unwrap()));
        // the nth weekday is said in the literal the generated code tests
        assert!(
            first_monday
                .python_literal()
                .ends_with(r#""weekdays": [0], "nth": 1}"#)
        );
        // every other schedule's literal is unchanged
        assert!(
            !Cron::parse("0 9 ? * MON *")
                .unwrap()
                .python_literal()
                .contains(r#""nth""#)
        );
    }

    #[test]
    fn what_a_schedule_cannot_say_is_not_read() {
        for e in [
            "rate(0 minutes)",
            "rate(5 fortnights)",
            // an nth occurrence of several weekdays, of any day, or past the fifth
            "cron(0 9 ? * 2-6#1 *)",
            "cron(0 9 ? * *#1 *)",
            "cron(0 9 ? * 2#6 *)",
            "cron(0 9 ? * L *)",
            "cron(0 9 15W * ? *)",
            "cron(0 9 * * ? 2027)",
            "cron(0 25 * * ? *)",
            "cron(0 9 * *)",
            "at(2027-01-01T09:00:00)",
        ] {
            assert_eq!(Period::parse(e), None, "{e}");
        }
    }

    #[test]
    fn the_period_a_prompt_names_is_found() {
        let day = |back| {
            Some(Said::Calendar {
                unit: Unit::Day,
                back,
            })
        };
        assert_eq!(said("every hour post yesterday's orders to slack"), day(1));
        assert_eq!(said("send me today's meetings"), day(0));
        assert_eq!(
            said("every day post orders from the past hour"),
            Some(Said::Minutes(60))
        );
        assert_eq!(
            said("the last 24 hours of orders"),
            Some(Said::Minutes(1440))
        );
        assert_eq!(said("in the past 3 days"), Some(Said::Minutes(3 * 1440)));
        assert_eq!(
            said("every monday post last week's sales"),
            Some(Said::Calendar {
                unit: Unit::Week,
                back: 1
            })
        );
        assert_eq!(
            said("a summary of this month's invoices"),
            Some(Said::Calendar {
                unit: Unit::Month,
                back: 0
            })
        );
    }

    #[test]
    fn a_prompt_without_a_period_names_none() {
        for p in [
            "every day at 9am post new shopify orders to slack",
            "on the last day of the month export the rows",
            "every 15 minutes check the orders",
            "post it to the channel until today is over",
            "keep the last 3 rows",
        ] {
            assert_eq!(said(p), None, "{p}");
        }
    }

    #[test]
    fn the_param_reads_back_and_other_text_is_no_period() {
        for s in [
            Said::Calendar {
                unit: Unit::Day,
                back: 1,
            },
            Said::Calendar {
                unit: Unit::Month,
                back: 0,
            },
            Said::Calendar {
                unit: Unit::Week,
                back: 2,
            },
            Said::Minutes(90),
        ] {
            assert_eq!(Said::from_param(&s.param()), Some(s), "{}", s.param());
        }
        for text in [
            "yesterday",
            "0 minutes",
            "forever",
            "",
            "previous fortnight",
        ] {
            assert_eq!(Said::from_param(text), None, "{text}");
        }
    }

    #[test]
    fn a_python_literal_holds_the_cron_fields() {
        let c = Cron::parse("0 9 ? * MON-FRI *").unwrap();
        assert_eq!(
            c.python_literal(),
            r#"{"minutes": [0], "hours": [9], "days": None, "last_day": False, "months": None, "weekdays": [0, 1, 2, 3, 4]}"#
        );
        let c = Cron::parse("30 8 L 1,4,7,10 ? *").unwrap();
        assert!(
            c.python_literal()
                .contains(r#""days": [], "last_day": True, "months": [1, 4, 7, 10]"#)
        );
        assert_eq!(
            Cron::parse("0 9 ? * SUN *").unwrap().weekdays,
            Some(vec![6])
        );
    }
}
