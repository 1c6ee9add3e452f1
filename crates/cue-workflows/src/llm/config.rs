//! Which model backend to use, read once at startup from environment-style variables.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use super::{LlmError, ModelClient, ModelGenerator, OpenAiChatClient, prompt};
use crate::{Engine, WorkflowError, WorkflowGenerator};

/// Default for `LLM_TIMEOUT_SECONDS`.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 20;
const MAX_TIMEOUT_SECONDS: u64 = 600;
const MAX_MAX_REPAIRS: usize = 5;

/// The model backend (`LLM_PROVIDER`).
#[derive(Debug, Clone)]
pub enum Provider {
    /// `none` (the default): the embedded engine only.
    Disabled,
    /// `openai`: any OpenAI-compatible chat-completions server (OpenAI, vLLM, Ollama, ...).
    OpenAi {
        /// `LLM_BASE_URL`, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`.
        base_url: String,
        /// `LLM_API_KEY`, sent as a bearer token when set.
        api_key: Option<SecretString>,
        /// `LLM_MODEL`.
        model: String,
        /// `LLM_RESPONSE_FORMAT`: `json_schema` (default) sends the answer's schema as
        /// `response_format`; `none` leaves it out, for servers that reject it.
        json_schema: bool,
    },
    /// `sagemaker`: a SageMaker real-time endpoint (feature `sagemaker`).
    SageMaker {
        /// `SAGEMAKER_ENDPOINT_NAME`.
        endpoint_name: String,
        /// `SAGEMAKER_REGION`, else `AWS_REGION`, else the SDK's default chain.
        region: Option<String>,
        /// `SAGEMAKER_ENDPOINT_URL`: overrides the service URL (tests, VPC endpoints).
        endpoint_url: Option<String>,
    },
}

/// Model-backed planning settings. `Debug` never shows the API key.
#[derive(Debug, Clone)]
pub struct LlmConfig {
    pub provider: Provider,
    /// `LLM_TIMEOUT_SECONDS`: per model call.
    pub timeout: Duration,
    /// `LLM_MAX_REPAIRS`: how often a rejected answer is sent back before falling back.
    pub max_repairs: usize,
}

impl Default for LlmConfig {
    fn default() -> Self {
        Self {
            provider: Provider::Disabled,
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECONDS),
            max_repairs: super::DEFAULT_MAX_REPAIRS,
        }
    }
}

