//! Turns time phrases ("every weekday at 9am", "every 15 minutes", "on the 1st of each month",
//! "nightly at 2 UTC") into EventBridge Scheduler expressions.

use crate::text::Tok;

/// A parsed schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Schedule {
    /// `cron(0 9 ? * MON-FRI *)` or `rate(15 minutes)`.
    pub expression: String,
    /// IANA zone when one was named.
    pub timezone: Option<String>,
    /// "every weekday at 09:00".
    pub description: String,
    /// The time of day was not said and was assumed.
    pub assumed_time: bool,
    /// Written out as a cron or rate expression in the prompt ([`literal`]): the schedule is
    /// the trigger whatever else the prompt says.
    pub literal: bool,
}

const DAYS: &[(&str, &str, &str)] = &[
    ("monday", "MON", "Monday"),
    ("tuesday", "TUE", "Tuesday"),
    ("wednesday", "WED", "Wednesday"),
    ("thursday", "THU", "Thursday"),
    ("friday", "FRI", "Friday"),
    ("saturday", "SAT", "Saturday"),
    ("sunday", "SUN", "Sunday"),
];

const ZONES: &[(&str, &str)] = &[
    ("utc", "UTC"),
    ("gmt", "Europe/London"),
    ("bst", "Europe/London"),
    ("london", "Europe/London"),
    ("uk", "Europe/London"),
    ("cet", "Europe/Berlin"),
    ("cest", "Europe/Berlin"),
    ("berlin", "Europe/Berlin"),
    ("paris", "Europe/Paris"),
    ("madrid", "Europe/Madrid"),
    ("amsterdam", "Europe/Amsterdam"),
    ("est", "America/New_York"),
    ("edt", "America/New_York"),
    ("eastern", "America/New_York"),
    ("et", "America/New_York"),
    ("york", "America/New_York"),
    ("cst", "America/Chicago"),
    ("cdt", "America/Chicago"),
    ("central", "America/Chicago"),
    ("chicago", "America/Chicago"),
    ("mst", "America/Denver"),
    ("mountain", "America/Denver"),
    ("denver", "America/Denver"),
    ("pst", "America/Los_Angeles"),
    ("pdt", "America/Los_Angeles"),
    ("pt", "America/Los_Angeles"),
    ("pacific", "America/Los_Angeles"),
    ("ist", "Asia/Kolkata"),
    ("india", "Asia/Kolkata"),
    ("jst", "Asia/Tokyo"),
    ("tokyo", "Asia/Tokyo"),
    ("singapore", "Asia/Singapore"),
    ("sydney", "Australia/Sydney"),
    ("aest", "Australia/Sydney"),
];

/// Words that take back what was just said ("every monday no wait every friday").
const CORRECTIONS: &[&str] = &[
    "no wait",
    "wait no",
    "i mean",
    "actually",
    "sorry",
    "scratch that",
    "or rather",
    "make that",
];

/// Frequency words that can name a billing period rather than when to run.
const PERIOD_WORDS: &[&str] = &[
    "weekly",
    "biweekly",
    "monthly",
    "quarterly",
    "yearly",
    "annual",
    "annually",
];

/// Nouns a frequency word describes when it is a billing period: "the yearly plan", "monthly
/// billing", "an annual subscription".
const BILLING_NOUNS: &[&str] = &[
    "plan",
    "plans",
    "billing",
    "subscription",
    "subscriptions",
    "tier",
    "pricing",
    "membership",
    "memberships",
    "contract",
    "contracts",
    "cycle",
    "term",
    "renewal",
    "renewals",
];

/// Nouns of money asked or paid that a frequency word describes when something happens to
/// them: "the monthly invoice is paid", "an annual payment fails".
const BILLED_NOUNS: &[&str] = &[
    "invoice", "invoices", "payment", "payments", "charge", "charges", "bill", "bills",
];

/// Verbs of a change of plan: "changes from annual to monthly", "switches to yearly".
const PLAN_CHANGES: &[&str] = &[
    "change",
    "changes",
    "changed",
    "switch",
    "switches",
    "switched",
    "upgrade",
    "upgrades",
    "upgraded",
    "downgrade",
    "downgrades",
    "downgraded",
    "move",
    "moves",
    "moved",
    "convert",
    "converts",
    "converted",
];

/// The frequency word at `i` names a billing period, not a schedule: "changes from annual to
/// monthly", "upgrades to the yearly plan", "the monthly invoice is paid". "monthly invoices"
/// with nothing happening to them ("send the monthly invoices") stays a schedule.
fn billing_period(toks: &[Tok], i: usize) -> bool {
    let w = |k: usize| toks.get(k).map_or("", |t| t.w.as_str());
    if !PERIOD_WORDS.contains(&w(i)) {
        return false;
    }
    let next = w(i + 1);
    if BILLING_NOUNS.contains(&next) || (next == "billed" || next == "billing") {
        return true;
    }
    if BILLED_NOUNS.contains(&next)
        && matches!(
            w(i + 2),
            "is" | "are" | "was" | "were" | "gets" | "get" | "fails" | "failed" | "bounces"
        )
    {
        return true;
    }
    let prev = w(i.wrapping_sub(1));
    // "from annual", "to monthly" after a verb of change
    (prev == "from"
        || prev == "to"
        || (matches!(prev, "the" | "a" | "an") && w(i.wrapping_sub(2)) == "to"))
        && (i.saturating_sub(5)..i).any(|k| PLAN_CHANGES.contains(&w(k)))
}

/// Nouns of places a day-named product keeps things in: "the hiring board on monday" is a
/// board in Monday.com, not a day.
const PLACE_NOUNS: &[&str] = &["board", "boards", "workspace", "workspaces"];

/// Words right after a day that make it a day again: "the board on monday at 9", "on monday
/// morning".
const DAY_AFTER: &[&str] = &[
    "at",
    "morning",
    "mornings",
    "afternoon",
    "evening",
    "night",
    "noon",
    "before",
    "after",
    "by",
    "and",
    "or",
    "through",
    "to",
    "until",
];

/// The day word at `i` follows "on" after a place noun ("add it to the hiring board on monday"),
/// with no time after it, or "in" after a place noun ("the volunteers board in monday and ...":
/// a day is never "in monday"): the name of the product, not a day.
pub(crate) fn place_on_day(toks: &[Tok], i: usize) -> bool {
    let w = |k: usize| toks.get(k).map_or("", |t| t.w.as_str());
    let Some(on) = i.checked_sub(1) else {
        return false;
    };
    let next = w(i + 1);
    let placed = (on.saturating_sub(2)..on)
        .any(|k| PLACE_NOUNS.contains(&w(k)) && toks[k].clause == toks[i].clause);
    let timed = next.starts_with(|c: char| c.is_ascii_digit());
    match w(on) {
        "on" => placed && !DAY_AFTER.contains(&next) && !timed,
        "in" => placed && !timed,
        _ => false,
    }
}

/// `monthly_day` of "the first working day of the month" (`1W`); 32 is the last day (`L`).
const FIRST_WORKING_DAY: u32 = 33;

/// `monthly_day` of "the last working day of the month": EventBridge's `LW`, the last weekday
/// of the month.
const LAST_WORKING_DAY: u32 = 34;

/// "business day", "working day", "work day", "weekday", "workday" at token `i`: how many
/// tokens it takes.
fn working_day_at(toks: &[Tok], i: usize) -> Option<usize> {
    let w = |k: usize| toks.get(k).map_or("", |t| t.w.as_str());
    match (w(i), w(i + 1)) {
        ("business" | "working" | "work", "day") => Some(2),
        ("weekday" | "workday" | "businessday", _) => Some(1),
        _ => None,
    }
}

/// Month names and their numbers in the cron month field.
const MONTHS: &[(&str, &str, &str)] = &[
    ("january", "1", "January"),
    ("february", "2", "February"),
    ("march", "3", "March"),
    ("april", "4", "April"),
    ("may", "5", "May"),
    ("june", "6", "June"),
    ("july", "7", "July"),
    ("august", "8", "August"),
    ("september", "9", "September"),
    ("october", "10", "October"),
    ("november", "11", "November"),
    ("december", "12", "December"),
];

/// A date in the year at token `i` after "every"/"each" ("each December 31", "every 15th of
/// March", "every March 3rd"): the month's entry and the day.
fn date_in_year(
    toks: &[Tok],
    i: usize,
) -> Option<(&'static (&'static str, &'static str, &'static str), u32)> {
    let w = |k: usize| toks.get(k).map_or("", |t| t.w.as_str());
    let month = |x: &str| MONTHS.iter().find(|m| m.0 == x);
    if !matches!(w(i.wrapping_sub(1)), "every" | "each") {
        return None;
    }
    // "December 31", "December 31st"
    if let Some(m) = month(w(i)) {
        let n = w(i + 1);
        let d = n
            .parse::<u32>()
            .ok()
            .or_else(|| day_of_month(toks, i + 1).map(|x| x.0))?;
        return (1..=31).contains(&d).then_some((m, d));
    }
    // "the 15th of March"
    let at = if w(i) == "the" { i + 1 } else { i };
    let (d, used) = day_of_month(toks, at)?;
    (w(at + used) == "of").then_some(())?;
    month(w(at + used + 1)).map(|m| (m, d))
}

