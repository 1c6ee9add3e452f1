//! The port for storing generated bundles (owned by the cloud-integrations work).
