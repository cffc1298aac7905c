//! What can go wrong before or after a simulation: a setting that cannot run, or the report
//! that cannot be written.

/// The simulator's errors.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A setting or population that cannot be simulated.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The report could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// Where it was to go.
        path: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The report could not be serialised.
    #[error("cannot serialise the report: {0}")]
    Json(#[from] serde_json::Error),
}
