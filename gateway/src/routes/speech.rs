//! `POST /speech/transcribe` and `GET /speech/service-status`: a proxy to the configured
//! speech-to-text provider, with the keys kept on the server.

use std::time::Duration;

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, web};
use cue_speech::{Audio, AudioCollector, Transcript, normalize_language};
use futures_util::{StreamExt as _, TryStreamExt as _};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::AuthUser;
use crate::http::error::{ApiError, ErrorBody};
use crate::middleware::policy::Route;
use crate::middleware::ratelimit::Bucket;
use crate::state::AppState;

/// Longest `language` form field accepted.
const MAX_LANGUAGE_BYTES: usize = 64;
/// Most bytes of form fields other than `audio` and `language` read before refusing.
const MAX_OTHER_FIELD_BYTES: usize = 16 * 1024;

#[derive(Serialize, ToSchema)]
pub struct TranscriptOut {
    transcript: String,
    /// 0.0 to 1.0.
    confidence: f64,
    /// BCP-47 tag.
    language: String,
    duration_seconds: Option<f64>,
    provider: String,
}

impl From<Transcript> for TranscriptOut {
    fn from(t: Transcript) -> Self {
        Self {
            transcript: t.transcript,
            confidence: t.confidence,
            language: t.language,
            duration_seconds: t.duration_seconds,
            provider: t.provider.to_owned(),
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct TranscribeQuery {
    /// BCP-47 language of the speech (default `en-US`); for raw bodies, or overriding the form.
    language: Option<String>,
}

/// Reads the multipart form: exactly one `audio` part, streamed into the collector with bounded
/// memory, and an optional `language`.
async fn read_form(
    mut form: Multipart,
    state: &AppState,
) -> Result<(Audio, Option<String>), ApiError> {
    let mut audio = None;
    let mut language = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| {
            ApiError::bad_request(
                "invalid_multipart",
                format!("malformed multipart body: {e}"),
            )
        })?;
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "audio" => {
                if audio.is_some() {
                    return Err(ApiError::bad_request(
                        "invalid_multipart",
                        "send exactly one `audio` part",
                    ));
                }
                let mut collector = AudioCollector::new(state.settings.speech.limits);
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|e| {
                        ApiError::bad_request(
                            "invalid_multipart",
                            format!("the upload broke off: {e}"),
                        )
                    })?;
                    collector.push(&chunk)?;
                }
                audio = Some(collector.finish()?);
            }
            "language" => {
                language = Some(read_small(&mut field, MAX_LANGUAGE_BYTES, "language").await?)
            }
            _ => {
                // Tolerate extra fields (browsers add some), but do not let them grow without bound.
                read_small(&mut field, MAX_OTHER_FIELD_BYTES, "form field").await?;
            }
        }
    }
    let audio = audio
        .ok_or_else(|| ApiError::bad_request("missing_field", "the form has no `audio` part"))?;
    Ok((audio, language))
}

async fn read_small(
    field: &mut actix_multipart::Field,
    limit: usize,
    what: &str,
) -> Result<String, ApiError> {
    let mut buf = Vec::new();
    while let Some(chunk) = field
        .try_next()
        .await
        .map_err(|e| ApiError::bad_request("invalid_multipart", e.to_string()))?
    {
        if buf.len() + chunk.len() > limit {
            return Err(ApiError::bad_request(
                "invalid_multipart",
                format!("the {what} field is too long"),
            ));
        }
        buf.extend_from_slice(&chunk);
    }
    String::from_utf8(buf).map_err(|_| {
        ApiError::bad_request(
            "invalid_multipart",
            format!("the {what} field is not UTF-8"),
        )
    })
}

/// Reads a raw audio body into the collector.
async fn read_raw(mut body: web::Payload, state: &AppState) -> Result<Audio, ApiError> {
    let mut collector = AudioCollector::new(state.settings.speech.limits);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request("invalid_body", format!("the upload broke off: {e}"))
        })?;
        collector.push(&chunk)?;
    }
    Ok(collector.finish()?)
}

/// Transcribes speech. Send `multipart/form-data` with an `audio` part (WAV, MP3, OGG/Opus,
/// WebM, FLAC or MP4/M4A, identified from its bytes) and an optional `language`, or the audio
/// itself as the body with an `audio/*` content type.
#[utoipa::path(post, path = "/speech/transcribe", tag = "speech", params(TranscribeQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = TranscriptOut),
        (status = 400, body = ErrorBody, description = "Empty, truncated or malformed upload"),
        (status = 413, body = ErrorBody, description = "Over the size or duration limit"),
        (status = 415, body = ErrorBody, description = "Not a supported audio container"),
        (status = 502, body = ErrorBody), (status = 503, body = ErrorBody), (status = 504, body = ErrorBody),
    ))]
pub async fn post_transcribe(
    _user: AuthUser,
    req: HttpRequest,
    query: web::Query<TranscribeQuery>,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<web::Json<TranscriptOut>, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let upload = async {
        if content_type.starts_with("multipart/form-data") {
            read_form(Multipart::new(req.headers(), body), &state).await
        } else if content_type.starts_with("audio/")
            || content_type.starts_with("application/octet-stream")
        {
            Ok((read_raw(body, &state).await?, None))
        } else {
            Err(ApiError::UnsupportedMediaType(
                "send multipart/form-data with an `audio` part, or the audio itself with an audio/* type".into(),
            ))
        }
    };
    let (audio, form_language) = tokio::time::timeout(state.settings.speech_upload_timeout, upload)
        .await
        .map_err(|_| ApiError::bad_request("upload_timeout", "the upload took too long"))??;
    let language = normalize_language(
        query
            .into_inner()
            .language
            .or(form_language)
            .as_deref()
            .unwrap_or(""),
    )?;
    tracing::info!(format = ?audio.info().format, bytes = audio.len(), %language, "transcribing");
    let transcript = state.speech.transcribe(audio, &language).await?;
    Ok(web::Json(transcript.into()))
}

#[derive(Serialize, ToSchema)]
pub struct ServiceStatus {
    /// `ok`, `not_configured` or `unavailable`.
    status: String,
    available: bool,
    provider: String,
}

/// Whether transcription is configured and its provider answers.
#[utoipa::path(get, path = "/speech/service-status", tag = "speech",
    responses((status = 200, body = ServiceStatus)))]
pub async fn get_service_status(state: web::Data<AppState>) -> web::Json<ServiceStatus> {
    let status = match tokio::time::timeout(Duration::from_secs(3), state.speech.status()).await {
        Ok(s) => ServiceStatus {
            status: s.status.as_str().to_owned(),
            available: s.available,
            provider: s.provider.to_owned(),
        },
        Err(_) => ServiceStatus {
            status: "unavailable".into(),
            available: false,
            provider: state.speech.name().to_owned(),
        },
    };
    web::Json(status)
}

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("/speech/transcribe", |r| r.post(post_transcribe))
            .limited(Bucket::Transcribe)
            .upload(),
        Route::new("/speech/service-status", |r| r.get(get_service_status)),
    ]
}
