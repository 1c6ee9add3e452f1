//! The model's answer: extracted from the reply text, checked against the catalog and turned
//! into a [`Plan`]. Tools, credentials and placeholders come from the catalog; the model only
//! picks ids and fills param values. Every rejection is a sentence the model can act on.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::catalog::{Catalog, Event, EventDelivery, Role, Tool};
use crate::model::{CompareOp, Condition, Delivery, Plan, PlannedTool, Step, Trigger, TriggerKind};
use crate::refs;
use crate::values::quote;

/// The most steps a model plan may have.
pub const MAX_STEPS: usize = 10;
/// The longest name a model may give a workflow, in characters.
const MAX_NAME_CHARS: usize = 80;
/// The longest assumption kept, in characters.
const MAX_VALUE_CHARS: usize = crate::values::MAX_VALUE_CHARS;
/// How many of the model's assumptions are kept.
const MAX_ASSUMPTIONS: usize = 5;

/// The plan as the model writes it: the shape the prompt module's `answer_schema` asks for,
/// which takes its limits from here.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub name: String,
    pub trigger: AnswerTrigger,
    pub steps: Vec<AnswerStep>,
    #[serde(default, deserialize_with = "nullable_list")]
    pub assumptions: Vec<String>,
}

fn nullable_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

/// The trigger as the model writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerTrigger {
    pub kind: TriggerKind,
    #[serde(default)]
    pub tool: Option<String>,
    #[serde(default)]
    pub event: Option<String>,
    #[serde(default)]
    pub schedule: Option<String>,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default, deserialize_with = "params")]
    pub params: BTreeMap<String, Scalar>,
    #[serde(default)]
    pub filter: Option<AnswerCondition>,
}

/// A step as the model writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerStep {
    pub tool: String,
    pub action: String,
    #[serde(default, deserialize_with = "params")]
    pub params: BTreeMap<String, Scalar>,
    #[serde(default)]
    pub condition: Option<AnswerCondition>,
    #[serde(default)]
    pub for_each: Option<String>,
}

/// Params as a map (`{"repo": "acme/web"}`), as a list of pairs (`[{"name": "repo",
/// "value": "acme/web"}]`, the strict schema's shape) or `null`.
fn params<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Scalar>, D::Error> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Pair {
        name: String,
        value: Scalar,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Params {
        Map(BTreeMap<String, Scalar>),
        Pairs(Vec<Pair>),
    }
    Ok(match Option::<Params>::deserialize(d)? {
        None => BTreeMap::new(),
        Some(Params::Map(m)) => m,
        Some(Params::Pairs(pairs)) => pairs.into_iter().map(|p| (p.name, p.value)).collect(),
    })
}

/// A condition as the model writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerCondition {
    pub field: String,
    pub op: CompareOp,
    pub value: Scalar,
    #[serde(default)]
    pub description: Option<String>,
}

/// A param value: models write numbers and booleans unquoted; all become strings.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Text(String),
    Number(serde_json::Number),
    Bool(bool),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Self::Text(s) => s,
            Self::Number(n) => n.to_string(),
            Self::Bool(b) => b.to_string(),
        }
    }
}

/// Parses the model's reply: the JSON object, optionally inside a Markdown code fence or
/// surrounded by prose.
pub fn parse(reply: &str) -> Result<Answer, String> {
    let text = reply.trim();
    let start = text.find('{');
    let end = text.rfind('}');
    let json = match (start, end) {
        (Some(s), Some(e)) if s < e => &text[s..=e],
        _ => return Err("the answer is not a JSON object".to_owned()),
    };
    serde_json::from_str(json).map_err(|e| format!("the answer is not valid plan JSON: {e}"))
}

