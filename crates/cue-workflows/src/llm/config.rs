//! [`LlmConfig`]: which model backend plans workflows, typed, read once at startup under the
//! variable names the README documents (`LLM_*`, `SAGEMAKER_*`).

use std::sync::Arc;
use std::time::Duration;

use cue_settings::{SettingError, de, ensure};
use secrecy::SecretString;
use serde::Deserialize;

use super::{ModelClient, ModelGenerator, OpenAiChatClient, prompt};
use crate::{Engine, WorkflowError, WorkflowGenerator};

/// Default for `LLM_TIMEOUT_SECONDS`.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 20;
const MAX_TIMEOUT_SECONDS: u64 = 600;
const MAX_MAX_REPAIRS: usize = 5;

/// Which backend `LLM_PROVIDER` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(try_from = "String")]
pub enum ProviderKind {
    /// `none` (the default): the embedded engine only.
    #[default]
    Disabled,
    /// `openai`: any OpenAI-compatible chat-completions server (OpenAI, vLLM, Ollama, ...).
    OpenAi,
    /// `sagemaker`: a SageMaker real-time endpoint (feature `sagemaker`).
    SageMaker,
}

impl TryFrom<String> for ProviderKind {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "none" => Ok(Self::Disabled),
            "openai" => Ok(Self::OpenAi),
            "sagemaker" => Ok(Self::SageMaker),
            other => Err(format!("{other:?} is not one of none, openai, sagemaker")),
        }
    }
}

/// `LLM_RESPONSE_FORMAT`: whether the answer's JSON schema is sent as `response_format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(try_from = "String")]
pub enum ResponseFormat {
    /// `json_schema` (the default).
    #[default]
    JsonSchema,
    /// `json_schema_strict`: the schema with `strict: true` (OpenAI Structured Outputs), in
    /// the subset strict mode accepts (every field required, nullable when optional, params
    /// as a list of name/value pairs, no free-form objects).
    JsonSchemaStrict,
    /// `none`: left out, for servers that reject it.
    None,
}

impl TryFrom<String> for ResponseFormat {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json_schema" => Ok(Self::JsonSchema),
            "json_schema_strict" => Ok(Self::JsonSchemaStrict),
            "none" => Ok(Self::None),
            other => Err(format!(
                "{other:?} is not one of json_schema, json_schema_strict, none"
            )),
        }
    }
}

/// The backend a valid [`LlmConfig`] selects, with what it needs.
#[derive(Debug, Clone)]
pub enum Provider {
    Disabled,
    OpenAi {
        base_url: String,
        api_key: Option<SecretString>,
        model: String,
        response_format: ResponseFormat,
    },
    SageMaker {
        endpoint_name: String,
        /// `SAGEMAKER_REGION`, else `AWS_REGION`, else the SDK's default chain.
        region: Option<String>,
        endpoint_url: Option<String>,
    },
}

/// Model-backed planning settings. Each field is renamed to its variable; unset ones keep the
/// [`Default`]: no model. `Debug` never shows the API key.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LlmConfig {
    /// `LLM_PROVIDER`.
    #[serde(rename = "llm_provider")]
    pub provider: ProviderKind,
    /// `LLM_BASE_URL` (for `openai`), e.g. `https://api.openai.com/v1` or
    /// `http://localhost:11434/v1`.
    #[serde(rename = "llm_base_url", deserialize_with = "de::optional_base_url")]
    pub base_url: Option<String>,
    /// `LLM_MODEL` (for `openai`).
    #[serde(rename = "llm_model")]
    pub model: Option<String>,
    /// `LLM_API_KEY`, sent as a bearer token when set.
    #[serde(rename = "llm_api_key")]
    pub api_key: Option<SecretString>,
    /// `LLM_RESPONSE_FORMAT`.
    #[serde(rename = "llm_response_format")]
    pub response_format: ResponseFormat,
    /// `SAGEMAKER_ENDPOINT_NAME` (for `sagemaker`).
    pub sagemaker_endpoint_name: Option<String>,
    /// `SAGEMAKER_REGION`; `AWS_REGION` when unset.
    pub sagemaker_region: Option<String>,
    pub aws_region: Option<String>,
    /// `SAGEMAKER_ENDPOINT_URL`: overrides the service URL (tests, VPC endpoints).
    #[serde(deserialize_with = "de::optional_base_url")]
    pub sagemaker_endpoint_url: Option<String>,
    /// `LLM_TIMEOUT_SECONDS`: per model call.
    #[serde(rename = "llm_timeout_seconds", deserialize_with = "de::seconds")]
    pub timeout: Duration,
    /// `LLM_MAX_REPAIRS`: how often a rejected answer is sent back before falling back.
    #[serde(rename = "llm_max_repairs")]
    pub max_repairs: usize,
    /// `LLM_TOTAL_TIMEOUT_SECONDS`: the whole model path, every attempt and repair; then the
    /// embedded engine plans.
    #[serde(rename = "llm_total_timeout_seconds", deserialize_with = "de::seconds")]
    pub total_timeout: Duration,
}

