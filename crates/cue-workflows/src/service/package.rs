//! What a saved workflow is made into: its code with credentials filled in (answered, never
//! stored), and its deployable bundle (cached in the artifact store).

use std::collections::BTreeMap;

use cue_validate::{Report, Stage};

use super::{WorkflowService, stored_plan};
use crate::artifacts::ArtifactKey;
use crate::error::WorkflowError;
use crate::repo::{OwnerId, WorkflowId};

/// The answer of a credential fill. The code is never stored.
#[derive(Debug)]
pub struct FilledCredentials {
    pub id: WorkflowId,
    /// The workflow's code with the given values in place.
    pub code: String,
    /// Placeholders that still have no value.
    pub missing: Vec<String>,
    /// At `final_with_credentials` when nothing is missing, else `initial_skeleton`.
    pub report: Report,
}

/// A workflow version's deployable zip.
#[derive(Debug)]
pub struct Bundle {
    pub id: WorkflowId,
    pub version: i32,
    pub zip: Vec<u8>,
}

impl WorkflowService {
    /// Fills credential values into a workflow's code. Keys are placeholder names or the
    /// frontend's `<nodeId>_<credentialId>`; see [`fill_credentials`](crate::fill_credentials).
    /// Validated with the requirements of the workflow's plan, at `final_with_credentials`
    /// once nothing is missing. Neither stored nor logged.
    pub async fn fill_credentials(
        &self,
        owner: OwnerId,
        id: WorkflowId,
        values: &BTreeMap<String, String>,
    ) -> Result<FilledCredentials, WorkflowError> {
        let record = self.get(owner, id).await?;
        let plan = stored_plan(&record)?;
        let code = crate::fill_credentials(&record.code, &plan, values)?;
        let missing: Vec<String> = plan
            .placeholders()
            .into_iter()
            .filter(|p| code.contains(&format!("{{{{{p}}}}}")))
            .collect();
        let stage = if missing.is_empty() {
            Stage::FinalWithCredentials
        } else {
            Stage::InitialSkeleton
        };
        let requirements = self.engine.requirements(&plan)?;
        let report = self.validate(&code, &requirements, stage).await?;
        tracing::info!(workflow_id = %id, filled = values.len(), "credentials filled");
        Ok(FilledCredentials {
            id,
            code,
            missing,
            report,
        })
    }

    /// The bundle of a workflow's current version: from the artifact store when it was built
    /// before, else built from the stored plan and code and kept. The store is a cache: when
    /// it is down, the bundle is built anyway.
    pub async fn bundle(&self, owner: OwnerId, id: WorkflowId) -> Result<Bundle, WorkflowError> {
        let record = self.get(owner, id).await?;
        let key = ArtifactKey::bundle(id.0, u32::try_from(record.version).unwrap_or_default());
        let bundle = |zip| Bundle {
            id,
            version: record.version,
            zip,
        };
        match self.ports.artifacts.get(&key).await {
            Ok(Some(zip)) => return Ok(bundle(zip)),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "artifact store unavailable; building the bundle"),
        }
        let zip = self.engine.bundle(&stored_plan(&record)?, &record.code)?;
        if let Err(e) = self
            .ports
            .artifacts
            .put(&key, zip.clone(), "application/zip")
            .await
        {
            tracing::warn!(error = %e, "could not keep the bundle in the artifact store");
        }
        Ok(bundle(zip))
    }
}