/// Checks an answer against the catalog and builds the plan.
pub fn to_plan(catalog: &Catalog, answer: Answer) -> Result<Plan, String> {
    let t = answer.trigger;
    let kind = t.kind;
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let mut tool_id = nonempty(t.tool);
    let event_id = nonempty(t.event);
    if kind == TriggerKind::Webhook && tool_id.as_deref() == Some("webhook") {
        tool_id = None;
    }
    let (trigger_tool, event): (Option<&Tool>, Option<&Event>) = match kind {
        TriggerKind::Schedule | TriggerKind::Manual | TriggerKind::Webhook => {
            if tool_id.is_some() || event_id.is_some() {
                return Err(format!(
                    "a {} trigger takes no tool and no event; use app_event for events of a tool",
                    kind.as_str()
                ));
            }
            (None, None)
        }
        _ => {
            let Some(id) = tool_id else {
                return Err(format!(
                    "a {} trigger needs trigger.tool and trigger.event from the list",
                    kind.as_str()
                ));
            };
            let tool = known_tool(catalog, &id)?;
            if tool.events.is_empty() {
                return Err(format!(
                    "tool {id} has no events, so it cannot start a workflow; tools with events are listed with \"| events:\""
                ));
            }
            let events: Vec<&str> = tool.events.iter().map(|e| e.id.as_str()).collect();
            let Some(eid) = event_id else {
                return Err(format!(
                    "trigger.event is missing; events of {id} are: {}",
                    events.join(", ")
                ));
            };
            let Some(event) = tool.events.iter().find(|e| e.id == eid) else {
                return Err(format!(
                    "tool {id} has no event {}; its events are: {}",
                    quote(&eid),
                    events.join(", ")
                ));
            };
            (Some(tool), Some(event))
        }
    };
    let delivery = match (kind, event.map(|e| e.delivery)) {
        (TriggerKind::Schedule, _) => Delivery::Schedule,
        (TriggerKind::Manual, _) => Delivery::Direct,
        (TriggerKind::Webhook, _) | (_, None | Some(EventDelivery::Http)) => Delivery::Http,
        (_, Some(EventDelivery::Poll)) => Delivery::Poll,
        (_, Some(EventDelivery::S3)) => Delivery::S3,
        (_, Some(EventDelivery::Sqs)) => Delivery::Sqs,
        (_, Some(EventDelivery::Kinesis)) => Delivery::Kinesis,
        (_, Some(EventDelivery::DynamodbStream)) => Delivery::DynamodbStream,
        (_, Some(EventDelivery::Kafka)) => Delivery::Kafka,
    };
    let mut assumptions: Vec<String> = Vec::new();
    let schedule = nonempty(t.schedule);
    let schedule_expression = match delivery {
        Delivery::Schedule => {
            let Some(s) = schedule else {
                return Err("a schedule trigger needs trigger.schedule, e.g. \"cron(0 9 ? * MON-FRI *)\" or \"rate(1 hour)\"".to_owned());
            };
            check_schedule(&s)?;
            Some(s)
        }
        Delivery::Poll => {
            let s = match schedule {
                Some(s) => {
                    check_schedule(&s)?;
                    s
                }
                None => "rate(5 minutes)".to_owned(),
            };
            assumptions.push(format!(
                "{} is checked for new items on the schedule {s}.",
                trigger_tool.map_or("The source", |t| t.name.as_str())
            ));
            Some(s)
        }
        _ => None,
    };
    let timezone = match (nonempty(t.timezone), &schedule_expression) {
        (Some(z), Some(_)) => {
            check_timezone(&z)?;
            Some(z)
        }
        _ => None,
    };
    let description = match (kind, trigger_tool, event) {
        (TriggerKind::Schedule, _, _) => "Runs on a schedule".to_owned(),
        (TriggerKind::Manual, _, _) => "Run on demand".to_owned(),
        (_, Some(t), Some(e)) => format!("{}: {}", t.name, e.label),
        _ => "An HTTP request to the function URL".to_owned(),
    };
    let [bucket, queue, stream] = crate::values::TRIGGER_DEFAULTS;
    let trigger_param = match delivery {
        Delivery::S3 => Some(bucket),
        Delivery::Sqs => Some(queue),
        Delivery::Kinesis => Some(stream),
        _ => None,
    };
    let mut trigger_params: BTreeMap<String, String> = trigger_param
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    for (k, v) in t.params {
        if !trigger_params.contains_key(&k) {
            let allowed = trigger_param.map_or("none".to_owned(), |(k, _)| k.to_owned());
            return Err(format!(
                "trigger.params has an unknown key {}; allowed keys: {allowed}",
                quote(&k)
            ));
        }
        trigger_params.insert(k, value(v.into_string(), "trigger.params")?);
    }
    let filter = t.filter.map(condition).transpose()?;

    // steps
    if answer.steps.is_empty() {
        return Err("steps is empty; name at least one action of a listed tool".to_owned());
    }
    if answer.steps.len() > MAX_STEPS {
        return Err(format!("at most {MAX_STEPS} steps are allowed"));
    }
    let mut steps: Vec<Step> = Vec::new();
    let poll = match (
        delivery,
        trigger_tool,
        event.and_then(|e| e.poll.as_deref()),
    ) {
        (Delivery::Poll, Some(tool), Some(p)) => Some((tool, p)),
        _ => None,
    };
    let mut offset = 0;
    if let Some((tool, p)) = poll {
        let first = &answer.steps[0];
        if first.tool != tool.id || first.action != p {
            let action = tool
                .action(p)
                .ok_or_else(|| format!("catalog error: {} polls unknown action {p}", tool.id))?;
            steps.push(Step {
                id: "step_1".to_owned(),
                tool: tool.id.clone(),
                action: action.id.clone(),
                description: format!("{} ({})", action.label, tool.name),
                params: action.params.clone(),
                condition: None,
                for_each: None,
            });
            offset = 1;
        }
    }
    let batch_trigger = matches!(
        delivery,
        Delivery::Sqs
            | Delivery::Kinesis
            | Delivery::DynamodbStream
            | Delivery::Kafka
            | Delivery::S3
    );
    for (i, s) in answer.steps.into_iter().enumerate() {
        let n = i + 1;
        let tool = known_tool(catalog, s.tool.trim())?;
        let actions: Vec<&str> = tool.actions.iter().map(|a| a.id.as_str()).collect();
        let Some(action) = tool.action(s.action.trim()) else {
            return Err(format!(
                "step {n}: tool {} has no action {}; its actions are: {}",
                tool.id,
                quote(&s.action),
                if actions.is_empty() {
                    "none (it can only trigger)".to_owned()
                } else {
                    actions.join(", ")
                }
            ));
        };
        // an action the catalog knows cannot work is never planned (Evernote's Thrift notes)
        if let Some(why) = &action.unusable {
            return Err(format!(
                "step {n}: {}.{} cannot be used ({why}); plan another tool for it",
                tool.id, action.id
            ));
        }
        let mut params = action.params.clone();
        for (k, v) in s.params {
            if !action.params.contains_key(&k) {
                let keys: Vec<&str> = action.params.keys().map(String::as_str).collect();
                return Err(format!(
                    "step {n}: action {}.{} has no param {}; its params are: {}",
                    tool.id,
                    action.id,
                    quote(&k),
                    if keys.is_empty() {
                        "none".to_owned()
                    } else {
                        keys.join(", ")
                    }
                ));
            }
            params.insert(k, value(v.into_string(), "a param")?);
        }
        let for_each = match s.for_each.map(|f| f.trim().to_owned()) {
            None => None,
            Some(f) if f.is_empty() => None,
            Some(f) if f == "trigger" => {
                if !batch_trigger {
                    return Err(format!(
                        "step {n}: for_each \"trigger\" needs a queue, stream or file_upload trigger; use an earlier step id instead"
                    ));
                }
                Some(f)
            }
            Some(f) => {
                let earlier = f
                    .strip_prefix("step_")
                    .and_then(|k| k.parse::<usize>().ok())
                    .filter(|&k| k >= 1 && k < n);
                match earlier {
                    Some(k) => Some(format!("step_{}", k + offset)),
                    None => {
                        return Err(format!(
                            "step {n}: for_each must be \"trigger\" or an earlier step id such as \"step_1\", not {}",
                            quote(&f)
                        ));
                    }
                }
            }
        };
        steps.push(Step {
            id: format!("step_{}", n + offset),
            tool: tool.id.clone(),
            action: action.id.clone(),
            description: format!("{} ({})", action.label, tool.name),
            params,
            condition: s.condition.map(condition).transpose()?,
            for_each,
        });
    }
    if let Some(f) = steps.iter().find_map(|s| {
        let src = s.for_each.as_deref()?;
        let src = steps.iter().find(|p| p.id == src)?;
        let role = catalog.tool(&src.tool)?.action(&src.action)?.role;
        (role == Role::Write).then(|| src.id.clone())
    }) {
        return Err(format!(
            "for_each names {f}, which writes data and returns no items; name a step that reads data"
        ));
    }

    let tools = planned_tools(catalog, trigger_tool, kind, delivery, &steps);
    let name = answer.name.trim();
    let name = if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || has_braces(name)
        || name.chars().any(char::is_control)
    {
        let mut parts: Vec<&str> = trigger_tool.map(|t| t.name.as_str()).into_iter().collect();
        for s in &steps {
            if let Some(t) = catalog.tool(&s.tool)
                && !parts.contains(&t.name.as_str())
            {
                parts.push(&t.name);
            }
        }
        parts.join(" → ")
    } else {
        name.to_owned()
    };
    let summary = format!(
        "{description}; then {}.",
        steps
            .iter()
            .map(|s| s.description.clone())
            .collect::<Vec<_>>()
            .join(", then ")
    );
    for a in answer.assumptions.into_iter().take(MAX_ASSUMPTIONS) {
        let a = a.trim();
        if !a.is_empty() && !has_braces(a) {
            assumptions.push(a.chars().take(MAX_VALUE_CHARS).collect());
        }
    }
    Ok(Plan {
        name,
        summary,
        trigger: Trigger {
            kind,
            delivery,
            schedule_expression,
            timezone,
            description,
            tool: trigger_tool.map(|t| t.id.clone()),
            event: event.map(|e| e.id.clone()),
            params: trigger_params,
            filter,
        },
        steps,
        tools,
        assumptions,
    })
}

