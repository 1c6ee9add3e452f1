//! The curated starter library: workflows users begin from instead of a blank page.
//!
//! Kept as data (`data/templates.json`), like the tool catalog. Each template holds the
//! description its plan was first built from (by the embedded planner, then reviewed by hand)
//! and the typed [`Plan`] itself, so the engine turns a template into a bundle with
//! [`Engine::generate_from_plan`](crate::Engine::generate_from_plan) without re-planning.
//! `cargo run -p cue-workflows --example build_templates` re-plans entries whose plan is
//! missing; the crate's tests check that every template builds a bundle `cue-validate` accepts.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::WorkflowError;
use crate::catalog::Catalog;
use crate::model::Plan;
use crate::search::{Scope, SearchDoc};

const TEMPLATES_JSON: &str = include_str!("../data/templates.json");

/// One starter workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Stable slug (`daily-github-issues-to-slack`), used in URLs.
    pub id: String,
    pub title: String,
    /// What the workflow does, in the words a user would type; the plan was built from it.
    pub description: String,
    /// Lower-case, hyphenated (`google-sheets`, `finance`).
    pub tags: Vec<String>,
    pub plan: Plan,
}

impl Template {
    /// Display names of the tools the plan uses.
    pub fn tool_names(&self) -> Vec<String> {
        self.plan.tools.iter().map(|t| t.name.clone()).collect()
    }
}

// Here rather than in `search`, so `search` does not depend on this module (see there).
impl SearchDoc {
    /// The document of a template; `position` is its place in the curated order.
    pub fn from_template(t: &Template, position: usize) -> Self {
        let trigger = &t.plan.trigger;
        Self {
            id: t.id.clone(),
            scope: Scope::Templates,
            title: t.title.clone(),
            description: t.description.clone(),
            tools: t.tool_names(),
            trigger: format!("{} {}", trigger.kind.as_str(), trigger.description),
            tags: t.tags.clone(),
            browse_order: -i64::try_from(position).unwrap_or(i64::MAX),
        }
    }
}

/// The parsed library with an index by id, in curated order.
#[derive(Debug, Clone)]
pub struct TemplateLibrary {
    templates: Vec<Template>,
    by_id: HashMap<String, usize>,
}

impl TemplateLibrary {
    /// The library shipped with the crate, checked against `catalog`.
    pub fn builtin(catalog: &Catalog) -> Result<Self, WorkflowError> {
        let templates: Vec<Template> = serde_json::from_str(TEMPLATES_JSON)
            .map_err(|e| WorkflowError::Internal(format!("data/templates.json: {e}")))?;
        Self::new(templates, catalog)
    }

    /// A library of the given templates, after checking ids, tags and that every tool, action
    /// and event they use is in the catalog.
    pub fn new(templates: Vec<Template>, catalog: &Catalog) -> Result<Self, WorkflowError> {
        let mut by_id = HashMap::new();
        for (i, t) in templates.iter().enumerate() {
            check(t, catalog)
                .map_err(|why| WorkflowError::Internal(format!("template {:?}: {why}", t.id)))?;
            if by_id.insert(t.id.clone(), i).is_some() {
                return Err(WorkflowError::Internal(format!(
                    "template {:?} is listed twice",
                    t.id
                )));
            }
        }
        Ok(Self { templates, by_id })
    }

    /// All templates, in curated order.
    pub fn all(&self) -> &[Template] {
        &self.templates
    }

    pub fn get(&self, id: &str) -> Option<&Template> {
        self.by_id.get(id).map(|&i| &self.templates[i])
    }

    pub fn len(&self) -> usize {
        self.templates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.templates.is_empty()
    }

