//! `DRY_RUN_BACKEND=lambda`: dry runs in the sandbox Lambda function (`lambda/handler.py`,
//! deployed with `lambda/template.yaml`), invoked synchronously through the AWS SDK.
//!
//! The function gets exactly what the local sandbox feeds its harness ([`harness_input`]) and
//! answers the same outcome, so the verdict, masking included, is made the same way. Around the
//! call:
//! - a connect timeout and a total timeout (`DRY_RUN_TIMEOUT_SECONDS` plus
//!   [`LAMBDA_HEADROOM`] for a cold start and the transfer), no SDK retries (a throttle is
//!   answered at once);
//! - payloads bounded by Lambda's 6 MB for synchronous invocations, in both directions
//!   (<https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html>);
//! - the same slots as the local sandbox (`DRY_RUN_CONCURRENCY`, `DRY_RUN_QUEUE_SECONDS`), which
//!   bound the payloads held at once; the function's reserved concurrency bounds the fleet;
//! - Lambda's throttle (429 `TooManyRequestsException`) is [`WorkflowError::SandboxBusy`]; a
//!   function error (`X-Amz-Function-Error: Unhandled`/`Handled`), any other service error, a
//!   timeout or an answer that is not an outcome is [`WorkflowError::SandboxFailed`]. The
//!   function's own error text is only logged, with the job's environment values (the
//!   credentials) replaced by `****`.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_lambda::Client;
use aws_sdk_lambda::error::{DisplayErrorContext, SdkError};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;
use cue_workflows::WorkflowError;
use cue_workflows::dryrun::{Isolation, Sandbox, SandboxJob, SandboxOutcome};
use tokio::sync::Semaphore;

use crate::local::harness_input;
use crate::settings::SandboxSettings;

/// Largest payload sent to or read from the function: Lambda takes and answers at most 6 MB in
/// a synchronous invocation.
pub const MAX_PAYLOAD_BYTES: usize = 6_000_000;
/// What the total timeout adds to `DRY_RUN_TIMEOUT_SECONDS`: a cold start, process start and
/// the transfer.
pub const LAMBDA_HEADROOM: Duration = Duration::from_secs(5);
/// Longest wait for a connection to Lambda.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Runs dry runs in the sandbox Lambda function; see the module docs.
pub struct LambdaSandbox {
    client: Client,
    function: String,
    timeout: Duration,
    memory_bytes: u64,
    slots: Arc<Semaphore>,
    queue: Duration,
}

impl std::fmt::Debug for LambdaSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LambdaSandbox")
            .field("function", &self.function)
            .finish_non_exhaustive()
    }
}

impl LambdaSandbox {
    /// A sandbox over an SDK client (tests build one with static credentials and a local
    /// endpoint URL). `settings` gives the function, the limits and the slots.
    pub fn new(client: Client, settings: &SandboxSettings) -> Result<Self, String> {
        let function = settings
            .lambda_function
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .ok_or("DRY_RUN_LAMBDA_FUNCTION must name the sandbox function")?
            .to_owned();
        Ok(Self {
            client,
            function,
            timeout: settings.timeout,
            memory_bytes: settings.memory_mb * 1024 * 1024,
            slots: Arc::new(Semaphore::new(settings.concurrency)),
            queue: settings.queue,
        })
    }

    /// A sandbox using the default AWS credential chain (environment, profile, instance or task
    /// role), with `DRY_RUN_LAMBDA_REGION` (else `AWS_REGION`) and
    /// `DRY_RUN_LAMBDA_ENDPOINT_URL` when set.
    pub async fn from_settings(settings: &SandboxSettings) -> Result<Self, String> {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .timeout_config(Self::timeouts(settings.timeout))
            .retry_config(aws_config::retry::RetryConfig::disabled());
        if let Some(region) = settings.lambda_region() {
            loader = loader.region(aws_config::Region::new(region));
        }
        if let Some(url) = &settings.lambda_endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let sdk = loader.load().await;
        Self::new(Client::new(&sdk), settings)
    }

    /// The SDK's timeouts for a run limited to `run`.
    pub fn timeouts(run: Duration) -> aws_config::timeout::TimeoutConfig {
        aws_config::timeout::TimeoutConfig::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .operation_timeout(run + LAMBDA_HEADROOM)
            .build()
    }

