//! The Amazon Transcribe provider against moto's S3 and Transcribe (feature `aws`).
//!
//! moto runs jobs through QUEUED → IN_PROGRESS → COMPLETED on successive polls but writes no
//! transcript, so a helper task plays Transcribe's part: it waits for the uploaded audio and
//! writes the transcript JSON where the job was told to put it.
#![cfg(feature = "aws")]
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::time::Duration;

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig};
use cue_speech::{
    Audio, AudioLimits, AwsTranscribeConfig, ProviderState, SpeechError, SpeechToText,
    providers::aws::{AwsClients, AwsTranscribeProvider},
    silent_wav,
};

fn clients(endpoint: &str) -> AwsClients {
    let credentials = Credentials::new("testing", "testing", None, None, "moto");
    let s3 = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(credentials.clone())
        .force_path_style(true)
        .retry_config(RetryConfig::disabled())
        .build();
    let transcribe = aws_sdk_transcribe::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(aws_sdk_transcribe::config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(credentials)
        .build();
    AwsClients {
        s3: aws_sdk_s3::Client::from_conf(s3),
        transcribe: aws_sdk_transcribe::Client::from_conf(transcribe),
    }
}

fn config(bucket: &str, job_timeout: Duration) -> AwsTranscribeConfig {
    AwsTranscribeConfig {
        region: Some("us-east-1".into()),
        endpoint_url: None,
        bucket: bucket.into(),
        prefix: "speech/".into(),
        force_path_style: true,
        poll_interval: Duration::from_millis(50),
        job_timeout,
    }
}

async fn fresh_bucket(clients: &AwsClients) -> String {
    let bucket = format!("cue-speech-{}", uuid::Uuid::new_v4());
    clients
        .s3
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("create bucket");
    bucket
}

async fn keys(clients: &AwsClients, bucket: &str) -> Vec<String> {
    let listed = clients
        .s3
        .list_objects_v2()
        .bucket(bucket)
        .send()
        .await
        .unwrap();
    listed
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_owned))
        .collect()
}

const OUTPUT: &str = r#"{"jobName":"j","accountId":"123456789012","status":"COMPLETED","results":{
  "transcripts":[{"transcript":"Turn on the lights."}],
  "items":[
    {"type":"pronunciation","start_time":"0.1","end_time":"0.3","alternatives":[{"confidence":"0.99","content":"Turn"}]},
    {"type":"pronunciation","start_time":"0.3","end_time":"0.4","alternatives":[{"confidence":"0.95","content":"on"}]},
    {"type":"pronunciation","start_time":"0.4","end_time":"0.5","alternatives":[{"confidence":"0.97","content":"the"}]},
    {"type":"pronunciation","start_time":"0.5","end_time":"0.9","alternatives":[{"confidence":"0.93","content":"lights"}]},
    {"type":"punctuation","alternatives":[{"confidence":"0.0","content":"."}]}]}}"#;