fn known_tool<'c>(catalog: &'c Catalog, id: &str) -> Result<&'c Tool, String> {
    catalog.tool(id).ok_or_else(|| {
        format!(
            "unknown tool id {}; use only the ids of the listed tools",
            quote(id)
        )
    })
}

/// Double braces are how credential placeholders are written; a model value holding one could
/// have a secret filled into a message, so none are accepted.
fn has_braces(s: &str) -> bool {
    s.contains("{{") || s.contains("}}")
}

/// A free-text value checked by the one set of rules (`values.rs`); the message names `what`.
fn value(v: String, what: &str) -> Result<String, String> {
    match crate::values::check_text(&v) {
        Ok(()) => Ok(v),
        Err(why) if why.contains("double braces") => Err(format!(
            "{what} contains double braces; never write placeholders or credentials"
        )),
        Err(why) => Err(format!("{what} {why}")),
    }
}

fn condition(c: AnswerCondition) -> Result<Condition, String> {
    let field = value(c.field.trim().to_owned(), "a condition field")?;
    if field.is_empty() {
        return Err("a condition needs a field".to_owned());
    }
    let v = value(c.value.into_string(), "a condition value")?;
    let description = match c.description.map(|d| d.trim().to_owned()) {
        Some(d) if !d.is_empty() => value(d, "a condition description")?,
        _ => format!("{field} {} {v}", c.op.words()),
    };
    Ok(Condition {
        field,
        op: c.op,
        value: v,
        description,
    })
}