fn day(w: &str) -> Option<(&'static str, &'static str)> {
    let w = w.strip_suffix('s').unwrap_or(w);
    DAYS.iter()
        .find(|(k, _, _)| *k == w || (w.len() >= 3 && k.starts_with(w) && w.len() <= 4))
        .map(|&(_, c, n)| (c, n))
}

/// "end of (the|each|every) (day|business day|work day|workday|week|work week)", "close of
/// business", "end of business", "eod", "cob": how many words, and whether it is the week's end.
fn end_of_period(toks: &[Tok], i: usize) -> Option<(usize, bool)> {
    let w = |k: usize| toks.get(k).map_or("", |t| t.w.as_str());
    match w(i) {
        "eod" | "cob" => return Some((1, false)),
        "close" | "end" if w(i + 1) == "of" && w(i + 2) == "business" => return Some((3, false)),
        "end" if w(i + 1) == "of" => {}
        _ => return None,
    }
    let mut k = i + 2;
    if matches!(w(k), "the" | "each" | "every" | "a") {
        k += 1;
    }
    if matches!(w(k), "business" | "work" | "working") {
        k += 1;
    }
    match w(k) {
        "day" | "workday" => Some((k + 1 - i, false)),
        "week" | "workweek" => Some((k + 1 - i, true)),
        _ => None,
    }
}

/// "the first Monday of", "the last Friday of": the day-of-week field of EventBridge's cron
/// (`2#1`, `6L`; 1 is Sunday, `#` the nth of the month, `L` the last) and the words it says.
fn nth_weekday(toks: &[Tok], i: usize) -> Option<(String, String)> {
    let w = |k: usize| toks.get(k).map_or("", |t| t.w.as_str());
    let nth = match w(i) {
        "first" | "1st" => "#1",
        "second" | "2nd" => "#2",
        "third" | "3rd" => "#3",
        "fourth" | "4th" => "#4",
        "last" => "L",
        _ => return None,
    };
    let (code, name) = day(w(i + 1))?;
    let period = (i + 3..=i + 4).any(|k| matches!(w(k), "month" | "quarter"));
    if w(i + 2) != "of" || w(i + 1).ends_with('s') || !period {
        return None;
    }
    let number = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        .iter()
        .position(|c| *c == code)?
        + 1;
    Some((format!("{number}{nth}"), format!("on the {} {name}", w(i))))
}

fn unit(w: &str) -> Option<&'static str> {
    match w {
        "minute" | "minutes" | "min" | "mins" => Some("minute"),
        "hour" | "hours" | "hr" | "hrs" => Some("hour"),
        "day" | "days" => Some("day"),
        "week" | "weeks" => Some("week"),
        "month" | "months" => Some("month"),
        _ => None,
    }
}

/// A time of day said in the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TimeOfDay {
    hour: u32,
    minute: u32,
    /// Tokens it used.
    used: usize,
    /// `am`/`pm` (or a 24-hour clock, noon, midnight) said it; otherwise the part of the
    /// day decides.
    explicit: bool,
    /// Said after "at" ("at 9", "at like 7:30"): the run's time rather than one in the data.
    after_at: bool,
}

/// Words between "at" and the hour that change nothing ("at like 7:30", "at around 9").
const HEDGES: &[&str] = &["like", "around", "about", "roughly", "approximately"];

