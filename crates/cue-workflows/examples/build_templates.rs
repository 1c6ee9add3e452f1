//! Fills in the plan of every template in `data/templates.json` that has none, by running the
//! embedded planner on its description, and writes the file back. Review the plans it writes
//! (tools, params, conditions) before committing: the library is curated, not generated.
//!
//! `cargo run -p cue-workflows --example build_templates [-- --replan]`

use cue_workflows::{Engine, GenerateRequest};
use serde_json::Value;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let replan = std::env::args().any(|a| a == "--replan");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/templates.json");
    let mut templates: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let engine = Engine::new()?;
    for t in &mut templates {
        let Some(obj) = t.as_object_mut() else {
            return Err("every template must be a JSON object".into());
        };
        if obj.contains_key("plan") && !replan {
            continue;
        }
        let description = obj
            .get("description")
            .and_then(Value::as_str)
            .ok_or("every template needs a description")?
            .to_owned();
        let plan = engine.plan(&GenerateRequest::text(description.clone()))?;
        let tools: Vec<&str> = plan.tools.iter().map(|p| p.name.as_str()).collect();
        println!(
            "{}: {} [{}] {:?}",
            obj.get("id").and_then(Value::as_str).unwrap_or("?"),
            plan.trigger.kind.as_str(),
            tools.join(", "),
            plan.assumptions
        );
        obj.insert("plan".into(), serde_json::to_value(&plan)?);
    }
    std::fs::write(path, serde_json::to_string_pretty(&templates)? + "\n")?;
    Ok(())
}