impl LlmConfig {
    /// Reads the settings through `lookup` (e.g. `|k| std::env::var(k).ok()`); empty values
    /// count as unset. Errors name the variable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, LlmError> {
        let get = |k: &str| {
            lookup(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let required = |k: &'static str| {
            get(k).ok_or(LlmError::Config {
                variable: k,
                reason: "must be set".to_owned(),
            })
        };
        let url = |k: &'static str, v: String| {
            if v.starts_with("http://") || v.starts_with("https://") {
                Ok(v)
            } else {
                Err(LlmError::Config {
                    variable: k,
                    reason: "must be an http:// or https:// URL".to_owned(),
                })
            }
        };
        let provider = match get("LLM_PROVIDER")
            .map(|p| p.to_ascii_lowercase())
            .as_deref()
        {
            None | Some("none") => Provider::Disabled,
            Some("openai") => Provider::OpenAi {
                base_url: url("LLM_BASE_URL", required("LLM_BASE_URL")?)?,
                api_key: get("LLM_API_KEY").map(SecretString::from),
                model: required("LLM_MODEL")?,
                json_schema: match get("LLM_RESPONSE_FORMAT")
                    .map(|v| v.to_ascii_lowercase())
                    .as_deref()
                {
                    None | Some("json_schema") => true,
                    Some("none") => false,
                    Some(other) => {
                        return Err(LlmError::Config {
                            variable: "LLM_RESPONSE_FORMAT",
                            reason: format!("{other:?} is not one of json_schema, none"),
                        });
                    }
                },
            },
            Some("sagemaker") => {
                if !cfg!(feature = "sagemaker") {
                    return Err(LlmError::Config {
                        variable: "LLM_PROVIDER",
                        reason: "sagemaker needs a build with the sagemaker feature".to_owned(),
                    });
                }
                Provider::SageMaker {
                    endpoint_name: required("SAGEMAKER_ENDPOINT_NAME")?,
                    region: get("SAGEMAKER_REGION").or_else(|| get("AWS_REGION")),
                    endpoint_url: get("SAGEMAKER_ENDPOINT_URL")
                        .map(|v| url("SAGEMAKER_ENDPOINT_URL", v))
                        .transpose()?,
                }
            }
            Some(other) => {
                return Err(LlmError::Config {
                    variable: "LLM_PROVIDER",
                    reason: format!("{other:?} is not one of none, openai, sagemaker"),
                });
            }
        };
        let timeout = match get("LLM_TIMEOUT_SECONDS") {
            None => DEFAULT_TIMEOUT_SECONDS,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=MAX_TIMEOUT_SECONDS).contains(s))
                .ok_or(LlmError::Config {
                    variable: "LLM_TIMEOUT_SECONDS",
                    reason: format!("must be whole seconds from 1 to {MAX_TIMEOUT_SECONDS}"),
                })?,
        };
        let max_repairs = match get("LLM_MAX_REPAIRS") {
            None => super::DEFAULT_MAX_REPAIRS,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= MAX_MAX_REPAIRS)
                .ok_or(LlmError::Config {
                    variable: "LLM_MAX_REPAIRS",
                    reason: format!("must be a whole number from 0 to {MAX_MAX_REPAIRS}"),
                })?,
        };
        Ok(Self {
            provider,
            timeout: Duration::from_secs(timeout),
            max_repairs,
        })
    }
}

