//! `peershare-loadgen` command line: one typed struct.

use clap::Parser;
use std::path::PathBuf;

/// Raises load on a media node step by step and reports what it forwarded, at what CPU cost,
/// latency and loss.
#[derive(Debug, Parser)]
#[command(version)]
pub struct LoadConfig {
    /// The `peershare-media-node` binary to start and measure.
    #[arg(long, env = "PEERSHARE_MEDIA_NODE_BIN")]
    pub node_bin: PathBuf,

    /// People in each call: each publishes audio and video and receives everyone else.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=50))]
    pub call_size: u32,

    /// Calls open at each step (comma-separated, rising).
    #[arg(long, value_delimiter = ',', default_value = "1,2,4,8,12,16,20")]
    pub calls: Vec<u32>,

    /// Seconds to let each step settle before measuring.
    #[arg(long, default_value_t = 3)]
    pub warmup: u64,

    /// Seconds each step is measured for.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,

    /// Where the JSON results go.
    #[arg(long, default_value = "bench/results/sfu.json")]
    pub out: PathBuf,
}

impl LoadConfig {
    /// Rejects step lists that are empty or do not rise.
    pub fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(!self.calls.is_empty(), "--calls needs at least one step");
        anyhow::ensure!(
            self.calls.windows(2).all(|w| w[0] < w[1]) && self.calls[0] > 0,
            "--calls must rise step by step from at least 1: {:?}",
            self.calls
        );
        anyhow::ensure!(self.seconds > 0, "--seconds must be at least 1");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> anyhow::Result<LoadConfig> {
        let config = LoadConfig::try_parse_from(["loadgen", "--node-bin", "n"].iter().chain(args))?;
        config.validate()?;
        Ok(config)
    }

    #[test]
    fn steps_must_rise() {
        assert_eq!(parse(&["--calls", "1,3,5"]).expect("valid").calls, vec![1, 3, 5]);
        assert!(parse(&["--calls", "2,2"]).is_err());
        assert!(parse(&["--calls", "0,1"]).is_err());
        assert!(parse(&["--call-size", "1"]).is_err());
        assert!(parse(&["--seconds", "0"]).is_err());
    }
}
