//! The period a scheduled run's read steps cover (`{since}`/`{until}`, review 4, R4-3): the
//! schedule's period, or the calendar period the prompt names, run with python3 at fixed times.

#![expect(clippy::unwrap_used, reason = "tests")]

use super::answers_tests::run;
use crate::model::Delivery;
use crate::{Engine, GenerateRequest, Generated};

fn generate(prompt: &str) -> Generated {
    let engine = Engine::new().unwrap();
    let g = engine.generate(&GenerateRequest::text(prompt)).unwrap();
    let report = g.validation.as_ref().unwrap();
    assert_eq!(report.error_count, 0, "{:?}\n{}", report.findings, g.code);
    assert_eq!(g.plan.trigger.delivery, Delivery::Schedule, "{prompt}");
    assert!(
        g.plan
            .steps
            .iter()
            .any(|s| s.tool == "shopify" && s.action == "list_orders"),
        "{:?}",
        g.plan.steps
    );
    g
}

/// Runs `script` with `at(...)` fixing the module's clock (UTC `datetime` arguments).
fn run_at(g: &Generated, script: &str) {
    let clock = r#"
import datetime as real, types
def at(*when):
    fixed = real.datetime(*when, tzinfo=real.timezone.utc)
    class Clock(real.datetime):
        @classmethod
        def now(cls, tz=None):
            return fixed.astimezone(tz) if tz else fixed.replace(tzinfo=None)
    module.datetime = types.SimpleNamespace(datetime=Clock, date=real.date, time=real.time,
                                            timedelta=real.timedelta, timezone=real.timezone)
"#;
    run(g, &format!("{clock}\n{script}"));
}

fn said(g: &Generated, words: &str) -> bool {
    g.assumptions.iter().any(|a| a.contains(words))
}