/// An EventBridge Scheduler expression: `rate(N unit)` or a six-field `cron(...)` with `?` in
/// exactly one of the day fields.
fn check_schedule(s: &str) -> Result<(), String> {
    let bad = |why: &str| {
        Err(format!(
            "trigger.schedule {} is not an EventBridge expression ({why}); write e.g. \"cron(0 9 ? * MON-FRI *)\" or \"rate(1 hour)\"",
            quote(s)
        ))
    };
    if let Some(inner) = s.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        let mut parts = inner.split(' ');
        let (Some(n), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
            return bad("rate takes a number and a unit");
        };
        let Ok(n) = n.parse::<u32>() else {
            return bad("the rate is not a whole number");
        };
        let singular = matches!(unit, "minute" | "hour" | "day");
        let plural = matches!(unit, "minutes" | "hours" | "days");
        return match (n, singular, plural) {
            (0, _, _) => bad("the rate must be at least 1"),
            (1, true, _) => Ok(()),
            (2.., _, true) => Ok(()),
            _ => bad("the unit is minute(s), hour(s) or day(s), singular only for 1"),
        };
    }
    if let Some(inner) = s.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
        let fields: Vec<&str> = inner.split(' ').collect();
        if fields.len() != 6 {
            return bad("cron needs six fields: minute hour day-of-month month day-of-week year");
        }
        let ok_chars = |f: &str| {
            !f.is_empty()
                && f.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ",-*?/#".contains(c))
        };
        if !fields.iter().all(|f| ok_chars(f)) {
            return bad("a cron field has characters EventBridge does not accept");
        }
        if (fields[2] == "?") == (fields[4] == "?") {
            return bad("exactly one of day-of-month and day-of-week must be ?");
        }
        return Ok(());
    }
    bad("it starts with neither cron( nor rate(")
}

