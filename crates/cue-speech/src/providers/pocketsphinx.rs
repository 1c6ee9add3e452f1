//! Offline recognition with CMU PocketSphinx (feature `pocketsphinx`), by running its
//! `pocketsphinx_continuous` program (Debian: `apt-get install pocketsphinx pocketsphinx-en-us`).
//!
//! No audio leaves the machine. Accuracy is far below the cloud providers; it exists for
//! air-gapped deployments and for exercising the whole speech path without credentials.

use std::{path::PathBuf, process::Stdio, sync::Arc};

use async_trait::async_trait;
use tokio::{process::Command, sync::Semaphore};

use crate::{
    Audio, AudioFormat, PocketSphinxConfig, ProviderState, ProviderStatus, SpeechError,
    SpeechToText, Transcript, UNREPORTED_CONFIDENCE, http::scrub, normalize_language,
};

#[derive(Debug)]
pub struct PocketSphinxProvider {
    config: PocketSphinxConfig,
    /// Recognition is CPU-bound: at most this many run at once.
    permits: Arc<Semaphore>,
}

impl PocketSphinxProvider {
    pub fn new(config: PocketSphinxConfig) -> Self {
        let permits = Arc::new(Semaphore::new(config.max_concurrent.max(1)));
        Self { config, permits }
    }

    /// The program as configured, or found on `PATH`.
    fn program(&self) -> Option<PathBuf> {
        let binary = &self.config.binary;
        if binary.components().count() > 1 {
            return binary.is_file().then(|| binary.clone());
        }
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|dir| dir.join(binary))
            .find(|p| p.is_file())
    }
}

/// Removes the temporary file however the recognition ends.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[async_trait]
impl SpeechToText for PocketSphinxProvider {
    async fn transcribe(&self, audio: Audio, language: &str) -> Result<Transcript, SpeechError> {
        let language = normalize_language(language)?;
        if self.config.hmm.is_none() && !language.starts_with("en") {
            return Err(SpeechError::UnsupportedLanguage { tag: language });
        }
        let info = *audio.info();
        if info.format != AudioFormat::Wav
            || info.sample_rate != Some(16_000)
            || info.channels != Some(1)
        {
            return Err(SpeechError::unsupported(
                "the pocketsphinx provider accepts 16 kHz mono WAV only",
            ));
        }
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| SpeechError::Provider {
                detail: e.to_string(),
            })?;
        let file = TempFile(
            self.config
                .work_dir
                .join(format!("cue-speech-{}.wav", uuid::Uuid::new_v4())),
        );
        tokio::fs::write(&file.0, audio.bytes())
            .await
            .map_err(|e| SpeechError::Provider {
                detail: format!("writing the temporary audio: {e}"),
            })?;
        let mut command = Command::new(&self.config.binary);
        command
            .arg("-infile")
            .arg(&file.0)
            .arg("-logfn")
            .arg("/dev/null");
        for (flag, value) in [
            ("-hmm", &self.config.hmm),
            ("-lm", &self.config.lm),
            ("-dict", &self.config.dict),
        ] {
            if let Some(path) = value {
                command.arg(flag).arg(path);
            }
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let child = command.spawn().map_err(|e| SpeechError::Provider {
            detail: format!("cannot run {}: {e}", self.config.binary.display()),
        })?;
        let output = tokio::time::timeout(self.config.timeout, child.wait_with_output())
            .await
            .map_err(|_| SpeechError::Timeout)?
            .map_err(|e| SpeechError::Provider {
                detail: e.to_string(),
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(SpeechError::Provider {
                detail: scrub(&format!("{}: {stderr}", output.status), None),
            });
        }
        // One line per utterance.
        let stdout = String::from_utf8_lossy(&output.stdout);
        let transcript = stdout
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Transcript {
            confidence: if transcript.is_empty() {
                0.0
            } else {
                UNREPORTED_CONFIDENCE
            },
            transcript,
            language,
            duration_seconds: info.duration_seconds,
            provider: self.name(),
        })
    }

    /// Ready when the program can be found.
    async fn status(&self) -> ProviderStatus {
        let state = if self.program().is_some() {
            ProviderState::Ready
        } else {
            ProviderState::Unavailable
        };
        ProviderStatus::new(state, self.name())
    }

    fn name(&self) -> &'static str {
        "pocketsphinx"
    }
}