#[test]
fn a_daily_schedule_reads_the_day_since_its_previous_run() {
    let g = generate("Every day at 9am post yesterday's new Shopify orders to Slack");
    assert_eq!(
        g.plan.trigger.schedule_expression.as_deref(),
        Some("cron(0 9 * * ? *)")
    );
    assert!(
        g.code
            .contains(r#"POLL_MINUTES = int(os.environ.get("POLL_MINUTES", "1440"))"#)
    );
    assert!(
        g.template_yaml.contains("POLL_MINUTES: !Ref PollMinutes")
            && g.template_yaml.contains(r#"Default: "1440""#),
        "{}",
        g.template_yaml
    );
    assert!(
        said(&g, "look back 24 hours (1440 minutes"),
        "{:?}",
        g.assumptions
    );
    assert!(g.readme.contains("1440 minutes"), "{}", g.readme);
    run_at(
        &g,
        r#"
at(2026, 12, 8, 9, 0, 30)
assert module._since() == "2026-12-07T09:00:30Z", module._since()
"#,
    );
}

#[test]
fn a_schedule_every_15_minutes_reads_15_minutes() {
    let g = generate("Every 15 minutes post new Shopify orders to Slack");
    assert!(g.code.contains(r#"os.environ.get("POLL_MINUTES", "15")"#));
    assert!(g.template_yaml.contains("POLL_MINUTES: !Ref PollMinutes"));
    assert!(g.template_yaml.contains(r#"Default: "15""#));
    assert!(!g.code.contains("_SCHEDULE ="));
    run_at(
        &g,
        r#"
at(2026, 12, 8, 9, 15, 2)
assert module._since() == "2026-12-08T09:00:02Z", module._since()
"#,
    );
}

#[test]
fn yesterday_on_an_hourly_schedule_reads_the_calendar_day() {
    let g = generate("Every hour post yesterday's Shopify orders to Slack");
    assert_eq!(
        g.plan.trigger.params.get("window").map(String::as_str),
        Some("previous day")
    );
    assert!(
        said(&g, "read yesterday (UTC, from 00:00)"),
        "{:?}",
        g.assumptions
    );
    assert!(
        said(&g, "each run reads yesterday again"),
        "{:?}",
        g.assumptions
    );
    // a calendar window is not a number of minutes: the template sets none
    assert!(!g.template_yaml.contains("POLL_MINUTES"));
    run_at(
        &g,
        r#"
at(2026, 12, 8, 10, 0, 5)
assert module._since() == "2026-12-07T00:00:00Z", module._since()
# `_until` is `_zulu(_window()[1])`, written only where a call asks for `{until}`
assert module._zulu(module._window()[1]) == "2026-12-08T00:00:00Z", module._window()
at(2026, 12, 8, 0, 0, 5)
assert module._since() == "2026-12-07T00:00:00Z", module._since()
"#,
    );
}

#[test]
fn yesterday_on_a_daily_schedule_is_the_schedules_period_not_a_calendar_day() {
    let g = generate("Every day at 9am post yesterday's new Shopify orders to Slack");
    assert!(
        !g.code.contains("def _zone"),
        "a calendar window was rendered"
    );
    assert!(
        !said(&g, "each run reads yesterday again"),
        "{:?}",
        g.assumptions
    );
}

#[test]
fn a_weekday_schedule_reads_back_to_its_previous_run() {
    let g = generate("Every weekday at 9am post new Shopify orders to Slack");
    assert!(g.code.contains("_SCHEDULE = {"), "{}", g.code);
    // 0: back to the previous run, unless minutes are set (a parameter of the template)
    assert!(g.template_yaml.contains("POLL_MINUTES: !Ref PollMinutes"));
    assert!(g.template_yaml.contains(r#"Default: "0""#));
    assert!(
        said(&g, "24 hours usually, up to 3 days"),
        "{:?}",
        g.assumptions
    );
    run_at(
        &g,
        r#"
# 2026-12-07 is a Monday: back to Friday's run
at(2026, 12, 7, 9, 0, 40)
assert module._since() == "2026-12-04T09:00:40Z", module._since()
at(2026, 12, 8, 9, 0, 40)
assert module._since() == "2026-12-07T09:00:40Z", module._since()
# a fixed POLL_MINUTES replaces the schedule's
module.POLL_MINUTES = 60
assert module._since() == "2026-12-08T08:00:40Z", module._since()
"#,
    );
}

#[test]
fn the_first_monday_of_the_month_reads_back_to_the_previous_first_monday() {
    let g = generate("On the first Monday of every month at 9am post new Shopify orders to Slack");
    assert_eq!(
        g.plan.trigger.schedule_expression.as_deref(),
        Some("cron(0 9 ? * 2#1 *)")
    );
    assert!(g.code.contains(r#""nth": 1}"#), "{}", g.code);
    assert!(
        said(&g, "28 days usually, up to 35 days"),
        "{:?}",
        g.assumptions
    );
    run_at(
        &g,
        r#"
# 2027-02-01 and 2027-01-04 are first Mondays, four weeks apart; 2027-03-01 is five weeks later
at(2027, 2, 1, 9, 0, 5)
assert module._since() == "2027-01-04T09:00:05Z", module._since()
at(2027, 3, 1, 9, 0, 5)
assert module._since() == "2027-02-01T09:00:05Z", module._since()
"#,
    );
}

#[test]
fn a_weekday_schedule_in_a_time_zone_reads_its_days_there() {
    let g = generate("Every weekday at 9am Eastern time post new Shopify orders to Slack");
    assert!(
        g.code.contains(r#"SCHEDULE_TIMEZONE = "America/New_York""#),
        "{}",
        g.code
    );
    run_at(
        &g,
        r#"
import zoneinfo
try:
    zoneinfo.ZoneInfo("America/New_York")
except zoneinfo.ZoneInfoNotFoundError:
    print("no tz database")
    raise SystemExit(0)
# Monday 09:00 in New York is 14:00 UTC; Friday's run was at 14:00 UTC too
at(2026, 12, 7, 14, 0, 10)
assert module._since() == "2026-12-04T14:00:10Z", module._since()
"#,
    );
}

#[test]
fn the_past_hour_on_a_daily_schedule_reads_an_hour() {
    let g = generate("Every day at 6pm post Shopify orders from the past hour to Slack");
    assert!(
        g.code.contains(r#"os.environ.get("POLL_MINUTES", "60")"#),
        "{}",
        g.code
    );
    assert!(said(&g, "as the description says"), "{:?}", g.assumptions);
}

#[test]
fn last_month_on_a_monthly_schedule_reads_the_calendar_month_once() {
    let g = generate("On the 1st of every month at 7am post last month's Shopify orders to Slack");
    assert!(
        said(&g, "read last month (UTC, from 00:00)"),
        "{:?}",
        g.assumptions
    );
    assert!(!said(&g, "reads last month again"), "{:?}", g.assumptions);
    run_at(
        &g,
        r#"
at(2027, 1, 1, 7, 0, 3)
assert module._since() == "2026-12-01T00:00:00Z", module._since()
# `_until` is `_zulu(_window()[1])`, written only where a call asks for `{until}`
assert module._zulu(module._window()[1]) == "2027-01-01T00:00:00Z", module._window()
"#,
    );
}
