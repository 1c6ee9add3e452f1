//! Prints what the embedded engine generates for a prompt.
//!
//! `cargo run -p cue-workflows --example generate -- [--speech] [--json] "every day at 9am ..."`

use cue_workflows::{Engine, GenerateRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut speech = false;
    let mut json = false;
    let mut prompt = Vec::new();
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--speech" => speech = true,
            "--json" => json = true,
            _ => prompt.push(a),
        }
    }
    let prompt = prompt.join(" ");
    let req = if speech {
        GenerateRequest::speech(prompt)
    } else {
        GenerateRequest::text(prompt)
    };
    let engine = Engine::new()?;
    match engine.generate(&req) {
        Ok(g) if json => println!("{}", serde_json::to_string_pretty(&g)?),
        Ok(g) => {
            println!("{}\n", serde_json::to_string_pretty(&g.plan)?);
            println!("{}", g.code);
            println!("# requirements: {:?}\n{}", g.requirements, g.template_yaml);
        }
        Err(e) => println!("error: {e}"),
    }
    Ok(())
}
