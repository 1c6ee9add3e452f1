//! The HTTP providers against local wiremock servers speaking their APIs.
#![expect(clippy::unwrap_used, reason = "tests")]

use std::{sync::Arc, time::Duration};

use cue_speech::{
    Audio, AudioLimits, AzureConfig, OpenAiConfig, ProviderKind, ProviderState, SpeechConfig,
    SpeechError, SpeechToText, UNREPORTED_CONFIDENCE, build_provider, silent_wav,
};
use secrecy::SecretString;
use serde_json::json;
use url::Url;
use wiremock::{
    Mock, MockServer, Request, ResponseTemplate,
    matchers::{body_bytes, header, method, path, query_param},
};

const OPENAI_KEY: &str = "sk-test-very-secret-0123";
const AZURE_KEY: &str = "azure-test-very-secret-4567";

fn wav() -> Audio {
    Audio::from_bytes(silent_wav(16_000, 1.0), &AudioLimits::default()).unwrap()
}

fn fixture(name: &str) -> Audio {
    let bytes = std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    Audio::from_bytes(bytes, &AudioLimits::default()).unwrap()
}

fn openai(server: &MockServer, key: Option<&str>, timeout: Duration) -> Arc<dyn SpeechToText> {
    openai_at(&server.uri(), key, timeout)
}

fn openai_at(uri: &str, key: Option<&str>, timeout: Duration) -> Arc<dyn SpeechToText> {
    build_provider(&SpeechConfig {
        provider: ProviderKind::OpenAi,
        request_timeout: timeout,
        openai: Some(OpenAiConfig {
            base_url: Url::parse(&format!("{uri}/v1")).unwrap(),
            api_key: key.map(|k| SecretString::from(k.to_owned())),
            model: "whisper-1".into(),
        }),
        ..SpeechConfig::default()
    })
    .unwrap()
}

fn azure(endpoint: &str, timeout: Duration) -> Arc<dyn SpeechToText> {
    build_provider(&SpeechConfig {
        provider: ProviderKind::Azure,
        request_timeout: timeout,
        azure: Some(AzureConfig {
            key: SecretString::from(AZURE_KEY.to_owned()),
            region: None,
            endpoint: Some(Url::parse(endpoint).unwrap()),
        }),
        ..SpeechConfig::default()
    })
    .unwrap()
}

/// The value of multipart field `name`, read from the raw body (fields are small text here).
fn multipart_field(request: &Request, name: &str) -> Option<String> {
    let body = String::from_utf8_lossy(&request.body);
    let marker = format!("name=\"{name}\"");
    let start = body.find(&marker)?;
    let rest = &body[start..];
    let value_start = rest.find("\r\n\r\n")? + 4;
    let value_end = rest[value_start..].find("\r\n")?;
    Some(rest[value_start..value_start + value_end].to_owned())
}

const LONG: Duration = Duration::from_secs(10);

#[tokio::test]
async fn openai_sends_multipart_with_the_key_and_reads_verbose_json() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .and(header(
            "authorization",
            format!("Bearer {OPENAI_KEY}").as_str(),
        ))
        .and(|r: &Request| {
            let ct = r
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let body = String::from_utf8_lossy(&r.body);
            ct.starts_with("multipart/form-data; boundary=")
                && body.contains("name=\"file\"; filename=\"audio.wav\"")
                && body.contains("Content-Type: audio/wav")
                && multipart_field(r, "model").as_deref() == Some("whisper-1")
                && multipart_field(r, "language").as_deref() == Some("en")
                && multipart_field(r, "response_format").as_deref() == Some("verbose_json")
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "task": "transcribe", "language": "english", "duration": 1.04,
            "text": " Turn on the lights. ",
            "segments": [{"id": 0, "avg_logprob": -0.1}, {"id": 1, "avg_logprob": -0.3}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let provider = openai(&server, Some(OPENAI_KEY), LONG);
    let t = provider.transcribe(wav(), "EN-us").await.unwrap();
    assert_eq!(t.transcript, "Turn on the lights.");
    assert_eq!(t.language, "en-US");
    assert_eq!(t.duration_seconds, Some(1.04));
    assert_eq!(t.provider, "openai");
    let expected = ((-0.1f64).exp() + (-0.3f64).exp()) / 2.0;
    assert!((t.confidence - expected).abs() < 1e-9);
}

#[tokio::test]
async fn openai_without_key_or_iso_code_sends_neither() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .and(|r: &Request| {
            !r.headers.contains_key("authorization")
                && multipart_field(r, "language").is_none()
                && String::from_utf8_lossy(&r.body).contains("filename=\"audio.ogg\"")
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"text": "nei hou"})))
        .expect(1)
        .mount(&server)
        .await;
    let t = openai(&server, None, LONG)
        .transcribe(fixture("speech.opus.ogg"), "yue-HK")
        .await
        .unwrap();
    assert_eq!(t.transcript, "nei hou");
    assert_eq!(t.confidence, UNREPORTED_CONFIDENCE);
    // No duration from the server: the container's.
    assert!(t.duration_seconds.unwrap() > 1.1);
}

