//! Generating workflows, filling their credentials, packaging them, and managing a user's
//! saved workflows: one module per concern, their wire types in `crate::wire::workflows`.

pub mod bundle;
pub mod credentials;
pub mod crud;
pub mod dry_run;
pub mod generate;

use crate::middleware::policy::Route;
use crate::middleware::ratelimit::Bucket;

pub fn routes() -> Vec<Route> {
    use bundle::get_bundle;
    use credentials::post_credentials;
    use crud::{
        delete_workflow, get_user_workflows, get_versions, get_workflow, get_workflows,
        post_workflow, put_workflow,
    };
    use dry_run::post_dry_run;
    use generate::post_generate;

    vec![
        Route::new("/workflows/generate", |r| r.post(post_generate)).limited(Bucket::Generate),
        Route::new("/workflows", |r| r.get(get_workflows).post(post_workflow))
            .reads_limited(Bucket::Search)
            .writes_limited(Bucket::Write)
            .code_body(),
        Route::new("/workflows/user/{user_id}", |r| r.get(get_user_workflows))
            .limited(Bucket::Search),
        // Filling credentials validates the filled code: it costs what a validation does.
        Route::new("/workflows/{id}/credentials", |r| r.post(post_credentials))
            .limited(Bucket::Validate),
        Route::new("/workflows/{id}/versions", |r| r.get(get_versions)),
        Route::new("/workflows/{id}/bundle", |r| r.get(get_bundle)),
        Route::new("/workflows/{id}/dry-run", |r| r.post(post_dry_run)).limited(Bucket::Validate),
        Route::new("/workflows/{id}", |r| {
            r.get(get_workflow)
                .put(put_workflow)
                .delete(delete_workflow)
        })
        .writes_limited(Bucket::Write)
        .code_body(),
    ]
}