    /// Every tag used, sorted.
    pub fn tags(&self) -> BTreeSet<&str> {
        self.templates
            .iter()
            .flat_map(|t| t.tags.iter().map(String::as_str))
            .collect()
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Why a template is unusable, if it is.
fn check(t: &Template, catalog: &Catalog) -> Result<(), String> {
    if !is_slug(&t.id) {
        return Err("the id must be a lower-case slug".into());
    }
    if t.title.trim().is_empty() || t.description.trim().is_empty() {
        return Err("title and description are required".into());
    }
    if let Some(tag) = t.tags.iter().find(|tag| !is_slug(tag)) {
        return Err(format!("tag {tag:?} must be a lower-case slug"));
    }
    for pt in &t.plan.tools {
        if catalog.tool(&pt.id).is_none() {
            return Err(format!("tool {:?} is not in the catalog", pt.id));
        }
    }
    let trigger = &t.plan.trigger;
    if let Some(id) = &trigger.tool {
        let tool = catalog
            .tool(id)
            .ok_or_else(|| format!("trigger tool {id:?} is not in the catalog"))?;
        if let Some(event) = &trigger.event
            && !tool.events.iter().any(|e| &e.id == event)
        {
            return Err(format!("{id} has no event {event:?}"));
        }
    }
    for step in &t.plan.steps {
        let tool = catalog
            .tool(&step.tool)
            .ok_or_else(|| format!("step tool {:?} is not in the catalog", step.tool))?;
        if tool.action(&step.action).is_none() {
            return Err(format!("{} has no action {:?}", step.tool, step.action));
        }
        if !t.plan.tools.iter().any(|pt| pt.id == step.tool) {
            return Err(format!(
                "step tool {:?} is missing from the tool list",
                step.tool
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::Engine;

    fn library() -> (Engine, TemplateLibrary) {
        let engine = Engine::new().unwrap();
        let lib = TemplateLibrary::builtin(engine.catalog()).unwrap();
        (engine, lib)
    }

    /// Every template deserializes, uses only catalog tools, and the engine builds a bundle
    /// from its plan that cue-validate accepts without errors.
    #[test]
    fn every_template_builds_a_valid_bundle() {
        let (engine, lib) = library();
        assert!(lib.len() >= 40, "only {} templates", lib.len());
        for t in lib.all() {
            let g = engine.generate_from_plan(t.plan.clone()).unwrap();
            let report = g.validation.as_ref().unwrap();
            assert_eq!(
                report.error_count, 0,
                "{}: {:?}\n{}",
                t.id, report.findings, g.code
            );
            assert!(!g.tools.is_empty(), "{} uses no tool", t.id);
            let zip = crate::bundle_zip(&g, &g.code).unwrap();
            assert!(zip.len() > 100, "{}", t.id);
        }
    }

    #[test]
    fn templates_have_unique_ids_tags_and_enough_variety() {
        let (_, lib) = library();
        let ids: BTreeSet<&str> = lib.all().iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids.len(), lib.len());
        assert!(lib.tags().len() >= 20, "{:?}", lib.tags());
        let triggers: BTreeSet<&str> = lib
            .all()
            .iter()
            .map(|t| t.plan.trigger.kind.as_str())
            .collect();
        assert!(triggers.len() >= 5, "{triggers:?}");
        for t in lib.all() {
            assert!(!t.tags.is_empty(), "{} has no tags", t.id);
            assert_eq!(lib.get(&t.id), Some(t));
        }
        assert!(lib.get("no-such-template").is_none());
    }

    /// The stored plan still agrees with what the planner makes of the description on the
    /// tools it names, so the description shown to users does not promise something else.
    #[test]
    fn template_plans_use_the_tools_their_description_names() {
        let (engine, lib) = library();
        for t in lib.all() {
            let replanned = engine
                .plan(&crate::GenerateRequest::text(t.description.clone()))
                .unwrap();
            let want: BTreeSet<&str> = replanned.tools.iter().map(|p| p.id.as_str()).collect();
            let got: BTreeSet<&str> = t.plan.tools.iter().map(|p| p.id.as_str()).collect();
            assert_eq!(got, want, "{}", t.id);
        }
    }

    #[test]
    fn library_rejects_unknown_tools_duplicates_and_bad_slugs() {
        let (engine, lib) = library();
        let good = lib.all()[0].clone();

        let mut unknown = good.clone();
        unknown.plan.steps[0].tool = "no_such_tool".into();
        let err = TemplateLibrary::new(vec![unknown], engine.catalog()).unwrap_err();
        assert!(err.to_string().contains("no_such_tool"), "{err}");

        let mut bad_action = good.clone();
        bad_action.plan.steps[0].action = "no_such_action".into();
        assert!(TemplateLibrary::new(vec![bad_action], engine.catalog()).is_err());

        let err =
            TemplateLibrary::new(vec![good.clone(), good.clone()], engine.catalog()).unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");

        let mut bad_id = good.clone();
        bad_id.id = "Not A Slug".into();
        assert!(TemplateLibrary::new(vec![bad_id], engine.catalog()).is_err());

        let mut bad_tag = good;
        bad_tag.tags = vec!["Google Sheets".into()];
        assert!(TemplateLibrary::new(vec![bad_tag], engine.catalog()).is_err());
    }
}