/// Every failure an HTTP provider can meet, and what it must become.
async fn assert_failure_mappings(
    make: impl Fn(&str, Duration) -> Arc<dyn SpeechToText>,
    audio: fn() -> Audio,
    key: &str,
) {
    type Check = fn(&SpeechError) -> bool;
    let cases: Vec<(&str, ResponseTemplate, Check)> = vec![
        (
            "429 with Retry-After",
            ResponseTemplate::new(429).insert_header("retry-after", "7"),
            |e| matches!(e, SpeechError::Unavailable { retry_after: Some(d) } if *d == Duration::from_secs(7)),
        ),
        ("503", ResponseTemplate::new(503), |e| {
            matches!(e, SpeechError::Unavailable { retry_after: None })
        }),
        ("504", ResponseTemplate::new(504), |e| {
            matches!(e, SpeechError::Timeout)
        }),
        (
            "400 echoing the key",
            ResponseTemplate::new(400)
                .set_body_string(format!("{{\"error\":\"bad audio for key {key}\"}}")),
            |e| {
                matches!(e, SpeechError::Rejected { .. })
                    && e.detail().unwrap().contains("bad audio")
            },
        ),
        (
            "401 echoing the key",
            ResponseTemplate::new(401)
                .set_body_string(format!("Incorrect API key provided: {key}")),
            |e| matches!(e, SpeechError::Rejected { .. }),
        ),
        (
            "500",
            ResponseTemplate::new(500).set_body_string("kaput"),
            |e| matches!(e, SpeechError::Provider { .. }),
        ),
        (
            "malformed JSON",
            ResponseTemplate::new(200).set_body_string("<html>"),
            |e| matches!(e, SpeechError::Provider { .. }),
        ),
        (
            "slow",
            ResponseTemplate::new(200).set_delay(Duration::from_secs(3)),
            |e| matches!(e, SpeechError::Timeout),
        ),
    ];
    for (case, response, check) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(response)
            .mount(&server)
            .await;
        let provider = make(&server.uri(), Duration::from_millis(300));
        let err = provider.transcribe(audio(), "en-US").await.unwrap_err();
        assert!(check(&err), "{case}: got {err:?}");
        for printed in [
            err.to_string(),
            format!("{err:?}"),
            err.detail().unwrap_or_default().to_owned(),
        ] {
            assert!(
                !printed.contains(key),
                "{case}: the key leaked into {printed:?}"
            );
        }
        if matches!(
            err,
            SpeechError::Rejected { .. } | SpeechError::Provider { .. }
        ) {
            assert!(
                !err.to_string().contains("bad audio") && !err.to_string().contains("kaput"),
                "{case}: Display must be generic"
            );
        }
    }
    // Nothing listening: unavailable, not a generic failure.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let provider = make(
        &format!("http://127.0.0.1:{closed}"),
        Duration::from_millis(300),
    );
    let err = provider.transcribe(audio(), "en-US").await.unwrap_err();
    assert!(
        matches!(err, SpeechError::Unavailable { retry_after: None }),
        "refused connection: got {err:?}"
    );
}

#[tokio::test]
async fn openai_maps_every_upstream_failure() {
    assert_failure_mappings(
        |uri, t| openai_at(uri, Some(OPENAI_KEY), t),
        wav,
        OPENAI_KEY,
    )
    .await;
}

#[tokio::test]
async fn openai_status_probes_the_models_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header(
            "authorization",
            format!("Bearer {OPENAI_KEY}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    let status = openai(&server, Some(OPENAI_KEY), LONG).status().await;
    assert_eq!(
        (status.status, status.available, status.provider),
        (ProviderState::Ready, true, "openai")
    );
    let status = openai(&server, Some("wrong"), LONG).status().await;
    assert_eq!(
        (status.status, status.available),
        (ProviderState::Unavailable, false)
    );
}

#[tokio::test]
async fn openai_rejects_bad_language_before_calling() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let err = openai(&server, None, LONG)
        .transcribe(wav(), "english please")
        .await
        .unwrap_err();
    assert!(matches!(err, SpeechError::InvalidLanguage { .. }));
}

