//! The offline provider, with stand-in programs for each outcome and, when installed, the real
//! `pocketsphinx_continuous` (feature `pocketsphinx`).
#![cfg(feature = "pocketsphinx")]
#![expect(clippy::unwrap_used, reason = "tests")]

use std::{os::unix::fs::PermissionsExt, path::PathBuf, time::Duration};

use cue_speech::{
    Audio, AudioLimits, PocketSphinxConfig, ProviderState, SpeechError, SpeechToText,
    providers::pocketsphinx::PocketSphinxProvider, silent_wav,
};

/// Writes an executable shell script standing in for pocketsphinx_continuous.
fn script(name: &str, body: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cue-speech-ps-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pocketsphinx_continuous");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn provider(binary: PathBuf, timeout: Duration) -> PocketSphinxProvider {
    provider_in(binary, timeout, std::env::temp_dir())
}

fn provider_in(binary: PathBuf, timeout: Duration, work_dir: PathBuf) -> PocketSphinxProvider {
    PocketSphinxProvider::new(PocketSphinxConfig {
        binary,
        hmm: None,
        lm: None,
        dict: None,
        timeout,
        max_concurrent: 1,
        work_dir,
    })
}

fn wav16k() -> Audio {
    Audio::from_bytes(silent_wav(16_000, 0.5), &AudioLimits::default()).unwrap()
}

#[tokio::test]
async fn passes_the_audio_file_and_joins_the_utterances() {
    // The stand-in checks it was given a readable WAV via -infile, then prints two utterances.
    let bin = script(
        "ok",
        r#"[ "$1" = "-infile" ] && head -c 4 "$2" | grep -q RIFF && [ "$3" = "-logfn" ] || exit 3
echo "turn on"; echo ""; echo "the lights""#,
    );
    let t = provider(bin, Duration::from_secs(10))
        .transcribe(wav16k(), "en-US")
        .await
        .unwrap();
    assert_eq!(t.transcript, "turn on the lights");
    assert_eq!(t.provider, "pocketsphinx");
    assert_eq!(t.duration_seconds, Some(0.5));
}

#[tokio::test]
async fn failures_map_to_errors_and_the_temporary_file_is_removed() {
    let work = std::env::temp_dir().join(format!("cue-speech-ps-{}-work", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let failing = provider_in(
        script("fail", "echo 'model not found' >&2; exit 1"),
        Duration::from_secs(10),
        work.clone(),
    );
    assert!(matches!(
        failing.transcribe(wav16k(), "en-US").await,
        Err(SpeechError::Provider { .. })
    ));
    let slow = provider_in(
        script("slow", "sleep 5"),
        Duration::from_millis(200),
        work.clone(),
    );
    assert!(matches!(
        slow.transcribe(wav16k(), "en-US").await,
        Err(SpeechError::Timeout)
    ));
    let missing = provider(
        PathBuf::from("/nonexistent/pocketsphinx_continuous"),
        Duration::from_secs(1),
    );
    assert!(matches!(
        missing.transcribe(wav16k(), "en-US").await,
        Err(SpeechError::Provider { .. })
    ));
    assert_eq!(missing.status().await.status, ProviderState::Unavailable);
    assert_eq!(
        std::fs::read_dir(&work).unwrap().count(),
        0,
        "a temporary audio file was left behind"
    );
}

#[tokio::test]
async fn refuses_what_the_default_model_cannot_hear() {
    let never = provider(script("never", "exit 9"), Duration::from_secs(1));
    let mp3 = Audio::from_bytes(
        include_bytes!("fixtures/speech.mp3").to_vec(),
        &AudioLimits::default(),
    )
    .unwrap();
    assert!(matches!(
        never.transcribe(mp3, "en-US").await,
        Err(SpeechError::UnsupportedAudio { .. })
    ));
    let eight_k = Audio::from_bytes(silent_wav(8_000, 0.5), &AudioLimits::default()).unwrap();
    assert!(matches!(
        never.transcribe(eight_k, "en-US").await,
        Err(SpeechError::UnsupportedAudio { .. })
    ));
    assert!(matches!(
        never.transcribe(wav16k(), "de-DE").await,
        Err(SpeechError::UnsupportedLanguage { .. })
    ));
}

#[tokio::test]
async fn the_real_program_transcribes_speech_when_installed() {
    let real = provider(
        PathBuf::from("pocketsphinx_continuous"),
        Duration::from_secs(60),
    );
    if real.status().await.status != ProviderState::Ready {
        assert!(
            std::env::var("CUE_REQUIRE_POCKETSPHINX").as_deref() != Ok("true"),
            "pocketsphinx_continuous is not installed (apt-get install pocketsphinx pocketsphinx-en-us)"
        );
        eprintln!("skipping: pocketsphinx_continuous is not installed");
        return;
    }
    // The 8 kHz espeak-ng fixture, upsampled to the 16 kHz the default model expects.
    let wav = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/speech.wav"
    ))
    .unwrap();
    let samples: Vec<i16> = wav[44..]
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect();
    let mut out = silent_wav(16_000, 0.0);
    out.truncate(44);
    for pair in samples.windows(2) {
        let mid = ((i32::from(pair[0]) + i32::from(pair[1])) / 2) as i16;
        out.extend_from_slice(&pair[0].to_le_bytes());
        out.extend_from_slice(&mid.to_le_bytes());
    }
    let data_len = u32::try_from(out.len() - 44).unwrap();
    out[40..44].copy_from_slice(&data_len.to_le_bytes());
    out[4..8].copy_from_slice(&(data_len + 36).to_le_bytes());
    let audio = Audio::from_bytes(out, &AudioLimits::default()).unwrap();
    let t = real.transcribe(audio, "en-US").await.unwrap();
    // Synthetic speech is hard for the default model: only assert that words came back.
    assert!(!t.transcript.is_empty(), "no words recognised");
    assert!(
        t.transcript
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == ' ' || c == '\''),
        "{}",
        t.transcript
    );
}
