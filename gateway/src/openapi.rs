//! The OpenAPI 3.1 document of every route, generated from the handlers' annotations.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{auth, code, health, speech, templates, users, workflows};

#[derive(OpenApi)]
#[openapi(
    info(title = "Cue API", description = "Turns plain-language automations into deployable AWS Lambda code."),
    paths(
        health::get_health,
        health::get_ready,
        auth::get_login,
        auth::get_callback,
        auth::post_logout,
        auth::post_logout_everywhere,
        auth::get_logout,
        auth::post_validate_token,
        users::get_me,
        users::get_frontend_me,
        users::put_profile,
        users::post_onboarding,
        workflows::generate::post_generate,
        workflows::credentials::post_credentials,
        workflows::crud::get_workflows,
        workflows::crud::post_workflow,
        workflows::crud::get_workflow,
        workflows::crud::put_workflow,
        workflows::crud::delete_workflow,
        workflows::crud::get_versions,
        workflows::bundle::get_bundle,
        workflows::dry_run::post_dry_run,
        workflows::crud::get_user_workflows,
        templates::get_templates,
        templates::get_template,
        templates::post_use_template,
        code::post_validate,
        code::post_syntax_check,
        speech::post_transcribe,
        speech::get_service_status,
    ),
    components(schemas(crate::http::error::ErrorBody)),
    modifiers(&Security),
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::http::token::SESSION_COOKIE,
            ))),
        );
    }
}

/// `GET /openapi.json`
pub async fn get_openapi() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// A documented path is mounted through the route table, so it has a declared policy.
    #[test]
    fn every_documented_path_is_in_the_route_table() {
        let table: BTreeSet<&str> = crate::routes::table().iter().map(|r| r.path).collect();
        let doc = ApiDoc::openapi();
        let documented: BTreeSet<&str> = doc.paths.paths.keys().map(String::as_str).collect();
        let missing: Vec<&&str> = documented.difference(&table).collect();
        assert!(
            missing.is_empty(),
            "documented but not mounted: {missing:?}"
        );
    }
}
