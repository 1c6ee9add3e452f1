//! Generating workflows, filling their credentials, packaging them, and managing a user's
//! saved workflows: one module per concern, their wire types in `crate::wire::workflows`.

pub mod bundle;
pub mod credentials;
pub mod crud;
pub mod generate;

use actix_web::web;

use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig, state: &AppState) {
    use bundle::get_bundle;
    use credentials::post_credentials;
    use crud::{
        delete_workflow, get_user_workflows, get_versions, get_workflow, get_workflows,
        post_workflow, put_workflow,
    };
    use generate::post_generate;

    use crate::routes::resource;
    let code_json = crate::http::extractors::code_json_config(state.settings.limits.code_bytes);
    cfg.service(resource("/workflows/generate").post(post_generate))
        .service(
            resource("/workflows")
                .app_data(code_json.clone())
                .get(get_workflows)
                .post(post_workflow),
        )
        .service(resource("/workflows/user/{user_id}").get(get_user_workflows))
        .service(resource("/workflows/{id}/credentials").post(post_credentials))
        .service(resource("/workflows/{id}/versions").get(get_versions))
        .service(resource("/workflows/{id}/bundle").get(get_bundle))
        .service(
            resource("/workflows/{id}")
                .app_data(code_json)
                .get(get_workflow)
                .put(put_workflow)
                .delete(delete_workflow),
        );
}