/// The generator for a configuration: the engine itself when disabled, else a
/// [`ModelGenerator`] over the configured client.
pub async fn build_generator(
    config: &LlmConfig,
    engine: Arc<Engine>,
) -> Result<Arc<dyn WorkflowGenerator>, WorkflowError> {
    let client: Arc<dyn ModelClient> = match &config.provider {
        Provider::Disabled => return Ok(engine),
        Provider::OpenAi {
            base_url,
            api_key,
            model,
            json_schema,
        } => {
            let client =
                OpenAiChatClient::new(base_url, api_key.clone(), model.clone(), config.timeout)
                    .map_err(|e| WorkflowError::Internal(format!("model client: {e}")))?;
            Arc::new(if *json_schema {
                client.with_schema(prompt::answer_schema(engine.catalog()))
            } else {
                client
            })
        }
        #[cfg(feature = "sagemaker")]
        Provider::SageMaker {
            endpoint_name,
            region,
            endpoint_url,
        } => Arc::new(
            super::SageMakerClient::from_env(
                endpoint_name.clone(),
                region.clone(),
                endpoint_url.clone(),
                config.timeout,
            )
            .await,
        ),
        #[cfg(not(feature = "sagemaker"))]
        Provider::SageMaker { .. } => {
            return Err(WorkflowError::Internal(
                "LLM_PROVIDER=sagemaker needs a build with the sagemaker feature".to_owned(),
            ));
        }
    };
    Ok(Arc::new(
        ModelGenerator::new(client, engine).with_max_repairs(config.max_repairs),
    ))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use std::collections::HashMap;

    use secrecy::ExposeSecret as _;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<LlmConfig, LlmError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        LlmConfig::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn unset_provider_is_disabled_with_defaults() {
        let c = config(&[]).unwrap();
        assert!(matches!(c.provider, Provider::Disabled));
        assert_eq!(c.timeout, Duration::from_secs(20));
        assert_eq!(c.max_repairs, 2);
    }

    #[test]
    fn openai_reads_url_model_and_key_and_never_prints_the_key() {
        let c = config(&[
            ("LLM_PROVIDER", "OpenAI"),
            ("LLM_BASE_URL", "http://localhost:11434/v1"),
            ("LLM_MODEL", "llama3.1"),
            ("LLM_API_KEY", "sk-very-secret"),
            ("LLM_TIMEOUT_SECONDS", "5"),
            ("LLM_MAX_REPAIRS", "0"),
        ])
        .unwrap();
        let Provider::OpenAi {
            api_key,
            model,
            json_schema,
            ..
        } = &c.provider
        else {
            panic!("{c:?}")
        };
        assert!(*json_schema);
        assert_eq!(model, "llama3.1");
        assert_eq!(api_key.as_ref().unwrap().expose_secret(), "sk-very-secret");
        assert!(!format!("{c:?}").contains("sk-very-secret"));
        assert_eq!((c.timeout, c.max_repairs), (Duration::from_secs(5), 0));
    }

    #[test]
    fn errors_name_the_variable() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("LLM_PROVIDER", "bard")], "LLM_PROVIDER"),
            (
                &[("LLM_PROVIDER", "openai"), ("LLM_MODEL", "m")],
                "LLM_BASE_URL",
            ),
            (
                &[
                    ("LLM_PROVIDER", "openai"),
                    ("LLM_BASE_URL", "localhost:8000"),
                ],
                "LLM_BASE_URL",
            ),
            (
                &[("LLM_PROVIDER", "openai"), ("LLM_BASE_URL", "http://h/v1")],
                "LLM_MODEL",
            ),
            (&[("LLM_TIMEOUT_SECONDS", "0")], "LLM_TIMEOUT_SECONDS"),
            (&[("LLM_TIMEOUT_SECONDS", "soon")], "LLM_TIMEOUT_SECONDS"),
            (&[("LLM_MAX_REPAIRS", "99")], "LLM_MAX_REPAIRS"),
            (
                &[
                    ("LLM_PROVIDER", "openai"),
                    ("LLM_BASE_URL", "http://h/v1"),
                    ("LLM_MODEL", "m"),
                    ("LLM_RESPONSE_FORMAT", "xml"),
                ],
                "LLM_RESPONSE_FORMAT",
            ),
        ];
        for (vars, want) in cases {
            let err = config(vars).unwrap_err();
            assert!(
                matches!(&err, LlmError::Config { variable, .. } if variable == want),
                "{vars:?}: {err}"
            );
        }
    }

    #[cfg(feature = "sagemaker")]
    #[test]
    fn sagemaker_region_falls_back_to_aws_region() {
        let c = config(&[
            ("LLM_PROVIDER", "sagemaker"),
            ("SAGEMAKER_ENDPOINT_NAME", "planner"),
            ("AWS_REGION", "eu-west-1"),
        ])
        .unwrap();
        let Provider::SageMaker {
            endpoint_name,
            region,
            endpoint_url,
        } = c.provider
        else {
            panic!("not sagemaker")
        };
        assert_eq!(endpoint_name, "planner");
        assert_eq!(region.as_deref(), Some("eu-west-1"));
        assert_eq!(endpoint_url, None);
        let err = config(&[("LLM_PROVIDER", "sagemaker")]).unwrap_err();
        assert!(err.to_string().starts_with("SAGEMAKER_ENDPOINT_NAME"));
    }

    #[tokio::test]
    async fn disabled_builds_the_engine_itself() {
        let engine = Arc::new(Engine::new().unwrap());
        let g = build_generator(&LlmConfig::default(), engine)
            .await
            .unwrap();
        let out = g
            .generate(&crate::GenerateRequest::text(
                "every day at 9am post the open GitHub issues to #dev in Slack",
            ))
            .await
            .unwrap();
        assert!(!out.assumptions.iter().any(|a| a.contains("model")));
    }
}