    async fn invoke(&self, job: &SandboxJob) -> Result<SandboxOutcome, WorkflowError> {
        let input = harness_input(job, self.timeout, self.memory_bytes);
        let payload = serde_json::to_vec(&input)
            .map_err(|e| WorkflowError::Internal(format!("the job could not be encoded: {e}")))?;
        if payload.len() > MAX_PAYLOAD_BYTES {
            return Err(WorkflowError::DryRunTooLarge {
                limit: MAX_PAYLOAD_BYTES,
            });
        }
        let total = self.timeout + LAMBDA_HEADROOM;
        let call = self
            .client
            .invoke()
            .function_name(&self.function)
            .invocation_type(InvocationType::RequestResponse)
            .payload(Blob::new(payload))
            .send();
        let did_not_answer = || {
            tracing::warn!(function = %self.function, seconds = total.as_secs(), "the dry-run function did not answer in time");
            failed(format!(
                "the dry-run function did not answer within {} s",
                total.as_secs()
            ))
        };
        let out = match tokio::time::timeout(total, call).await {
            Err(_) | Ok(Err(SdkError::TimeoutError(_))) => return Err(did_not_answer()),
            Ok(Err(e)) => return Err(self.service_error(&e)),
            Ok(Ok(out)) => out,
        };
        let body = out.payload().map(Blob::as_ref).unwrap_or_default();
        if body.len() > MAX_PAYLOAD_BYTES {
            tracing::warn!(function = %self.function, bytes = body.len(), "the dry-run function answered too much");
            return Err(failed(format!(
                "the dry-run function answered {} bytes, more than the {MAX_PAYLOAD_BYTES} a synchronous invocation may return",
                body.len()
            )));
        }
        if let Some(kind) = out.function_error() {
            return Err(self.function_error(kind, body, job));
        }
        serde_json::from_slice::<SandboxOutcome>(body).map_err(|e| {
            tracing::warn!(function = %self.function, error = %e, "the dry-run function's answer is not an outcome");
            failed("the dry-run function answered something that is not a dry run's outcome")
        })
    }

    /// A service error: a throttle is a busy sandbox; anything else failed.
    fn service_error(
        &self,
        e: &SdkError<
            aws_sdk_lambda::operation::invoke::InvokeError,
            aws_sdk_lambda::config::http::HttpResponse,
        >,
    ) -> WorkflowError {
        let status = e.raw_response().map(|r| r.status().as_u16());
        let throttled = e
            .as_service_error()
            .is_some_and(|s| s.is_too_many_requests_exception())
            || status == Some(429);
        if throttled {
            tracing::warn!(function = %self.function, "the dry-run function is throttled");
            return WorkflowError::SandboxBusy;
        }
        tracing::warn!(function = %self.function, error = %DisplayErrorContext(e), "invoking the dry-run function failed");
        let reason = match (e.as_service_error(), status) {
            (Some(s), _) if s.is_request_too_large_exception() => {
                return WorkflowError::DryRunTooLarge {
                    limit: MAX_PAYLOAD_BYTES,
                };
            }
            (Some(s), Some(status)) => format!(
                "Lambda refused the invocation ({}, HTTP {status})",
                s.meta().code().unwrap_or("an unknown error")
            ),
            (_, Some(status)) => format!("Lambda answered HTTP {status}"),
            // no connection was made: the network, or nothing to sign with
            (_, None) => match e {
                SdkError::DispatchFailure(d) if d.is_io() || d.is_timeout() => {
                    "Lambda could not be reached".to_owned()
                }
                _ => {
                    "the invocation could not be made (are AWS credentials configured?)".to_owned()
                }
            },
        };
        failed(reason)
    }

    /// The function raised instead of answering (a job it does not read, a runtime failure,
    /// Lambda's own timeout).
    fn function_error(&self, kind: &str, body: &[u8], job: &SandboxJob) -> WorkflowError {
        let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let error_type = value
            .get("errorType")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("unknown");
        let message = value
            .get("errorMessage")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default();
        let secrets: Vec<&str> = job
            .env
            .values()
            .map(String::as_str)
            .filter(|v| v.len() >= 4)
            .collect();
        tracing::warn!(
            function = %self.function,
            function_error = %hide(kind, &secrets),
            error_type = %hide(error_type, &secrets),
            message = %hide(message, &secrets),
            "the dry-run function failed"
        );
        let error_type: String = hide(error_type, &secrets).chars().take(100).collect();
        failed(format!(
            "the dry-run function failed ({} error {error_type})",
            hide(kind, &secrets).chars().take(20).collect::<String>()
        ))
    }
}

fn failed(reason: impl Into<String>) -> WorkflowError {
    WorkflowError::SandboxFailed {
        reason: reason.into(),
    }
}

/// `text` with every secret replaced by `****`.
fn hide(text: &str, secrets: &[&str]) -> String {
    secrets
        .iter()
        .fold(text.to_owned(), |t, s| t.replace(s, "****"))
}

#[async_trait]
impl Sandbox for LambdaSandbox {
    /// The code runs in a Lambda execution environment of its own: none of the gateway's
    /// files, environment or network. But the function has outbound internet access (no VPC)
    /// and a raw `_socket` gets past the harness's guard, so hand-edited code could use it as
    /// a relay: like a local sandbox without bubblewrap, only code Cue generated runs here
    /// (docs/dry-run.md).
    async fn isolation(&self) -> Isolation {
        Isolation::ProcessOnly {
            install: "the Lambda dry-run sandbox has outbound network access; dry-run edited code \
                      with DRY_RUN_BACKEND=local and bubblewrap installed"
                .to_owned(),
        }
    }

    async fn run(&self, job: SandboxJob) -> Result<SandboxOutcome, WorkflowError> {
        let permit = tokio::time::timeout(self.queue, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| WorkflowError::SandboxBusy)?
            .map_err(|_| WorkflowError::Internal("the dry-run slots are closed".into()))?;
        let outcome = self.invoke(&job).await;
        drop(permit);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hidden_in_what_is_logged() {
        assert_eq!(
            hide("token xoxb-1 and xoxb-1 again", &["xoxb-1"]),
            "token **** and **** again"
        );
        assert_eq!(hide("nothing", &[]), "nothing");
    }
}
