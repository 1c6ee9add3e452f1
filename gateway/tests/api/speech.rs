//! `/speech/transcribe` and `/speech/service-status`, against a stand-in OpenAI-compatible
//! transcription server (the real protocol: multipart `file`, `model`, `language`).

use std::time::Duration;

use cue_speech::{OpenAiConfig, ProviderKind};
use reqwest::header;
use reqwest::multipart::{Form, Part};
use secrecy::SecretString;
use serde_json::{Value, json};
use url::Url;
use wiremock::matchers::{header as has_header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::backend_tests;
use crate::helpers::{TestApp, error_code, spawn_app_with};

backend_tests!(
    speech_without_a_provider_is_unavailable,
    speech_transcribes_through_the_provider
);

fn wav() -> Vec<u8> {
    cue_speech::silent_wav(16_000, 0.5)
}

fn form(audio: Vec<u8>) -> Form {
    Form::new()
        .part(
            "audio",
            Part::bytes(audio)
                .file_name("blob")
                .mime_str("audio/wav")
                .unwrap(),
        )
        .text("language", "en-US")
}

async fn speech_without_a_provider_is_unavailable(app: TestApp) {
    let status: Value = app
        .api
        .get(app.url("/speech/service-status"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["available"], false);
    assert_eq!(status["status"], "not_configured");
    let token = app.api_login("google", "google-code-ada").await;
    let res = app
        .api
        .post(app.url("/speech/transcribe"))
        .bearer_auth(&token)
        .multipart(form(wav()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "speech_not_configured");
    assert!(body["detail"].as_str().unwrap().contains("SPEECH_PROVIDER"));
}

async fn speech_transcribes_through_the_provider(app: TestApp) {
    let backend = app.store.backend();
    drop(app);
    let stt = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .and(has_header("authorization", "Bearer stt-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "text": "turn on the lights", "language": "english", "duration": 0.5,
            "segments": [{"avg_logprob": -0.1}]
        })))
        .mount(&stt)
        .await;
    let base = format!("{}/v1", stt.uri());
    let app = spawn_app_with(backend, |s| {
        s.speech.provider = ProviderKind::OpenAi;
        s.speech.openai = Some(OpenAiConfig {
            base_url: Url::parse(&base).unwrap(),
            api_key: Some(SecretString::from("stt-key")),
            model: "whisper-1".into(),
        });
        s.speech.limits.max_bytes = 200_000;
        s.speech_upload_timeout = Duration::from_secs(1);
    })
    .await
    .unwrap();
    let token = app.api_login("google", "google-code-ada").await;
    let transcribe = || {
        app.api
            .post(app.url("/speech/transcribe"))
            .bearer_auth(&token)
    };

    let res = transcribe().multipart(form(wav())).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["transcript"], "turn on the lights");
    assert_eq!(body["provider"], "openai");
    assert_eq!(body["language"], "en-US");
    let confidence = body["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&confidence));

    // The audio itself as the body.
    let res = transcribe()
        .header(header::CONTENT_TYPE, "audio/wav")
        .body(wav())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // Hostile and broken uploads never reach the provider.
    let calls_before = stt.received_requests().await.unwrap().len();
    let text_as_wav = Form::new().part(
        "audio",
        Part::bytes(b"hello, I am not audio at all".to_vec())
            .file_name("a.wav")
            .mime_str("audio/wav")
            .unwrap(),
    );
    assert_eq!(
        error_code(
            transcribe().multipart(text_as_wav).send().await.unwrap(),
            415
        )
        .await,
        "unsupported_audio"
    );
    let header_only = wav()[..44].to_vec();
    assert_eq!(
        error_code(
            transcribe()
                .multipart(form(header_only))
                .send()
                .await
                .unwrap(),
            400
        )
        .await,
        "invalid_audio"
    );
    assert_eq!(
        error_code(
            transcribe()
                .multipart(form(Vec::new()))
                .send()
                .await
                .unwrap(),
            400
        )
        .await,
        "invalid_audio"
    );
    let too_big = cue_speech::silent_wav(16_000, 10.0);
    assert_eq!(
        error_code(
            transcribe().multipart(form(too_big)).send().await.unwrap(),
            413
        )
        .await,
        "audio_too_large"
    );
    let no_audio = Form::new().text("language", "en-US");
    assert_eq!(
        error_code(transcribe().multipart(no_audio).send().await.unwrap(), 400).await,
        "missing_field"
    );
    let two = Form::new()
        .part("audio", Part::bytes(wav()).file_name("blob"))
        .part("audio", Part::bytes(wav()).file_name("blob"));
    assert_eq!(
        error_code(transcribe().multipart(two).send().await.unwrap(), 400).await,
        "invalid_multipart"
    );
    let res = transcribe()
        .header(header::CONTENT_TYPE, "text/plain")
        .body("hi")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res, 415).await, "unsupported_media_type");
    let bad_language = Form::new()
        .part("audio", Part::bytes(wav()).file_name("blob"))
        .text("language", "not a tag!");
    assert_eq!(
        error_code(
            transcribe().multipart(bad_language).send().await.unwrap(),
            400
        )
        .await,
        "invalid_language"
    );
    assert_eq!(
        stt.received_requests().await.unwrap().len(),
        calls_before,
        "nothing bad was forwarded"
    );

    let res = app
        .api
        .post(app.url("/speech/transcribe"))
        .multipart(form(wav()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}