/// "half past 8", "quarter past 9", "quarter to 5" at token `i`, with an `am`/`pm` after the
/// hour when one is said.
fn spoken_time(toks: &[Tok], i: usize) -> Option<TimeOfDay> {
    let w = |k: usize| toks.get(k).map_or("", |t| t.w.as_str());
    let (minute, before) = match (w(i), w(i + 1)) {
        ("half", "past" | "after") => (30, false),
        ("quarter", "past" | "after") => (15, false),
        ("quarter", "to" | "till" | "of") => (45, true),
        _ => return None,
    };
    // "half past midnight", "quarter past noon"
    match w(i + 2) {
        "midnight" | "noon" if !before => {
            return Some(TimeOfDay {
                hour: if w(i + 2) == "noon" { 12 } else { 0 },
                minute,
                used: 3,
                explicit: true,
                after_at: after_at(toks, i),
            });
        }
        _ => {}
    }
    let hour_tok = w(i + 2);
    let (digits, suffix) = hour_tok.split_at(
        hour_tok
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(hour_tok.len()),
    );
    let said: u32 = digits.parse().ok()?;
    if !(1..=12).contains(&said) {
        return None;
    }
    let hour = if before { said - 1 } else { said };
    let mut hour = if hour == 0 { 12 } else { hour };
    let mut used = 3;
    let pm = match (suffix, w(i + 3)) {
        ("am", _) => Some(false),
        ("pm", _) => Some(true),
        ("", "am") => {
            used += 1;
            Some(false)
        }
        ("", "pm") => {
            used += 1;
            Some(true)
        }
        ("", _) => None,
        _ => return None,
    };
    match pm {
        Some(true) if hour != 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    Some(TimeOfDay {
        hour,
        minute,
        used,
        explicit: pm.is_some(),
        after_at: after_at(toks, i),
    })
}

/// "at" before token `i`, perhaps with a hedge between ("at like 7").
fn after_at(toks: &[Tok], i: usize) -> bool {
    let w = |k: usize| toks.get(k).map_or("", |t| t.w.as_str());
    i > 0 && (w(i - 1) == "at" || (i > 1 && w(i - 2) == "at" && HEDGES.contains(&w(i - 1))))
}

/// A time of day found at token `i`. A bare number is a time only after "at" (or `bare`:
/// after "at 9 and"); `9:30` and `14:00` are times anywhere.
fn time_at(text: &str, toks: &[Tok], i: usize, bare: bool) -> Option<TimeOfDay> {
    let w = toks.get(i)?.w.as_str();
    let at = after_at(toks, i);
    let fixed = |hour| {
        Some(TimeOfDay {
            hour,
            minute: 0,
            used: 1,
            explicit: true,
            after_at: at,
        })
    };
    match w {
        "noon" | "midday" => return fixed(12),
        "midnight" => return fixed(0),
        _ => {}
    }
    // "half past 8", "quarter to 5" (dictated times)
    if let Some(t) = spoken_time(toks, i) {
        return Some(t);
    }
    let (digits, suffix) = w.split_at(w.find(|c: char| !c.is_ascii_digit()).unwrap_or(w.len()));
    let mut hour: u32 = digits.parse().ok()?;
    let mut used = 1;
    let mut minute = 0;
    let mut colon = false;
    let mut ampm = match suffix {
        "am" => Some(false),
        "pm" => Some(true),
        "h" if digits.len() == 4 => {
            // "1730h"
            minute = hour % 100;
            hour /= 100;
            colon = true;
            None
        }
        "" => None,
        _ => return None,
    };
    if suffix.is_empty() {
        // "9:30" or "9.30"
        if let Some(next) = toks.get(i + 1) {
            let between = &text[toks[i].end..next.start];
            if (between == ":" || between == ".") && next.w.len() == 2 {
                let (md, ms) = next.w.split_at(2.min(next.w.len()));
                if let Ok(m) = md.parse::<u32>() {
                    minute = m;
                    used = 2;
                    colon = between == ":";
                    ampm = match ms {
                        "am" => Some(false),
                        "pm" => Some(true),
                        _ => None,
                    };
                }
            } else if between == ":" && next.w.len() == 4 {
                let (md, ms) = next.w.split_at(2);
                if let (Ok(m), true) = (md.parse::<u32>(), ms == "am" || ms == "pm") {
                    minute = m;
                    used = 2;
                    colon = true;
                    ampm = Some(ms == "pm");
                }
            }
        }
        if ampm.is_none() {
            match toks.get(i + used).map(|t| t.w.as_str()) {
                Some("am") => {
                    ampm = Some(false);
                    used += 1;
                }
                Some("pm") => {
                    ampm = Some(true);
                    used += 1;
                }
                _ => {}
            }
        }
    }
    if let Some(pm) = ampm {
        if hour == 0 || hour > 12 {
            return None;
        }
        if pm && hour != 12 {
            hour += 12;
        } else if !pm && hour == 12 {
            hour = 0;
        }
    } else if !(at || bare || colon) || hour > 23 || (used == 1 && digits.len() > 2) {
        // bare numbers are times only after "at" (e.g. "at 2 UTC"); "14:00" anywhere
        return None;
    }
    (hour < 24 && minute < 60).then_some(TimeOfDay {
        hour,
        minute,
        used,
        // a 24-hour clock ("14:00", "06:00") says which half of the day; "11:30" (how "eleven
        // thirty" is written) does not: "every night at 11:30" is 23:30
        explicit: ampm.is_some()
            || hour > 12
            || (colon && digits.len() == 2 && !(10..=11).contains(&hour)),
        after_at: at,
    })
}

/// The times listed after the time `t` at token `i`, joined by "and" or commas: "at 9 and 5",
/// "6am, 2pm and 10pm". Bare numbers count only after "at"; after a time without "at" each
/// one must say am/pm (or be a 24-hour clock), as the first must.
fn times_listed(text: &str, toks: &[Tok], i: usize, t: TimeOfDay) -> Vec<TimeOfDay> {
    let mut more = Vec::new();
    if !(t.after_at || t.explicit) {
        return more;
    }
    let mut k = i + t.used;
    while k < toks.len() && more.len() < 23 {
        let and = toks[k].w == "and";
        let comma = k > 0 && text[toks[k - 1].end..toks[k].start].contains(',');
        if !(and || comma) {
            break;
        }
        let next = if and { k + 1 } else { k };
        let Some(t2) = time_at(text, toks, next, t.after_at && and) else {
            break;
        };
        if !(t.after_at || t2.explicit) {
            break;
        }
        more.push(t2);
        k = next + t2.used;
    }
    more
}

/// A time said without am/pm, read with the part of the day it is in: "every evening at 9" is
/// 21:00, "night at 11" 23:00 (but "night at 2" 02:00), and on its own an hour from 1 to 5 is in
/// the working afternoon ("every friday at 3").
fn with_part_of_day(t: TimeOfDay, part: Option<&str>) -> u32 {
    let h = t.hour;
    if t.explicit || h == 0 || h >= 12 {
        return h;
    }
    match part {
        Some("evening" | "afternoon") => h + 12,
        Some("night") if h >= 6 => h + 12,
        Some(_) => h,
        None if (1..=5).contains(&h) => h + 12,
        None => h,
    }
}

/// Ordinal words for days of the month ("the fifteenth"); "twenty eighth" arrives as `20`
/// `eighth`.
const ORDINAL_WORDS: &[(&str, u32)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("eleventh", 11),
    ("twelfth", 12),
    ("thirteenth", 13),
    ("fourteenth", 14),
    ("fifteenth", 15),
    ("sixteenth", 16),
    ("seventeenth", 17),
    ("eighteenth", 18),
    ("nineteenth", 19),
    ("twentieth", 20),
    ("thirtieth", 30),
];

/// A day of the month at token `i` ("15th", "fifteenth", "20 eighth"): (day, tokens used).
fn day_of_month(toks: &[Tok], i: usize) -> Option<(u32, usize)> {
    let w = |k: usize| toks.get(k).map_or("", |t| t.w.as_str());
    let word = |x: &str| ORDINAL_WORDS.iter().find(|(k, _)| *k == x).map(|&(_, v)| v);
    let n = w(i);
    let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
    let (d, used) = if digits.is_empty() {
        (word(n)?, 1)
    } else if matches!(&n[digits.len()..], "st" | "nd" | "rd" | "th") {
        (digits.parse().ok()?, 1)
    } else if matches!(n, "20" | "30")
        && let Some(u) = word(w(i + 1)).filter(|u| *u < 10)
    {
        (digits.parse::<u32>().ok()? + u, 2)
    } else {
        return None;
    };
    (1..=31).contains(&d).then_some((d, used))
}

/// Finds a schedule in the prompt, if it names one.
/// Words that take days out of a schedule ("every day except Sunday", "daily but not on
/// weekends", "every hour excluding Saturdays"); each is matched as whole words.
const EXCEPT_CUES: &[&str] = &[
    "except",
    "except for",
    "except on",
    "excluding",
    "but not",
    "but not on",
    "but",
    "other than",
    "apart from",
    "not on",
    "skipping",
    "skip",
];

/// The days a schedule's exception names: where the exception's day words are (so the
/// schedule does not read them as run days) and the days taken out. "except Sunday",
/// "but not on Saturdays or Sundays", "excluding weekends", "except the weekend". Only day
/// words may follow the cue (with list joins, "the", "on"); "except the Stripe ones" names no
/// day and is no exception.
fn exception_days(toks: &[Tok]) -> (Vec<usize>, Vec<&'static str>) {
    let w = |i: usize| toks.get(i).map_or("", |t| t.w.as_str());
    let mut at = Vec::new();
    let mut out: Vec<&'static str> = Vec::new();
    for i in 0..toks.len() {
        // the longest cue that starts here
        let Some(len) = EXCEPT_CUES
            .iter()
            .map(|c| c.split(' ').collect::<Vec<_>>())
            .filter(|c| c.iter().enumerate().all(|(k, cw)| w(i + k) == *cw))
            .map(|c| c.len())
            .max()
        else {
            continue;
        };
        let mut k = i + len;
        let mut found: Vec<(usize, Vec<&'static str>)> = Vec::new();
        loop {
            let cur = w(k);
            if matches!(cur, "the" | "on" | "and" | "or" | "nor") {
                k += 1;
                continue;
            }
            if matches!(cur, "weekend" | "weekends") {
                found.push((k, vec!["SAT", "SUN"]));
            } else if let Some((code, _)) = day(cur) {
                found.push((k, vec![code]));
            } else {
                break;
            }
            k += 1;
        }
        for (pos, codes) in found {
            at.push(pos);
            for c in codes {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    (at, out)
}

/// The run days left after an exception: from the days the schedule named (or every weekday,
/// the weekend, or the whole week), those the exception did not take out, in the week's
/// order; `None` when nothing is left (the exception is then not read as one).
fn days_left(
    weekdays: bool,
    weekends: bool,
    days: &[(&'static str, &'static str)],
    except: &[&str],
) -> Option<Vec<(&'static str, &'static str)>> {
    let base: Vec<(&'static str, &'static str)> = DAYS
        .iter()
        .map(|&(_, c, n)| (c, n))
        .filter(|(c, _)| {
            if weekdays {
                !matches!(*c, "SAT" | "SUN")
            } else if weekends {
                matches!(*c, "SAT" | "SUN")
            } else if !days.is_empty() {
                days.iter().any(|d| d.0 == *c)
            } else {
                true
            }
        })
        .collect();
    let left: Vec<_> = base
        .into_iter()
        .filter(|(c, _)| !except.contains(c))
        .collect();
    (!left.is_empty()).then_some(left)
}

pub(crate) fn parse(text: &str, toks: &[Tok]) -> Option<Schedule> {
    if let Some(s) = literal(text) {
        return Some(s);
    }
    let w = |i: usize| toks.get(i).map_or("", |t| t.w.as_str());
    let mut rate: Option<(u32, &str)> = None;
    let mut days: Vec<(&str, &str)> = Vec::new();
    let mut weekdays = false;
    let mut weekends = false;
    let mut daily = false;
    let mut monthly_day: Option<u32> = None;
    // "1,4,7,10" for quarterly, "1" for yearly
    let mut months: Option<&str> = None;
    let mut time: Option<TimeOfDay> = None;
    // more times the same day ("twice a day at 9 and 5", "each shift (6am, 2pm, 10pm)")
    let mut more: Vec<TimeOfDay> = Vec::new();
    // more days of the month ("on the 1st and 15th")
    let mut more_days: Vec<u32> = Vec::new();
    let mut day_said = false;
    // "between 8am and 8pm": the hours a frequent run keeps to (the last whole hour it starts
    // in), and the last hour an hourly run may start at ("every hour between 8am and 6pm" runs
    // at 18:00 too)
    let mut window: Option<(u32, u32)> = None;
    let mut last_hour: Option<u32> = None;
    // "during business hours": on working days unless days are named
    let mut business_hours = false;
    let mut part_of_day: Option<(u32, &str)> = None;
    // "the last Friday of every month": the day-of-week field and its words
    let mut nth: Option<(String, String)> = None;
    let mut zone: Option<&str> = None;
    let mut cue = false;
    // Monday put in only because "weekly" / "every week" names no day: a day said elsewhere
    // ("weekly ... every Thursday at 10") replaces it
    let mut default_monday = false;
    // "the first (or last) business day of the month": its words also say "business day", which
    // is not every weekday here
    let mut working_day_of_month = false;
    // "each December 31": the month's entry and the day
    let mut date: Option<(&(&str, &str, &str), u32)> = None;

    // "every monday no wait every friday": what follows a correction replaces what it repeats
    let mut correction = false;
    let mut days_corrected = false;
    let mut time_corrected = false;
    let (excepted, except_codes) = exception_days(toks);
    for i in 0..toks.len() {
        let cur = w(i);
        // "every day except Sunday": the exception's days are not run days
        if excepted.contains(&i) {
            continue;
        }
        // "a sheet called daily sales": a name, not a schedule
        if matches!(w(i.wrapping_sub(1)), "called" | "named" | "titled") {
            continue;
        }
        if (!days.is_empty() || time.is_some() || rate.is_some() || weekdays)
            && CORRECTIONS
                .iter()
                .any(|c| c.split(' ').enumerate().all(|(k, cw)| w(i + k) == cw))
        {
            correction = true;
            days_corrected = false;
            time_corrected = false;
        }
        if nth.is_none()
            && let Some(n) = nth_weekday(toks, i)
        {
            nth = Some(n);
            cue = true;
        }
        let every = matches!(cur, "every" | "each" | "once")
            || (cur == "per" && matches!(w(i.wrapping_sub(1)), "once" | "twice"));
        if billing_period(toks, i) {
            continue;
        }
        match cur {
            "daily" | "nightly" | "everyday" => {
                daily = true;
                cue = true;
                if cur == "nightly" && part_of_day.is_none() {
                    part_of_day = Some((2, "night"));
                }
            }
            "hourly" => {
                rate = Some((1, "hour"));
                cue = true;
            }
            "weekly" => {
                cue = true;
                if days.is_empty() {
                    days.push(("MON", "Monday"));
                    default_monday = true;
                }
            }
            "monthly" => {
                cue = true;
                monthly_day.get_or_insert(1);
            }
            "quarterly" | "quarter"
                if cur == "quarterly"
                    || matches!(w(i.wrapping_sub(1)), "every" | "each")
                    || (w(i.wrapping_sub(1)) == "a" && w(i.wrapping_sub(2)) == "once") =>
            {
                cue = true;
                monthly_day.get_or_insert(1);
                months = Some("1,4,7,10");
            }
            "yearly" | "annually" | "year"
                if cur != "year" || matches!(w(i.wrapping_sub(1)), "every" | "each") =>
            {
                cue = true;
                monthly_day.get_or_insert(1);
                months = Some("1");
            }
            "weekday" | "weekdays" | "workday" | "workdays" | "businessday"
                if (matches!(
                    w(i.wrapping_sub(1)),
                    "every" | "each" | "on" | "weekday" | "all" | "the"
                ) || cur.ends_with('s')
                    || matches!(
                        w(i + 1),
                        "morning" | "mornings" | "evening" | "evenings" | "afternoons" | "at"
                    )) =>
            {
                weekdays = true;
                cue = true;
            }
            "weekend" | "weekends"
                if (matches!(w(i.wrapping_sub(1)), "every" | "each" | "on" | "the")
                    || cur == "weekends") =>
            {
                weekends = true;
                cue = true;
            }
            _ => {}
        }
        if cur == "business" && w(i + 1) == "day" {
            weekdays = true;
            cue = true;
        }
        // "every working day", "on work days" (not "within three working days")
        if matches!(cur, "working" | "work" | "school")
            && matches!(w(i + 1), "day" | "days")
            && matches!(w(i.wrapping_sub(1)), "every" | "each" | "on" | "all")
        {
            weekdays = true;
            cue = true;
        }
        if cur == "monday" && w(i + 1) == "to" && w(i + 2) == "friday"
            || cur == "mon" && w(i + 1) == "fri"
        {
            weekdays = true;
            cue = true;
        }
        if let Some(d) = day(cur).filter(|_| !place_on_day(toks, i)) {
            let prev = w(i.wrapping_sub(1));
            // "Sat 9am: ...", "mondays 07:00": a day with a time right after it
            let timed = time_at(text, toks, i + 1, false).is_some_and(|t| t.explicit);
            // "every monday wednesday and friday": a day after a day taken
            let listed = day(prev).is_some_and(|p| days.contains(&p));
            if matches!(
                prev,
                "every" | "each" | "on" | "and" | "next" | "other" | "by"
            ) || cur.ends_with("days")
                || timed
                || listed
            {
                if correction && !days_corrected {
                    days.clear();
                    weekdays = false;
                    weekends = false;
                    rate = None;
                    days_corrected = true;
                }
                if default_monday {
                    days.clear();
                    default_monday = false;
                }
                if !weekdays && !days.contains(&d) {
                    days.push(d);
                }
                cue = true;
            }
        }
        if every {
            // "once a week" is "every week" ("once a day" is handled below)
            let once_a =
                cur == "once" && matches!(w(i + 1), "a" | "an") && unit(w(i + 2)).is_some();
            let next = if once_a { w(i + 2) } else { w(i + 1) };
            if let Ok(n) = next.parse::<u32>() {
                if let Some(u) = unit(w(i + 2)) {
                    rate = Some((n, u));
                    cue = true;
                }
            } else if let Some(u) = unit(next) {
                match u {
                    "day" => daily = true,
                    "week" => {
                        if days.is_empty() {
                            days.push(("MON", "Monday"));
                            default_monday = true;
                        }
                    }
                    "month" => {
                        monthly_day.get_or_insert(1);
                    }
                    _ => rate = Some((1, u)),
                }
                cue = true;
            } else if matches!(next, "morning" | "evening" | "night" | "afternoon") {
                daily = true;
                cue = true;
            } else if next == "half" && unit(w(i + 2)) == Some("hour") {
                rate = Some((30, "minute"));
                cue = true;
            } else if next == "other" && unit(w(i + 2)).is_some() {
                rate = unit(w(i + 2)).map(|u| (2, u));
                cue = true;
            }
            if cur == "once" && next == "a" && unit(w(i + 2)) == Some("day") {
                daily = true;
                cue = true;
            }
        }
        if cur == "twice" && w(i + 1) == "a" && unit(w(i + 2)) == Some("day") {
            rate = Some((12, "hour"));
            cue = true;
        }
        // "the tickets from overnight", "since last night", "yesterday evening": the period the
        // data covers, not when the run happens
        let data_period = cur == "overnight"
            || matches!(w(i.wrapping_sub(1)), "last" | "yesterday" | "since")
            || (day(w(i.wrapping_sub(1))).is_some()
                && matches!(w(i.wrapping_sub(2)), "last" | "since" | "from"));
        if !data_period {
            if matches!(cur, "morning" | "mornings") && part_of_day.is_none() {
                part_of_day = Some((9, "morning"));
            } else if matches!(cur, "evening" | "evenings") && part_of_day.is_none() {
                part_of_day = Some((18, "evening"));
            } else if matches!(cur, "afternoon" | "afternoons") && part_of_day.is_none() {
                part_of_day = Some((14, "afternoon"));
            } else if matches!(cur, "night" | "nights")
                && day(w(i.wrapping_sub(1))).is_some()
                && !matches!(part_of_day, Some((_, "evening" | "afternoon")))
            {
                // "sunday night" is that day's late evening, not the small hours after it
                part_of_day = Some((22, "night"));
            } else if matches!(cur, "night" | "nights") && part_of_day.is_none() {
                part_of_day = Some((2, "night"));
                if matches!(w(i.wrapping_sub(1)), "every" | "each") {
                    daily = true;
                    cue = true;
                }
            }
        }
        // "on the 1st of (every|each) month", "on the 15th", "on the first and fifteenth of
        // every month", "every month on the twenty eighth"
        if matches!(cur, "the" | "on" | "every" | "each" | "and")
            && let Some((d, used)) = day_of_month(toks, i + 1)
        {
            let worded = !w(i + 1).starts_with(|c: char| c.is_ascii_digit()) || used == 2;
            let near_month = (i.saturating_sub(4)..=i + used + 6)
                .any(|k| matches!(w(k), "month" | "monthly" | "months"));
            let listed = cur != "and" || day_of_month(toks, i.wrapping_sub(1)).is_some();
            if (!worded || near_month) && listed {
                // the first day said replaces the default of "every month"
                if !day_said {
                    monthly_day = Some(d);
                    day_said = true;
                } else if monthly_day != Some(d) && !more_days.contains(&d) {
                    more_days.push(d);
                }
                cue = true;
            }
        }
        // "end of the month", "every month end", "at month-end" (not "the month end file")
        let month_end = cur == "month"
            && w(i + 1) == "end"
            && (matches!(w(i.wrapping_sub(1)), "every" | "each" | "at" | "on")
                || (w(i.wrapping_sub(1)) == "the" && matches!(w(i.wrapping_sub(2)), "at" | "on")));
        if (cur == "end" && w(i + 1) == "of" && (w(i + 2) == "month" || w(i + 3) == "month"))
            || month_end
        {
            monthly_day = Some(32);
            cue = true;
        }
        // "at the end of the day", "by end of day", "at close of business", "eod": a daily run at
        // 17:00; "at the end of the week": Friday at 17:00. Only after a preposition of time or
        // at the start of a clause ("the end of day report" is a name)
        let lead = if w(i.wrapping_sub(1)) == "the" { 2 } else { 1 };
        if let Some((used, week)) = end_of_period(toks, i)
            && (i < lead
                || toks[i - lead].clause != toks[i].clause
                || matches!(
                    w(i - lead),
                    "at" | "by" | "around" | "before" | "every" | "each" | "come"
                ))
            && !matches!(
                w(i + used),
                "report" | "reports" | "summary" | "numbers" | "totals" | "file" | "sheet"
            )
        {
            if week {
                if days.is_empty() || default_monday {
                    days.clear();
                    days.push(("FRI", "Friday"));
                    default_monday = false;
                }
            } else {
                daily = true;
            }
            part_of_day.get_or_insert((17, "evening"));
            cue = true;
        }
        if date.is_none()
            && let Some(found) = date_in_year(toks, i)
        {
            date = Some(found);
            cue = true;
        }
        // "the first business day of every month": the weekday nearest the 1st, EventBridge's
        // `1W` (it stays in the month, so a Saturday 1st runs on Monday the 3rd)
        if matches!(cur, "first" | "1st")
            && let Some(len) = working_day_at(toks, i + 1)
            && w(i + 1 + len) == "of"
            && (i + 2 + len..=i + 3 + len).any(|k| w(k) == "month")
        {
            monthly_day = Some(FIRST_WORKING_DAY);
            working_day_of_month = true;
            cue = true;
        }
        // "the last business day of the month": the month's last weekday, EventBridge's `LW`
        if cur == "last"
            && let Some(len) = working_day_at(toks, i + 1)
            && w(i + 1 + len) == "of"
            && (i + 2 + len..=i + 3 + len).any(|k| w(k) == "month")
        {
            monthly_day = Some(LAST_WORKING_DAY);
            working_day_of_month = true;
            cue = true;
        }
        if cur == "last"
            && w(i + 1) == "day"
            && w(i + 2) == "of"
            && matches!(w(i + 3), "the" | "every" | "each" | "month")
        {
            monthly_day = Some(32);
            cue = true;
        }
        // "during business hours": 9 to 17
        if matches!(cur, "business" | "working" | "office")
            && matches!(w(i + 1), "hours" | "hour")
            && window.is_none()
        {
            window = Some((9, 17));
            last_hour = Some(17);
            business_hours = matches!(cur, "business" | "working" | "office");
        }
        // "between 8am and 8pm"
        if cur == "between"
            && let Some(from) = time_at(text, toks, i + 1, true)
            && matches!(w(i + 1 + from.used), "and" | "to")
            && let Some(to) = time_at(text, toks, i + 2 + from.used, true)
        {
            let (a, b) = (with_part_of_day(from, None), with_part_of_day(to, None));
            if a < b {
                window = Some((a, b - 1));
                last_hour = Some(b);
            }
        }
        // a time after "at" is the run's; one elsewhere ("orders placed after 3pm") only when
        // no other is said
        if window.is_none()
            && let Some(t) = time_at(text, toks, i, false)
            && (time.is_none_or(|old| t.after_at && !old.after_at)
                || (correction && !time_corrected))
        {
            time_corrected = correction;
            time = Some(t);
            cue = cue || t.after_at;
            more = times_listed(text, toks, i, t);
            // "at the start of each shift (6am, 2pm, 10pm)": times with am/pm listed are the
            // run's
            cue = cue || (t.explicit && !more.is_empty());
        }
        // "at eight thirty, actually make it eight": the corrected time needs no "at"
        if correction
            && !time_corrected
            && cur == "make"
            && w(i + 1) == "it"
            && let Some(t) = time_at(text, toks, i + 2, true)
        {
            time_corrected = true;
            time = Some(t);
        }
        if zone.is_none()
            && let Some(&(_, z)) = ZONES.iter().find(|(k, _)| *k == cur)
        {
            let near_time = i > 0
                && toks[..i].iter().rev().take(4).any(|t| {
                    t.w.chars().next().is_some_and(|c| c.is_ascii_digit())
                        || t.w == "time"
                        || t.w == "noon"
                        || t.w == "midnight"
                });
            if near_time || w(i + 1) == "time" || matches!(w(i.wrapping_sub(1)), "in" | "time") {
                zone = Some(z);
            }
        }
    }
    if !cue {
        return None;
    }
    if working_day_of_month {
        weekdays = false;
    }
    // "every day except Sunday", "every hour but not on weekends": the days left, when the
    // schedule runs by the day or more often (a day of the month keeps its own days)
    let mut except_txt: Option<String> = None;
    if !except_codes.is_empty()
        && monthly_day.is_none()
        && nth.is_none()
        && date.is_none()
        && let Some(left) = days_left(weekdays, weekends, &days, &except_codes)
    {
        let every_day = !weekdays && !weekends && days.is_empty();
        let is_weekdays = left.len() == 5 && left.iter().all(|(c, _)| !matches!(*c, "SAT" | "SUN"));
        if every_day && !is_weekdays {
            let names: Vec<&str> = DAYS
                .iter()
                .filter(|(_, c, _)| except_codes.contains(c))
                .map(|&(_, _, n)| n)
                .collect();
            except_txt = Some(format!("every day except {}", names.join(" and ")));
        }
        days = if is_weekdays { Vec::new() } else { left };
        weekdays = is_weekdays;
        weekends = false;
    }
    if let Some((m, d)) = date {
        monthly_day = Some(d);
        more_days.clear();
        months = Some(m.1);
        nth = None;
        days.clear();
        weekdays = false;
        weekends = false;
    }
    let zone_txt = zone.map(|z| format!(" ({z})")).unwrap_or_default();
    // "twice a day at 9 and 5" names its times
    if !more.is_empty() && rate.is_some_and(|(n, u)| u == "hour" && n == 12) {
        rate = None;
    }
    if let Some((n, u)) = rate {
        let n = n.max(1);
        let desc = if n == 1 {
            format!("every {u}")
        } else {
            format!("every {n} {u}s")
        };
        // "every 30 minutes between 8am and 8pm on weekdays": a cron that keeps to the hours
        // and days
        let weekdays = weekdays || (business_hours && days.is_empty() && !weekends);
        let (dom_r, dow_r) = if weekdays {
            ("?", "MON-FRI".to_owned())
        } else if !days.is_empty() {
            ("?", days.iter().map(|d| d.0).collect::<Vec<_>>().join(","))
        } else {
            ("*", "?".to_owned())
        };
        let hours = window.map_or("*".to_owned(), |(a, b)| format!("{a}-{b}"));
        let bounded = window.is_some() || dom_r == "?";
        let desc = format!(
            "{desc}{}{}",
            window.map_or(String::new(), |(a, b)| format!(
                " between {a:02}:00 and {:02}:00",
                last_hour.unwrap_or(b + 1)
            )),
            if dom_r != "?" {
                String::new()
            } else if weekdays {
                " on weekdays".to_owned()
            } else if let Some(t) = &except_txt {
                format!(" ({t})")
            } else {
                format!(
                    " on {}",
                    days.iter().map(|d| d.1).collect::<Vec<_>>().join(" and ")
                )
            }
        );
        let expression = match u {
            "minute" if bounded && n < 60 && 60 % n == 0 => {
                format!("cron(0/{n} {hours} {dom_r} * {dow_r} *)")
            }
            "hour" if bounded && n < 24 => {
                let hours = window.map_or(format!("*/{n}"), |(a, b)| {
                    format!("{a}-{}/{n}", last_hour.unwrap_or(b))
                });
                format!("cron(0 {hours} {dom_r} * {dow_r} *)")
            }
            "hour" if (2..24).contains(&n) && 24 % n == 0 => format!("cron(0 */{n} * * ? *)"),
            "hour" | "minute" | "day" => format!("rate({n} {u}{})", if n == 1 { "" } else { "s" }),
            "week" => format!("rate({} days)", 7 * n),
            _ => format!("rate({} days)", 30 * n),
        };
        return Some(Schedule {
            expression,
            timezone: zone.map(str::to_owned),
            description: desc,
            assumed_time: false,
            literal: false,
        });
    }
    let assumed_time = time.is_none() && part_of_day.is_none();
    let part = part_of_day.map(|(_, p)| p);
    let (hour, minute) = match time {
        Some(t) => (with_part_of_day(t, part), t.minute),
        None => (part_of_day.map_or(9, |(h, _)| h), 0),
    };
    let mut at = format!("{hour:02}:{minute:02}");
    let mut hours = hour.to_string();
    // one cron has one minute field: the times listed at the first time's minute
    let mut all: Vec<u32> = std::iter::once(hour)
        .chain(
            more.iter()
                .filter(|t| t.minute == minute)
                .map(|&t| with_part_of_day(t, part)),
        )
        .collect();
    all.sort_unstable();
    all.dedup();
    if all.len() > 1 {
        hours = all.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        at = all
            .iter()
            .map(|h| format!("{h:02}:{minute:02}"))
            .collect::<Vec<_>>()
            .join(" and ");
    }
    let (dom, dow, what) = if let Some((field, words)) = nth {
        let period = if months.is_some() { "quarter" } else { "month" };
        ("?".to_owned(), field, format!("{words} of every {period}"))
    } else if let Some(d) = monthly_day {
        if d == LAST_WORKING_DAY {
            (
                "LW".to_owned(),
                "?".to_owned(),
                "on the last working day of every month".to_owned(),
            )
        } else if d == FIRST_WORKING_DAY {
            (
                "1W".to_owned(),
                "?".to_owned(),
                "on the first working day of every month".to_owned(),
            )
        } else if d == 32 {
            (
                "L".to_owned(),
                "?".to_owned(),
                "on the last day of every month".to_owned(),
            )
        } else {
            let mut all = vec![d];
            all.extend(more_days.iter().copied().filter(|&x| x != 32));
            let list: Vec<String> = all.iter().map(u32::to_string).collect();
            (
                list.join(","),
                "?".to_owned(),
                format!("on day {} of every month", list.join(" and ")),
            )
        }
    } else if weekdays {
        (
            "?".to_owned(),
            "MON-FRI".to_owned(),
            "every weekday".to_owned(),
        )
    } else if weekends {
        (
            "?".to_owned(),
            "SAT,SUN".to_owned(),
            "every weekend day".to_owned(),
        )
    } else if !days.is_empty() {
        let codes: Vec<&str> = days.iter().map(|d| d.0).collect();
        let names: Vec<&str> = days.iter().map(|d| d.1).collect();
        (
            "?".to_owned(),
            codes.join(","),
            except_txt.unwrap_or_else(|| format!("every {}", names.join(" and "))),
        )
    } else {
        let _ = daily;
        ("*".to_owned(), "?".to_owned(), "every day".to_owned())
    };
    let month = months.unwrap_or("*");
    let what = match (months, date) {
        (_, Some((m, d))) => format!("every year on {} {d}", m.2),
        _ if dom == "?" => what,
        (Some("1"), _) => "every year on January 1".to_owned(),
        (Some(_), _) => "every quarter on day 1".to_owned(),
        (None, _) => what,
    };
    Some(Schedule {
        expression: format!("cron({minute} {hours} {dom} {month} {dow} *)"),
        timezone: zone.map(str::to_owned),
        description: format!("{what} at {at}{zone_txt}"),
        assumed_time,
        literal: false,
    })
}

/// Characters of one field of a cron expression (numbers, names, `*`, `?`, `/`, `,`, `-`, and
/// EventBridge's `L`, `W` and `#`).
fn cron_field(f: &str) -> bool {
    !f.is_empty()
        && f.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '?' | '/' | ',' | '-' | '#'))
        && f.chars()
            .any(|c| c.is_ascii_digit() || matches!(c, '*' | '?'))
        && f.len() <= 20
}

/// A Unix day-of-week field (0 or 7 is Sunday) in EventBridge's names (`1-5` → `MON-FRI`);
/// names are kept.
fn unix_dow(f: &str) -> String {
    const NAMES: [&str; 8] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
    let mut out = String::new();
    let mut num = String::new();
    let flush = |num: &mut String, out: &mut String| {
        if !num.is_empty() {
            match num.parse::<usize>().ok().and_then(|n| NAMES.get(n)) {
                Some(name) => out.push_str(name),
                None => out.push_str(num),
            }
            num.clear();
        }
    };
    let mut after_slash = false;
    for c in f.chars() {
        if c.is_ascii_digit() && !after_slash {
            num.push(c);
            continue;
        }
        flush(&mut num, &mut out);
        after_slash = c == '/' || (after_slash && c.is_ascii_digit());
        out.push(c.to_ascii_uppercase());
    }
    flush(&mut num, &mut out);
    out
}

/// A cron or rate expression written out in the prompt: EventBridge's own form
/// (`cron(0 12 * * ? *)`, `rate(15 minutes)`), kept as it is, or a Unix crontab line of five
/// fields (`0 9 * * 1-5`) with at least one `*`, turned into EventBridge's form: a year field is
/// added, days of the week are named (Unix counts Sunday as 0, EventBridge as 1), and one of
/// day-of-month and day-of-week is `?`, as EventBridge requires. A Unix line that names both
/// (runs on either) keeps the days of the week: an approximation the description says.
pub(crate) fn literal(text: &str) -> Option<Schedule> {
    let lower = text.to_ascii_lowercase();
    for (head, rate) in [("cron(", false), ("rate(", true)] {
        let Some(at) = lower.find(head) else {
            continue;
        };
        let rest = &lower[at + head.len()..];
        let inner = &rest[..rest.find(')')?];
        let fields: Vec<&str> = inner.split_whitespace().collect();
        let expression = if rate {
            let n: u32 = fields.first()?.parse().ok()?;
            let unit = *fields.get(1)?;
            let ok = matches!(
                unit,
                "minute" | "minutes" | "hour" | "hours" | "day" | "days"
            ) && fields.len() == 2
                && n > 0
                && (n == 1) != unit.ends_with('s');
            if !ok {
                return None;
            }
            format!("rate({n} {unit})")
        } else {
            if fields.len() != 6 || !fields.iter().all(|f| cron_field(f)) {
                return None;
            }
            format!("cron({})", fields.join(" ").to_ascii_uppercase())
        };
        return Some(Schedule {
            description: format!("on the schedule {expression} written in the request"),
            expression,
            timezone: None,
            assumed_time: false,
            literal: true,
        });
    }
    // a Unix crontab line: five fields in a row, at least one of them `*`
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| matches!(c, '"' | '\'' | '`' | ',' | ';' | '(' | ')')))
        .collect();
    let start = (0..words.len().saturating_sub(4)).find(|&i| {
        let five = &words[i..i + 5];
        five.iter()
            .all(|f| cron_field(f) && !f.contains('?') && !f.contains('#'))
            && five.iter().any(|f| f.contains('*'))
            && five[..2].iter().all(|f| {
                f.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '*' | '/' | ',' | '-'))
            })
            && words
                .get(i + 5)
                .is_none_or(|n| !cron_field(n) || !n.contains('*'))
    })?;
    let f = &words[start..start + 5];
    let (minute, hour, dom, month) = (f[0], f[1], f[2], f[3].to_ascii_uppercase());
    let dow = unix_dow(f[4]);
    let (dom, dow, both) = match (dom, dow.as_str()) {
        (d, "*") => (d.to_owned(), "?".to_owned(), false),
        ("*", _) => ("?".to_owned(), dow, false),
        _ => ("?".to_owned(), dow, true),
    };
    let expression = format!("cron({minute} {hour} {dom} {month} {dow} *)");
    let unix = f.join(" ");
    Some(Schedule {
        description: if both {
            format!(
                "on the schedule `{unix}` written in the request, as {expression} (EventBridge cannot run on both a day of the month and a day of the week; the days of the week are kept)"
            )
        } else {
            format!("on the schedule `{unix}` written in the request, as {expression}")
        },
        expression,
        timezone: None,
        assumed_time: false,
        literal: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{normalize, tokenize};

    fn sched(s: &str, speech: bool) -> Option<(String, Option<String>)> {
        let text = normalize(s, speech);
        parse(&text, &tokenize(&text)).map(|s| (s.expression, s.timezone))
    }

    fn described(s: &str) -> Option<(String, String)> {
        let text = normalize(s, false);
        parse(&text, &tokenize(&text)).map(|s| (s.expression, s.description))
    }

    /// Days taken out of a schedule ("every day except Sunday") leave the other days; the
    /// cue words name no day elsewhere ("every day but post only the paid ones") and take
    /// nothing out.
    #[test]
    fn an_exception_takes_its_days_out_of_the_schedule() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "every day except sunday at 7am email me the orders",
                "cron(0 7 ? * MON,TUE,WED,THU,FRI,SAT *)",
                "every day except Sunday at 07:00",
            ),
            (
                "daily but not on weekends at 8 post the numbers",
                "cron(0 8 ? * MON-FRI *)",
                "every weekday at 08:00",
            ),
            (
                "every day at 6pm excluding saturdays and sundays",
                "cron(0 18 ? * MON-FRI *)",
                "every weekday at 18:00",
            ),
            (
                "every morning apart from the weekend send the digest",
                "cron(0 9 ? * MON-FRI *)",
                "every weekday at 09:00",
            ),
            (
                "every weekday except friday at 10 post the standup",
                "cron(0 10 ? * MON,TUE,WED,THU *)",
                "every Monday and Tuesday and Wednesday and Thursday at 10:00",
            ),
            (
                "every hour except on sundays check the queue",
                "cron(0 */1 ? * MON,TUE,WED,THU,FRI,SAT *)",
                "every hour (every day except Sunday)",
            ),
            (
                "every day other than saturday or sunday at noon",
                "cron(0 12 ? * MON-FRI *)",
                "every weekday at 12:00",
            ),
        ];
        for (prompt, expression, description) in cases {
            assert_eq!(
                described(prompt),
                Some(((*expression).to_owned(), (*description).to_owned())),
                "{prompt}"
            );
        }
        // no day after the cue: nothing is taken out
        let kept: &[(&str, &str)] = &[
            (
                "every day at 9 post the orders except the refunded ones",
                "cron(0 9 * * ? *)",
            ),
            (
                "every monday but only if there are new leads",
                "cron(0 9 ? * MON *)",
            ),
            (
                "every day at 7 post everything but the drafts",
                "cron(0 7 * * ? *)",
            ),
            // the exception would leave nothing: it is not read as one
            ("every sunday except sunday at 5", "cron(0 17 ? * SUN *)"),
            // a day of the month keeps its own days
            (
                "on the 1st of every month except saturday",
                "cron(0 9 1 * ? *)",
            ),
        ];
        for (prompt, expression) in kept {
            assert_eq!(
                described(prompt).map(|d| d.0),
                Some((*expression).to_owned()),
                "{prompt}"
            );
        }
    }

    /// A frequent run's description says the hours and days its cron keeps to.
    #[test]
    fn a_frequent_run_is_described_with_its_hours_and_days() {
        let cases: &[(&str, &str)] = &[
            (
                "every hour between 9 and 5 on weekdays",
                "every hour between 09:00 and 17:00 on weekdays",
            ),
            (
                "every 15 minutes during business hours",
                "every 15 minutes between 09:00 and 17:00 on weekdays",
            ),
            (
                "every 30 minutes on mondays and fridays",
                "every 30 minutes on Monday and Friday",
            ),
            ("every 10 minutes", "every 10 minutes"),
            ("hourly", "every hour"),
        ];
        for (prompt, description) in cases {
            assert_eq!(
                described(prompt).map(|d| d.1),
                Some((*description).to_owned()),
                "{prompt}"
            );
        }
    }

    #[test]
    fn parses_schedules() {
        let cases: &[(&str, bool, &str, Option<&str>)] = &[
            (
                "every weekday at 9am post",
                false,
                "cron(0 9 ? * MON-FRI *)",
                None,
            ),
            ("every 15 minutes check", false, "rate(15 minutes)", None),
            // the period the data covers is not the part of the day the run is in
            (
                "every weekday at 8:45, send me the new Zendesk tickets from overnight",
                false,
                "cron(45 8 ? * MON-FRI *)",
                None,
            ),
            (
                "every weekday at nine send me the incidents from last night",
                false,
                "cron(0 9 ? * MON-FRI *)",
                None,
            ),
            (
                "every night at 11 back up the table",
                false,
                "cron(0 23 * * ? *)",
                None,
            ),
            // the nth weekday of the month or quarter (EventBridge's `#` and `L`, 1 = Sunday)
            (
                "on the last friday of every month at four remind everyone",
                true,
                "cron(0 16 ? * 6L *)",
                None,
            ),
            (
                "on the first Monday of each quarter at 9am remind the staff",
                false,
                "cron(0 9 ? 1,4,7,10 2#1 *)",
                None,
            ),
            (
                "the second tuesday of the month at 10am",
                false,
                "cron(0 10 ? * 3#2 *)",
                None,
            ),
            // a corrected time said without "at"
            (
                "every morning at like eight thirty send me the overdue tasks, actually make it eight",
                true,
                "cron(0 8 * * ? *)",
                None,
            ),
            (
                "on the 1st of each month at midnight",
                false,
                "cron(0 0 1 * ? *)",
                None,
            ),
            (
                "nightly at 2 UTC back up",
                false,
                "cron(0 2 * * ? *)",
                Some("UTC"),
            ),
            (
                "every monday at nine a m",
                true,
                "cron(0 9 ? * MON *)",
                None,
            ),
            ("Every 6 hours, fetch", false, "cron(0 */6 * * ? *)", None),
            (
                "At 7am on weekdays, DM",
                false,
                "cron(0 7 ? * MON-FRI *)",
                None,
            ),
            (
                "every day at eight thirty send",
                true,
                "cron(30 8 * * ? *)",
                None,
            ),
            (
                "Every Friday at 6pm, export",
                false,
                "cron(0 18 ? * FRI *)",
                None,
            ),
            ("Nightly at 10pm, find", false, "cron(0 22 * * ? *)", None),
            (
                "every morning before standup",
                true,
                "cron(0 9 * * ? *)",
                None,
            ),
            (
                "Every Monday at noon, email",
                false,
                "cron(0 12 ? * MON *)",
                None,
            ),
            (
                "every day at 9:30 am Eastern time",
                false,
                "cron(30 9 * * ? *)",
                Some("America/New_York"),
            ),
            ("every hour", false, "rate(1 hour)", None),
            (
                "back up our database every night",
                true,
                "cron(0 2 * * ? *)",
                None,
            ),
            ("every half hour look", false, "rate(30 minutes)", None),
            (
                "every 1st of the month at 9am",
                false,
                "cron(0 9 1 * ? *)",
                None,
            ),
            (
                "at the end of each month export",
                false,
                "cron(0 9 L * ? *)",
                None,
            ),
            (
                "every tuesday no wait every thursday at 4pm",
                true,
                "cron(0 16 ? * THU *)",
                None,
            ),
            (
                "every day at half past eight",
                true,
                "cron(30 8 * * ? *)",
                None,
            ),
            (
                "each weekday at quarter to five",
                true,
                "cron(45 16 ? * MON-FRI *)",
                None,
            ),
            (
                "weekday mornings send",
                false,
                "cron(0 9 ? * MON-FRI *)",
                None,
            ),
            (
                "remind anyone whose timesheet is not in by friday 3pm",
                false,
                "cron(0 15 ? * FRI *)",
                None,
            ),
            (
                "every evening at 9 sync the invoices",
                false,
                "cron(0 21 * * ? *)",
                None,
            ),
            (
                "each friday at 3 post the summary",
                false,
                "cron(0 15 ? * FRI *)",
                None,
            ),
            (
                "every sunday 03:00 archive the rows",
                false,
                "cron(0 3 ? * SUN *)",
                None,
            ),
            (
                "every morning at like 7:30 grab the calendar",
                true,
                "cron(30 7 * * ? *)",
                None,
            ),
            (
                "twice a day at 9 and 5 pull the numbers",
                true,
                "cron(0 9,17 * * ? *)",
                None,
            ),
            (
                "on the first and fifteenth of every month at noon",
                true,
                "cron(0 12 1,15 * ? *)",
                None,
            ),
            (
                "every month on the 20 eighth at 10 am",
                true,
                "cron(0 10 28 * ? *)",
                None,
            ),
            (
                "every 30 minutes between 8am and 8pm on weekdays",
                false,
                "cron(0/30 8-19 ? * MON-FRI *)",
                None,
            ),
            (
                "orders placed after 3pm wait: every day at 15:05 pull the orders",
                false,
                "cron(5 15 * * ? *)",
                None,
            ),
            (
                "once a quarter at 9am export the report",
                false,
                "cron(0 9 1 1,4,7,10 ? *)",
                None,
            ),
            ("Sat 9am: the headlines", false, "cron(0 9 ? * SAT *)", None),
            (
                "every sunday at half past midnight",
                true,
                "cron(30 0 ? * SUN *)",
                None,
            ),
            (
                "hourly during business hours on weekdays",
                false,
                "cron(0 9-17/1 ? * MON-FRI *)",
                None,
            ),
            (
                "every other wednesday at 10am",
                false,
                "cron(0 10 ? * WED *)",
                None,
            ),
            // an hourly run between two times may start at the last one; business hours are
            // on working days
            (
                "every hour between 8am and 6pm on weekdays check the queue",
                false,
                "cron(0 8-18/1 ? * MON-FRI *)",
                None,
            ),
            (
                "every other hour during business hours check the tickets",
                false,
                "cron(0 9-17/2 ? * MON-FRI *)",
                None,
            ),
            (
                "every 2 hours between 8am and 8pm on saturdays check the stock",
                false,
                "cron(0 8-20/2 ? * SAT *)",
                None,
            ),
            // dictated times
            (
                "every day at eight a m send the report",
                true,
                "cron(0 8 * * ? *)",
                None,
            ),
            // working days are weekdays
            (
                "every working day at 7 send the prep list",
                true,
                "cron(0 7 ? * MON-FRI *)",
                None,
            ),
            (
                "on work days at 8am post the rota",
                false,
                "cron(0 8 ? * MON-FRI *)",
                None,
            ),
            // "once a <unit>" is "every <unit>"
            (
                "once a week, pull the top pages",
                false,
                "cron(0 9 ? * MON *)",
                None,
            ),
            ("once an hour check the feed", false, "rate(1 hour)", None),
            (
                "once a month send the totals",
                false,
                "cron(0 9 1 * ? *)",
                None,
            ),
            // a day named elsewhere replaces the Monday a bare "weekly" stands for
            (
                "send our weekly draft to the editors every Thursday at 10",
                false,
                "cron(0 10 ? * THU *)",
                None,
            ),
            (
                "every week on friday at 4pm post the totals",
                false,
                "cron(0 16 ? * FRI *)",
                None,
            ),
            ("post the weekly totals", false, "cron(0 9 ? * MON *)", None),
            // school days are weekdays
            (
                "every school day at seven a m check the forecast",
                true,
                "cron(0 7 ? * MON-FRI *)",
                None,
            ),
        ];
        for (input, speech, want, zone) in cases {
            let got = sched(input, *speech);
            assert_eq!(
                got,
                Some(((*want).to_owned(), zone.map(str::to_owned))),
                "{input}"
            );
        }
    }

    #[test]
    fn ignores_non_schedules() {
        for s in [
            "when a new row is added, for every row send it",
            "every time a payment succeeds",
            "notes from the meeting monday",
            "prices between",
            "between 9",
            "send each one",
            "add the sale to the sheet called daily sales",
            "a quarter of the orders",
            "the first step is to read the sheet",
            "the invoice total is 4.50 for the second time",
            "notes from the last friday of the sprint",
            "actually make it shorter",
            // a deadline in working days is not a schedule
            "answer within three working days",
            "once a row is added post it",
            "reply within two school days",
        ] {
            assert_eq!(sched(s, false), None, "{s}");
        }
    }

    /// The end of a working day or week as the time of a run, and the same words as a name or a
    /// period of data, which are not.
    #[test]
    fn the_end_of_the_day_or_week_is_a_time() {
        let runs: &[(&str, bool, &str)] = &[
            (
                "at the end of the day export the time tracked to a sheet",
                false,
                "cron(0 17 * * ? *)",
            ),
            (
                "by end of day post the open tickets to slack",
                false,
                "cron(0 17 * * ? *)",
            ),
            (
                "um at the end of each work day send me the sales",
                true,
                "cron(0 17 ? * MON-FRI *)",
            ),
            (
                "eod, email the team what shipped",
                false,
                "cron(0 17 * * ? *)",
            ),
            (
                "at close of business copy the orders to the sheet",
                false,
                "cron(0 17 * * ? *)",
            ),
            (
                "at the end of the week send the hours to payroll",
                false,
                "cron(0 17 ? * FRI *)",
            ),
            (
                "at the end of the day at 6 post the totals",
                false,
                "cron(0 18 * * ? *)",
            ),
            (
                "every weekday at the end of the day post the totals",
                false,
                "cron(0 17 ? * MON-FRI *)",
            ),
        ];
        for (input, speech, want) in runs {
            assert_eq!(
                sched(input, *speech).map(|s| s.0).as_deref(),
                Some(*want),
                "{input}"
            );
        }
        for s in [
            "add each order to the end of day report",
            "when a payment fails, add it to the end of day summary",
            "send the orders from the end of last week",
            "at the end of the form ask for the phone number",
            "in the end of the day it does not matter",
        ] {
            assert_eq!(sched(s, false), None, "{s}");
        }
    }

    /// lang10: times listed, month end, days listed, a day's night, "eleven thirty" at night,
    /// billing periods and a board "on monday", each with the near misses that must not change.
    #[test]
    fn lists_periods_and_places() {
        let cases: &[(&str, bool, Option<&str>)] = &[
            // several times of day in one phrase
            (
                "refresh the rota at the start of each shift (7am, 3pm, 11pm)",
                false,
                Some("cron(0 7,15,23 * * ? *)"),
            ),
            (
                "twice a day at 8am and 6pm pull the open orders",
                false,
                Some("cron(0 8,18 * * ? *)"),
            ),
            (
                "check the feed twice a day (9am and 5pm) for mentions",
                false,
                Some("cron(0 9,17 * * ? *)"),
            ),
            (
                "every weekday at 9 and 5 post the queue size",
                false,
                Some("cron(0 9,17 ? * MON-FRI *)"),
            ),
            (
                "every day at 6am, noon and 6pm sync the stock",
                false,
                Some("cron(0 6,12,18 * * ? *)"),
            ),
            // near misses: a range, a single time, an "or"
            (
                "every day between 8am and 6pm check the queue every hour",
                false,
                Some("cron(0 8-18/1 * * ? *)"),
            ),
            (
                "every day at 6am, tell the team",
                false,
                Some("cron(0 6 * * ? *)"),
            ),
            (
                "twice a day ping the channel",
                false,
                Some("cron(0 */12 * * ? *)"),
            ),
            // month end is EventBridge's L
            (
                "every month end pull the billable hours",
                true,
                Some("cron(0 9 L * ? *)"),
            ),
            (
                "at month end close the books at 6pm",
                false,
                Some("cron(0 18 L * ? *)"),
            ),
            (
                "on the last day of the month export the ledger",
                false,
                Some("cron(0 9 L * ? *)"),
            ),
            (
                "every month export the ledger",
                false,
                Some("cron(0 9 1 * ? *)"),
            ),
            // a date in the year
            (
                "each December 31 at 10am email the donors their receipts",
                false,
                Some("cron(0 10 31 12 ? *)"),
            ),
            (
                "every 15th of march send the tax reminder",
                false,
                Some("cron(0 9 15 3 ? *)"),
            ),
            (
                "every year archive the board",
                false,
                Some("cron(0 9 1 1 ? *)"),
            ),
            (
                "the march 3 numbers, every monday",
                false,
                Some("cron(0 9 ? * MON *)"),
            ),
            (
                "may each team post its update every friday",
                false,
                Some("cron(0 9 ? * FRI *)"),
            ),
            // the last working day of the month is EventBridge's LW (trig15)
            (
                "on the last business day of each month at 4pm send the statements",
                false,
                Some("cron(0 16 LW * ? *)"),
            ),
            (
                "last working day of the month email the payroll summary",
                false,
                Some("cron(0 9 LW * ? *)"),
            ),
            // the first working day of the month is EventBridge's 1W
            (
                "on the first business day of every month send the retainer invoices",
                false,
                Some("cron(0 9 1W * ? *)"),
            ),
            (
                "the first working day of each month at 8am, close the books",
                false,
                Some("cron(0 8 1W * ? *)"),
            ),
            (
                "every business day at 8am post the queue",
                false,
                Some("cron(0 8 ? * MON-FRI *)"),
            ),
            (
                "on the first monday of the month post the roadmap",
                false,
                Some("cron(0 9 ? * 2#1 *)"),
            ),
            (
                "when the accountant drops the month end report in the folder, load it",
                false,
                None,
            ),
            // days listed without commas (dictated)
            (
                "every monday wednesday and friday at six thirty a m send the crew list",
                true,
                Some("cron(30 6 ? * MON,WED,FRI *)"),
            ),
            (
                "every tuesday and thursday at 10am post it",
                false,
                Some("cron(0 10 ? * TUE,THU *)"),
            ),
            // a day's night is that day's late evening; a night alone stays the small hours
            (
                "every saturday night archive the channel",
                false,
                Some("cron(0 22 ? * SAT *)"),
            ),
            (
                "weekly on friday night at 11 back up the wiki",
                true,
                Some("cron(0 23 ? * FRI *)"),
            ),
            (
                "every night back up the wiki",
                false,
                Some("cron(0 2 * * ? *)"),
            ),
            (
                "since friday night collect the new signups every monday",
                false,
                Some("cron(0 9 ? * MON *)"),
            ),
            // "eleven thirty" at night
            (
                "every night at eleven thirty back up the database",
                true,
                Some("cron(30 23 * * ? *)"),
            ),
            (
                "every evening at 10:15 post it",
                false,
                Some("cron(15 22 * * ? *)"),
            ),
            (
                "every day at 11:30 post it",
                false,
                Some("cron(30 11 * * ? *)"),
            ),
            (
                "every morning at 10:30 post it",
                false,
                Some("cron(30 10 * * ? *)"),
            ),
            (
                "every night at 23:30 post it",
                false,
                Some("cron(30 23 * * ? *)"),
            ),
            // a billing period is not a schedule
            (
                "if a subscription switches from yearly to monthly, tell sales",
                false,
                None,
            ),
            (
                "when a customer upgrades to the annual plan add a tag",
                false,
                None,
            ),
            (
                "when the monthly invoice is paid mark the deal won",
                false,
                None,
            ),
            (
                "when someone picks monthly billing send a welcome note",
                false,
                None,
            ),
            (
                "a quarterly subscription that renews gets a thank-you",
                false,
                None,
            ),
            // near misses: a period that is the run's
            (
                "send the monthly invoices to the accountant",
                false,
                Some("cron(0 9 1 * ? *)"),
            ),
            (
                "post a weekly summary of new plans",
                false,
                Some("cron(0 9 ? * MON *)"),
            ),
            (
                "monthly, change the plan tags",
                false,
                Some("cron(0 9 1 * ? *)"),
            ),
            // a board on monday is the product; a day with a time stays a day
            (
                "add an item to the hiring board on monday when a form comes in",
                false,
                None,
            ),
            (
                "update the board on monday at 9",
                false,
                Some("cron(0 9 ? * MON *)"),
            ),
            (
                "review the board on monday morning",
                false,
                Some("cron(0 9 ? * MON *)"),
            ),
            (
                "send the report on monday",
                false,
                Some("cron(0 9 ? * MON *)"),
            ),
        ];
        for &(text, speech, want) in cases {
            assert_eq!(sched(text, speech).map(|s| s.0).as_deref(), want, "{text}");
        }
    }
}
