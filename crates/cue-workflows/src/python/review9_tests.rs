//! Review 9's generator findings (docs/catalog-review-9-fixes.md), run with python3: the
//! generated step makes its call through a faked `_http`, so the request it sends is checked.

#![expect(clippy::unwrap_used, reason = "tests")]

use super::answers_tests::run;
use crate::{Engine, GenerateRequest};

fn from_prompt(prompt: &str) -> crate::Generated {
    let g = Engine::new()
        .unwrap()
        .generate(&GenerateRequest::text(prompt))
        .unwrap();
    let report = g.validation.as_ref().unwrap();
    assert_eq!(report.error_count, 0, "{:?}\n{}", report.findings, g.code);
    g
}

/// R9-6: the language the prompt names is the one the translate request asks for.
#[test]
fn the_named_language_is_the_one_the_translate_request_asks_for() {
    let g = from_prompt(
        "When a message is posted in Slack, translate it to French with Google Translate and post it to Slack",
    );
    run(
        &g,
        r#"
module._http = lambda method, url, **kw: calls.append(kw) or {"data": {"translations": [{"translatedText": "Bonjour"}]}}
module.step_1_google_translate_translate([{"text": "Hello"}])
assert calls[0]["payload"] == {"q": "Hello", "target": "fr"}, calls
"#,
    );
    let g = from_prompt(
        "when a new zendesk ticket comes in translate it into brazilian portuguese with deepl and post it to slack",
    );
    run(
        &g,
        r#"
module._http = lambda method, url, **kw: calls.append(kw) or {"translations": [{"text": "Olá"}]}
step = [n for n in dir(module) if n.endswith("_deepl_translate")][0]
getattr(module, step)([{"subject": "Hello"}])
assert calls[0]["payload"]["target_lang"] == "PT-BR", calls
"#,
    );
    // no language named: the default, which the plan's assumptions state
    let g = from_prompt(
        "When a message is posted in Slack, translate it with Google Translate and post it to Slack",
    );
    assert!(
        g.code
            .contains(r#"os.environ.get("GOOGLE_TRANSLATE_LANGUAGE", "es")"#)
    );
}