/// Plays Transcribe: waits for the staged audio, checks it, writes the transcript next to it.
/// Returns the staged key and the bytes found there.
async fn play_transcribe(clients: AwsClients, bucket: String) -> (String, Vec<u8>, Option<String>) {
    for _ in 0..400 {
        if let Some(key) = keys(&clients, &bucket)
            .await
            .into_iter()
            .find(|k| k.ends_with(".wav"))
        {
            let object = clients
                .s3
                .get_object()
                .bucket(&bucket)
                .key(&key)
                .send()
                .await
                .unwrap();
            let content_type = object.content_type().map(str::to_owned);
            let bytes = object.body.collect().await.unwrap().into_bytes().to_vec();
            let output_key = key.trim_end_matches(".wav").to_owned() + ".json";
            clients
                .s3
                .put_object()
                .bucket(&bucket)
                .key(output_key)
                .body(OUTPUT.as_bytes().to_vec().into())
                .send()
                .await
                .unwrap();
            return (key, bytes, content_type);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the provider never staged the audio");
}

#[tokio::test]
async fn uploads_runs_the_job_reads_the_transcript_and_cleans_up() {
    let Some(endpoint) = cue_store::testing::moto_endpoint() else {
        return;
    };
    let clients = clients(&endpoint);
    let bucket = fresh_bucket(&clients).await;
    let provider = AwsTranscribeProvider::with_clients(
        config(&bucket, Duration::from_secs(20)),
        clients.clone(),
    );
    let wav = silent_wav(16_000, 1.0);
    let audio = Audio::from_bytes(wav.clone(), &AudioLimits::default()).unwrap();

    let transcribe_side = tokio::spawn(play_transcribe(clients.clone(), bucket.clone()));
    let transcript = provider.transcribe(audio, "en-us").await.unwrap();
    let (staged_key, staged_bytes, content_type) = transcribe_side.await.unwrap();

    assert_eq!(transcript.transcript, "Turn on the lights.");
    assert!(
        (transcript.confidence - 0.96).abs() < 1e-9,
        "{}",
        transcript.confidence
    );
    assert_eq!(transcript.language, "en-US");
    assert_eq!(transcript.duration_seconds, Some(1.0));
    assert_eq!(transcript.provider, "aws");
    assert!(staged_key.starts_with("speech/cue-"), "{staged_key}");
    assert_eq!(staged_bytes, wav, "the staged object is the audio as sent");
    assert_eq!(content_type.as_deref(), Some("audio/wav"));

    // The job was started with what we asked for, and then deleted with the objects.
    let job = staged_key
        .trim_start_matches("speech/")
        .trim_end_matches(".wav");
    assert!(
        keys(&clients, &bucket).await.is_empty(),
        "temporary objects were left behind"
    );
    let gone = clients
        .transcribe
        .get_transcription_job()
        .transcription_job_name(job)
        .send()
        .await;
    assert!(gone.is_err(), "the transcription job was not deleted");
}

#[tokio::test]
async fn a_job_that_outlives_the_timeout_is_a_timeout_and_still_cleans_up() {
    let Some(endpoint) = cue_store::testing::moto_endpoint() else {
        return;
    };
    let clients = clients(&endpoint);
    let bucket = fresh_bucket(&clients).await;
    let mut slow = config(&bucket, Duration::from_millis(1));
    slow.poll_interval = Duration::from_secs(5);
    let provider = AwsTranscribeProvider::with_clients(slow, clients.clone());
    let audio = Audio::from_bytes(silent_wav(16_000, 0.5), &AudioLimits::default()).unwrap();
    let err = provider.transcribe(audio, "en-US").await.unwrap_err();
    assert!(matches!(err, SpeechError::Timeout), "{err:?}");
    assert!(keys(&clients, &bucket).await.is_empty());
}

#[tokio::test]
async fn a_job_without_output_fails_and_cleans_up() {
    let Some(endpoint) = cue_store::testing::moto_endpoint() else {
        return;
    };
    let clients = clients(&endpoint);
    let bucket = fresh_bucket(&clients).await;
    let provider = AwsTranscribeProvider::with_clients(
        config(&bucket, Duration::from_secs(20)),
        clients.clone(),
    );
    let audio = Audio::from_bytes(silent_wav(16_000, 0.5), &AudioLimits::default()).unwrap();
    // Nobody writes the transcript: reading it fails (moto's own behaviour).
    let err = provider.transcribe(audio, "en-US").await.unwrap_err();
    assert!(
        matches!(
            err,
            SpeechError::Rejected { .. } | SpeechError::Provider { .. }
        ),
        "{err:?}"
    );
    assert!(keys(&clients, &bucket).await.is_empty());
}

#[tokio::test]
async fn a_missing_bucket_is_rejected_and_reported_by_status() {
    let Some(endpoint) = cue_store::testing::moto_endpoint() else {
        return;
    };
    let clients = clients(&endpoint);
    let provider = AwsTranscribeProvider::with_clients(
        config("no-such-bucket-cue", Duration::from_secs(5)),
        clients.clone(),
    );
    let audio = Audio::from_bytes(silent_wav(16_000, 0.5), &AudioLimits::default()).unwrap();
    let err = provider.transcribe(audio, "en-US").await.unwrap_err();
    assert!(matches!(err, SpeechError::Rejected { .. }), "{err:?}");
    assert!(
        !err.to_string().contains("no-such-bucket"),
        "Display stays generic"
    );
    assert_eq!(provider.status().await.status, ProviderState::Unavailable);

    let bucket = fresh_bucket(&clients).await;
    let provider =
        AwsTranscribeProvider::with_clients(config(&bucket, Duration::from_secs(5)), clients);
    let status = provider.status().await;
    assert_eq!(
        (status.status, status.available, status.provider),
        (ProviderState::Ready, true, "aws")
    );
}

#[tokio::test]
async fn nothing_listening_is_unavailable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let provider = AwsTranscribeProvider::with_clients(
        config("b", Duration::from_secs(5)),
        clients(&format!("http://127.0.0.1:{port}")),
    );
    let audio = Audio::from_bytes(silent_wav(16_000, 0.5), &AudioLimits::default()).unwrap();
    let err = provider.transcribe(audio, "en-US").await.unwrap_err();
    assert!(matches!(err, SpeechError::Unavailable { .. }), "{err:?}");
}