impl Default for LlmConfig {
    fn default() -> Self {
        Self {
            provider: ProviderKind::Disabled,
            base_url: None,
            model: None,
            api_key: None,
            response_format: ResponseFormat::JsonSchema,
            sagemaker_endpoint_name: None,
            sagemaker_region: None,
            aws_region: None,
            sagemaker_endpoint_url: None,
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECONDS),
            max_repairs: super::DEFAULT_MAX_REPAIRS,
            total_timeout: super::DEFAULT_TOTAL_TIMEOUT,
        }
    }
}

impl LlmConfig {
    /// The bounds on timeout and repairs, and what the selected backend needs.
    pub fn validate(&self) -> Result<(), SettingError> {
        ensure(
            (1..=MAX_TIMEOUT_SECONDS).contains(&self.timeout.as_secs()),
            "LLM_TIMEOUT_SECONDS",
            format!("must be whole seconds from 1 to {MAX_TIMEOUT_SECONDS}"),
        )?;
        ensure(
            (1..=MAX_TIMEOUT_SECONDS).contains(&self.total_timeout.as_secs()),
            "LLM_TOTAL_TIMEOUT_SECONDS",
            format!("must be whole seconds from 1 to {MAX_TIMEOUT_SECONDS}"),
        )?;
        ensure(
            self.max_repairs <= MAX_MAX_REPAIRS,
            "LLM_MAX_REPAIRS",
            format!("must be a whole number from 0 to {MAX_MAX_REPAIRS}"),
        )?;
        self.selected().map(drop)
    }

    /// The selected backend with its required settings, or the first one missing.
    pub fn selected(&self) -> Result<Provider, SettingError> {
        let required = |var: &str, value: &Option<String>| {
            value.clone().ok_or_else(|| {
                SettingError::new(
                    var,
                    format!("must be set for LLM_PROVIDER={}", self.provider_name()),
                )
            })
        };
        Ok(match self.provider {
            ProviderKind::Disabled => Provider::Disabled,
            ProviderKind::OpenAi => Provider::OpenAi {
                base_url: required("LLM_BASE_URL", &self.base_url)?,
                api_key: self.api_key.clone(),
                model: required("LLM_MODEL", &self.model)?,
                response_format: self.response_format,
            },
            ProviderKind::SageMaker => {
                ensure(
                    cfg!(feature = "sagemaker"),
                    "LLM_PROVIDER",
                    "sagemaker needs a build with the sagemaker feature",
                )?;
                Provider::SageMaker {
                    endpoint_name: required(
                        "SAGEMAKER_ENDPOINT_NAME",
                        &self.sagemaker_endpoint_name,
                    )?,
                    region: self
                        .sagemaker_region
                        .clone()
                        .or_else(|| self.aws_region.clone()),
                    endpoint_url: self.sagemaker_endpoint_url.clone(),
                }
            }
        })
    }

    fn provider_name(&self) -> &'static str {
        match self.provider {
            ProviderKind::Disabled => "none",
            ProviderKind::OpenAi => "openai",
            ProviderKind::SageMaker => "sagemaker",
        }
    }
}

/// The generator for a configuration: the engine itself when disabled, else a
/// [`ModelGenerator`] over the configured client.
pub async fn build_generator(
    config: &LlmConfig,
    engine: Arc<Engine>,
) -> Result<Arc<dyn WorkflowGenerator>, WorkflowError> {
    let provider = config
        .selected()
        .map_err(|e| WorkflowError::Internal(e.to_string()))?;
    let client: Arc<dyn ModelClient> = match &provider {
        Provider::Disabled => return Ok(engine),
        Provider::OpenAi {
            base_url,
            api_key,
            model,
            response_format,
        } => {
            let client =
                OpenAiChatClient::new(base_url, api_key.clone(), model.clone(), config.timeout)
                    .map_err(|e| WorkflowError::Internal(format!("model client: {e}")))?;
            Arc::new(match response_format {
                ResponseFormat::JsonSchema => {
                    client.with_schema(prompt::answer_schema(engine.catalog()))
                }
                ResponseFormat::JsonSchemaStrict => {
                    client.with_strict_schema(prompt::strict_answer_schema(engine.catalog()))
                }
                ResponseFormat::None => client,
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
        ModelGenerator::new(client, engine)
            .with_max_repairs(config.max_repairs)
            .with_total_timeout(config.total_timeout),
    ))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use cue_settings::Source;
    use secrecy::ExposeSecret as _;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<LlmConfig, SettingError> {
        let c: LlmConfig = Source::from_pairs(vars.iter().copied()).get()?;
        c.validate().map(|()| c)
    }

    #[test]
    fn unset_provider_is_disabled_with_defaults() {
        let c = config(&[]).unwrap();
        assert!(matches!(c.selected(), Ok(Provider::Disabled)));
        assert_eq!(c.timeout, Duration::from_secs(20));
        assert_eq!(c.max_repairs, 2);
        assert_eq!(c.total_timeout, Duration::from_secs(25));
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
            response_format,
            ..
        } = c.selected().unwrap()
        else {
            panic!("{c:?}")
        };
        assert_eq!(response_format, ResponseFormat::JsonSchema);
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
                &[("LLM_TOTAL_TIMEOUT_SECONDS", "0")],
                "LLM_TOTAL_TIMEOUT_SECONDS",
            ),
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
            assert_eq!(err.var, *want, "{vars:?}: {err}");
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
        } = c.selected().unwrap()
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