#[tokio::test]
async fn azure_posts_pcm_with_the_key_and_reads_the_best_result() {
    let server = MockServer::start().await;
    let audio = wav();
    Mock::given(method("POST"))
        .and(path(
            "/speech/recognition/conversation/cognitiveservices/v1",
        ))
        .and(query_param("language", "de-DE"))
        .and(query_param("format", "detailed"))
        .and(header("ocp-apim-subscription-key", AZURE_KEY))
        .and(header(
            "content-type",
            "audio/wav; codecs=audio/pcm; samplerate=16000",
        ))
        .and(body_bytes(audio.bytes().to_vec()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "RecognitionStatus": "Success", "Offset": 0, "Duration": 9_800_000,
            "DisplayText": "Licht an.",
            "NBest": [{"Confidence": 0.93, "Lexical": "licht an", "Display": "Licht an."},
                      {"Confidence": 0.41, "Display": "Nicht an."}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let t = azure(&server.uri(), LONG)
        .transcribe(audio, "de-de")
        .await
        .unwrap();
    assert_eq!(t.transcript, "Licht an.");
    assert_eq!(t.confidence, 0.93);
    assert_eq!(t.language, "de-DE");
    assert_eq!(t.duration_seconds, Some(0.98));
    assert_eq!(t.provider, "azure");
}

#[tokio::test]
async fn azure_sends_ogg_opus_and_treats_silence_as_an_empty_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("content-type", "audio/ogg; codecs=opus"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"RecognitionStatus": "InitialSilenceTimeout", "Offset": 0, "Duration": 0}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let t = azure(&server.uri(), LONG)
        .transcribe(fixture("speech.opus.ogg"), "en-US")
        .await
        .unwrap();
    assert_eq!((t.transcript.as_str(), t.confidence), ("", 0.0));
}

#[tokio::test]
async fn azure_refuses_other_formats_and_long_audio_without_calling() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let provider = azure(&server.uri(), LONG);
    for name in [
        "speech.mp3",
        "speech.webm",
        "speech.flac",
        "speech.m4a",
        "speech.vorbis.ogg",
    ] {
        let err = provider
            .transcribe(fixture(name), "en-US")
            .await
            .unwrap_err();
        assert!(
            matches!(err, SpeechError::UnsupportedAudio { .. }),
            "{name}: {err:?}"
        );
    }
    let long = Audio::from_bytes(silent_wav(8000, 61.0), &AudioLimits::default()).unwrap();
    assert!(matches!(
        provider.transcribe(long, "en-US").await,
        Err(SpeechError::TooLong { .. })
    ));
}

#[tokio::test]
async fn azure_error_status_is_a_provider_failure() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"RecognitionStatus": "Error"})),
        )
        .mount(&server)
        .await;
    let err = azure(&server.uri(), LONG)
        .transcribe(wav(), "en-US")
        .await
        .unwrap_err();
    assert!(matches!(err, SpeechError::Provider { .. }));
}

#[tokio::test]
async fn azure_maps_every_upstream_failure() {
    assert_failure_mappings(azure, wav, AZURE_KEY).await;
}

#[tokio::test]
async fn azure_builds_the_regional_url_and_needs_a_region_or_endpoint() {
    let config = |region: Option<&str>| SpeechConfig {
        provider: ProviderKind::Azure,
        azure: Some(AzureConfig {
            key: SecretString::from("k".to_owned()),
            region: region.map(str::to_owned),
            endpoint: None,
        }),
        ..SpeechConfig::default()
    };
    assert!(build_provider(&config(Some("westeurope"))).is_ok());
    for bad in [None, Some("evil.com/x"), Some("")] {
        assert!(
            matches!(
                build_provider(&config(bad)),
                Err(SpeechError::InvalidConfig(_))
            ),
            "{bad:?}"
        );
    }
    let status = build_provider(&config(Some("westeurope")))
        .unwrap()
        .status()
        .await;
    assert!(status.available);
}

#[tokio::test]
async fn disabled_provider_says_not_configured() {
    let provider = build_provider(&SpeechConfig::default()).unwrap();
    assert_eq!(provider.name(), "disabled");
    let err = provider.transcribe(wav(), "en-US").await.unwrap_err();
    assert!(matches!(err, SpeechError::NotConfigured));
    assert!(err.to_string().contains("SPEECH_PROVIDER"));
    let status = provider.status().await;
    assert_eq!(
        (status.status.as_str(), status.available),
        ("not_configured", false)
    );
}

#[cfg(not(feature = "aws"))]
#[test]
fn aws_without_the_feature_is_a_configuration_error() {
    let config = SpeechConfig {
        provider: ProviderKind::Aws,
        ..SpeechConfig::default()
    };
    assert!(matches!(
        build_provider(&config),
        Err(SpeechError::InvalidConfig(_))
    ));
}
