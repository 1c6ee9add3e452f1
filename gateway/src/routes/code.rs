//! `POST /code/validate` (the specification's and the frontend's request shapes) and the
//! frontend's `POST /code/syntax-check`.

use actix_web::{Either, web};
use cue_validate::{Options, PythonVersion, Stage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::AuthUser;
use crate::http::error::{ApiError, ErrorBody};
use crate::middleware::policy::Route;
use crate::middleware::ratelimit::Bucket;
use crate::state::AppState;
use crate::wire::validation::{FrontendValidation, ValidationJson, ValidationReport};

/// Either the specification's body (`code_to_validate`, `validation_stage`) or the
/// frontend's (`code`). The answer comes back in the shape that was asked.
#[derive(Deserialize, ToSchema)]
pub struct ValidateRequest {
    /// The Python source (specification).
    code_to_validate: Option<String>,
    /// The Python source (frontend).
    code: Option<String>,
    /// `initial_skeleton` (default) or `final_with_credentials`.
    #[schema(example = "initial_skeleton")]
    validation_stage: Option<String>,
    /// Target Python, `3.10` to `3.14` (default `3.13`, the Lambda runtime).
    python_version: Option<String>,
    /// Handler function name (default `lambda_handler`).
    handler: Option<String>,
    /// The bundle's `requirements.txt`, so declared packages count as available.
    requirements: Option<String>,
}

/// What `POST /code/validate` answers: the shape the request asked for. The schema; the route
/// writes the specification's shape with [`ValidationJson`] (the same bytes).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum ValidateResponse {
    /// Asked with `code_to_validate` (the specification).
    Specification(ValidationReport),
    /// Asked with `code` (the frontend).
    Frontend(FrontendValidation),
}

/// Builds validator options from request fields, with 400s that name the bad field.
fn options(
    state: &AppState,
    stage: Option<&str>,
    python_version: Option<&str>,
    handler: Option<&str>,
    requirements: Option<String>,
) -> Result<Options, ApiError> {
    let mut opts = Options::default().with_max_input_bytes(state.settings.limits.code_bytes);
    if let Some(stage) = stage {
        let stage: Stage = stage.parse().map_err(|_| {
            ApiError::bad_request(
                "invalid_stage",
                "validation_stage must be initial_skeleton or final_with_credentials",
            )
        })?;
        opts = opts.with_stage(stage);
    }
    if let Some(v) = python_version {
        let v: PythonVersion = v.parse().map_err(|_| {
            ApiError::bad_request(
                "invalid_python_version",
                "python_version must be 3.10 to 3.14",
            )
        })?;
        opts = opts.with_python_version(v);
    }
    if let Some(h) = handler {
        opts = opts.with_handler(h).map_err(|_| {
            ApiError::bad_request("invalid_handler", "handler must be a Python identifier")
        })?;
    }
    if let Some(r) = requirements {
        opts = opts.with_requirements(r);
    }
    Ok(opts)
}

/// Validates Python for Lambda: syntax, module currency, names, handler, secrets and
/// production readiness. With `code_to_validate` the answer is the specification's
/// [`ValidationReport`]; with `code` it is the frontend's [`FrontendValidation`].
#[utoipa::path(post, path = "/code/validate", tag = "code", request_body = ValidateRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = ValidateResponse, description = "The specification's shape for `code_to_validate`, the frontend's for `code`"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody),
    ))]
pub async fn post_validate(
    _user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<ValidateRequest>,
) -> Result<Either<ValidationJson, web::Json<FrontendValidation>>, ApiError> {
    let b = body.into_inner();
    let (source, frontend) = match (b.code_to_validate, b.code) {
        (Some(code), _) => (code, false),
        (None, Some(code)) => (code, true),
        (None, None) => {
            return Err(ApiError::bad_request(
                "missing_field",
                "code_to_validate is required",
            ));
        }
    };
    let opts = options(
        &state,
        b.validation_stage.as_deref(),
        b.python_version.as_deref(),
        b.handler.as_deref(),
        b.requirements,
    )?;
    let report = state.validator.validate(source, opts).await?;
    // the specification's shape written straight from the report (`ValidateResponse`'s JSON)
    Ok(if frontend {
        Either::Right(web::Json(FrontendValidation::from(&report)))
    } else {
        Either::Left(ValidationJson::new(&report))
    })
}

/// The frontend's syntax check: the same validation, answered in the frontend's shape.
#[utoipa::path(post, path = "/code/syntax-check", tag = "code", request_body = ValidateRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = FrontendValidation), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn post_syntax_check(
    _user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<ValidateRequest>,
) -> Result<web::Json<FrontendValidation>, ApiError> {
    let b = body.into_inner();
    let source = b
        .code
        .or(b.code_to_validate)
        .ok_or_else(|| ApiError::bad_request("missing_field", "code is required"))?;
    let opts = options(
        &state,
        b.validation_stage.as_deref(),
        b.python_version.as_deref(),
        b.handler.as_deref(),
        b.requirements,
    )?;
    let report = state.validator.validate(source, opts).await?;
    Ok(web::Json(FrontendValidation::from(&report)))
}

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("/code/validate", |r| r.post(post_validate))
            .limited(Bucket::Validate)
            .code_body(),
        Route::new("/code/syntax-check", |r| r.post(post_syntax_check))
            .limited(Bucket::Validate)
            .code_body(),
    ]
}