fn check_timezone(z: &str) -> Result<(), String> {
    let ok = z.len() <= 40
        && z.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+-/".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "trigger.timezone {} is not an IANA time zone name such as \"Europe/Berlin\"",
            quote(z)
        ))
    }
}

/// The plan's tools and credential placeholders, derived from the catalog as the embedded
/// planner derives them.
fn planned_tools(
    catalog: &Catalog,
    trigger_tool: Option<&Tool>,
    kind: TriggerKind,
    delivery: Delivery,
    steps: &[Step],
) -> Vec<PlannedTool> {
    let mut tools: Vec<PlannedTool> = Vec::new();
    let mut add = |tool: &Tool, creds: Vec<String>| {
        if let Some(pt) = tools.iter_mut().find(|t| t.id == tool.id) {
            for c in creds {
                if !pt.credentials.contains(&c) {
                    pt.credentials.push(c);
                }
            }
        } else {
            tools.push(PlannedTool {
                id: tool.id.clone(),
                name: tool.name.clone(),
                credentials: creds,
            });
        }
    };
    let http = delivery == Delivery::Http;
    if let Some(tool) = trigger_tool {
        add(tool, Vec::new());
    }
    if http || kind == TriggerKind::Webhook {
        // the credentials the handler checks requests with (`Catalog::webhook_for`)
        if let Some(used) = catalog.webhook_for(trigger_tool) {
            add(used.owner, used.credentials);
        }
    }
    for s in steps {
        if let Some(tool) = catalog.tool(&s.tool)
            && let Some(action) = tool.action(&s.action)
        {
            add(tool, refs::credentials_for(tool, action));
        }
    }
    tools
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn plan(json: &str) -> Result<Plan, String> {
        let catalog = Catalog::builtin().unwrap();
        to_plan(&catalog, parse(json)?)
    }

    #[test]
    fn schedule_plan_takes_tools_and_credentials_from_the_catalog() {
        let p = plan(
            r##"```json
{"name":"Issues to Slack","trigger":{"kind":"schedule","schedule":"cron(0 9 ? * MON-FRI *)","timezone":"Europe/Berlin"},
 "steps":[{"tool":"github","action":"list_issues","params":{"repo":"acme/web"}},
          {"tool":"slack","action":"post_message","params":{"channel":"#dev"},"for_each":"step_1",
           "condition":{"field":"comments","op":"gt","value":3}}]}
```"##,
        )
        .unwrap();
        assert_eq!(p.trigger.delivery, Delivery::Schedule);
        assert_eq!(p.trigger.timezone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(p.steps[1].for_each.as_deref(), Some("step_1"));
        assert_eq!(p.steps[1].params["channel"], "#dev");
        assert_eq!(p.steps[1].condition.as_ref().unwrap().value, "3");
        let ids: Vec<&str> = p.tools.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["github", "slack"]);
        assert!(p.placeholders().contains(&"SLACK_BOT_TOKEN".to_owned()));
    }

    #[test]
    fn an_unusable_action_is_refused_with_its_reason() {
        let err = plan(
            r#"{"name":"x","trigger":{"kind":"manual"},
               "steps":[{"tool":"evernote","action":"create_note"}]}"#,
        )
        .unwrap_err();
        assert!(err.contains("Thrift"), "{err}");
        let listing = crate::llm::prompt::catalog_listing(&Catalog::builtin().unwrap());
        assert!(!listing.contains("create_note"), "{listing}");
    }

    #[test]
    fn poll_trigger_gets_its_poll_step_and_shifts_references() {
        let catalog = Catalog::builtin().unwrap();
        let (tool, event) = catalog
            .tools()
            .iter()
            .find_map(|t| {
                t.events
                    .iter()
                    .find(|e| e.delivery == EventDelivery::Poll)
                    .map(|e| (t, e))
            })
            .unwrap();
        let json = format!(
            r#"{{"name":"x","trigger":{{"kind":"app_event","tool":"{}","event":"{}"}},
               "steps":[{{"tool":"slack","action":"post_message"}}]}}"#,
            tool.id, event.id
        );
        let p = to_plan(&catalog, parse(&json).unwrap()).unwrap();
        assert_eq!(p.trigger.delivery, Delivery::Poll);
        assert_eq!(
            p.trigger.schedule_expression.as_deref(),
            Some("rate(5 minutes)")
        );
        assert_eq!(p.steps.len(), 2);
        assert_eq!(p.steps[0].action, event.poll.clone().unwrap());
        assert_eq!(p.steps[1].id, "step_2");
    }

    #[test]
    fn rejections_name_the_problem() {
        let cases = [
            ("not json at all", "not a JSON object"),
            (r#"{"name": 1}"#, "not valid plan JSON"),
            (
                r#"{"name":"x","trigger":{"kind":"manual"},"steps":[]}"#,
                "steps is empty",
            ),
            (
                r#"{"name":"x","trigger":{"kind":"manual"},"steps":[{"tool":"myspace","action":"post"}]}"#,
                "unknown tool id \"myspace\"",
            ),
            (
                r#"{"name":"x","trigger":{"kind":"manual"},"steps":[{"tool":"slack","action":"fly"}]}"#,
                "slack has no action \"fly\"",
            ),
            (
                r#"{"name":"x","trigger":{"kind":"manual"},"steps":[{"tool":"slack","action":"post_message","params":{"token":"x"}}]}"#,
                "has no param \"token\"",
            ),
            (
                r#"{"name":"x","trigger":{"kind":"manual"},"steps":[{"tool":"slack","action":"post_message","params":{"channel":"{{SLACK_BOT_TOKEN}}"}}]}"#,
                "double braces",
            ),
            (
                r#"{"name":"x","trigger":{"kind":"app_event","tool":"slack","event":"explode"},"steps":[{"tool":"slack","action":"post_message"}]}"#,
                "has no event \"explode\"",
            ),
            (
                r#"{"name":"x","trigger":{"kind":"app_event"},"steps":[{"tool":"slack","action":"post_message"}]}"#,
                "needs trigger.tool",
            ),
            (
                r#"{"name":"x","trigger":{"kind":"schedule"},"steps":[{"tool":"slack","action":"post_message"}]}"#,
                "needs trigger.schedule",
            ),
            (
                r#"{"name":"x","trigger":{"kind":"schedule","schedule":"every day"},"steps":[{"tool":"slack","action":"post_message"}]}"#,
                "not an EventBridge expression",
            ),
            (
                r#"{"name":"x","trigger":{"kind":"manual","tool":"slack"},"steps":[{"tool":"slack","action":"post_message"}]}"#,
                "takes no tool",
            ),
            (
                r#"{"name":"x","trigger":{"kind":"manual"},"steps":[{"tool":"slack","action":"post_message","for_each":"step_1"}]}"#,
                "earlier step id",
            ),
            (
                r#"{"name":"x","trigger":{"kind":"manual"},"steps":[{"tool":"slack","action":"post_message"},{"tool":"slack","action":"post_message","for_each":"step_1"}]}"#,
                "writes data",
            ),
            (
                r#"{"name":"x","trigger":{"kind":"manual"},"steps":[{"tool":"slack","action":"post_message"}],"code":"import os"}"#,
                "unknown field",
            ),
        ];
        for (json, want) in cases {
            let err = plan(json).unwrap_err();
            assert!(err.contains(want), "{json}: {err}");
        }
    }

    #[test]
    fn schedules_follow_eventbridge_syntax() {
        let cases = [
            ("rate(1 hour)", true),
            ("rate(5 minutes)", true),
            ("rate(1 hours)", false),
            ("rate(0 days)", false),
            ("rate(5 weeks)", false),
            ("cron(0 9 ? * MON-FRI *)", true),
            ("cron(0/15 * * * ? *)", true),
            ("cron(0 9 * * * *)", false),
            ("cron(0 9 ? * MON-FRI)", false),
            ("cron(0 9 ? * MON;rm *)", false),
            ("at(2026-01-01T00:00:00)", false),
        ];
        for (s, ok) in cases {
            assert_eq!(check_schedule(s).is_ok(), ok, "{s}");
        }
    }
}
