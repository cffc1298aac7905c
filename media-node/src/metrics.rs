//! Prometheus metrics of a node, published from its statistics once a second.

use crate::udp_host::NodeHandle;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// The process's Prometheus recorder (installed on first use; several nodes in one process,
/// as in tests, share it and are told apart by their `node` label).
pub fn prometheus() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| match PrometheusBuilder::new().install_recorder() {
            Ok(handle) => handle,
            Err(e) => {
                tracing::warn!(error = %e, "another metrics recorder is installed; /metrics will be empty");
                PrometheusBuilder::new().build_recorder().handle()
            }
        })
        .clone()
}

/// Copies the node's statistics into metrics every second, for as long as the node runs.
pub fn publish(node: NodeHandle, node_id: String) {
    prometheus();
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_secs(1));
        let mut last_forwarded = 0u64;
        loop {
            ticker.tick().await;
            let s = node.stats();
            let id = node_id.clone();
            metrics::gauge!("media_node_calls", "node" => id.clone()).set(s.calls as f64);
            metrics::gauge!("media_node_participants", "node" => id.clone()).set(s.participants as f64);
            metrics::gauge!("media_node_recordings", "node" => id.clone()).set(s.recordings as f64);
            metrics::gauge!("media_node_recorded_tracks", "node" => id.clone()).set(s.recorded_tracks as f64);
            metrics::counter!("media_node_recording_failures_total", "node" => id.clone())
                .absolute(s.recording_failures);
            metrics::gauge!("media_node_published_tracks", "node" => id.clone())
                .set(s.published_tracks as f64);
            metrics::gauge!("media_node_forwarded_tracks", "node" => id.clone())
                .set(s.forwarded_tracks as f64);
            metrics::counter!("media_node_datagrams_in_total", "node" => id.clone()).absolute(s.datagrams_in);
            metrics::counter!("media_node_bytes_in_total", "node" => id.clone()).absolute(s.bytes_in);
            metrics::counter!("media_node_datagrams_out_total", "node" => id.clone())
                .absolute(s.datagrams_out);
            metrics::counter!("media_node_bytes_out_total", "node" => id.clone()).absolute(s.bytes_out);
            metrics::counter!("media_node_frames_forwarded_total", "node" => id.clone())
                .absolute(s.frames_forwarded);
            metrics::gauge!("media_node_frames_forwarded_per_second", "node" => id.clone())
                .set(s.frames_forwarded.saturating_sub(last_forwarded) as f64);
            metrics::counter!("media_node_keyframe_requests_total", "node" => id.clone())
                .absolute(s.keyframe_requests);
            metrics::counter!("media_node_unroutable_datagrams_total", "node" => id.clone())
                .absolute(s.unroutable_datagrams);
            metrics::counter!("media_node_rejected_datagrams_total", "node" => id.clone())
                .absolute(s.rejected_datagrams);
            metrics::counter!("media_node_offers_unanswered_total", "node" => id.clone())
                .absolute(s.offers_unanswered);
            metrics::counter!("media_node_messages_deferred_total", "node" => id.clone())
                .absolute(s.messages_deferred);
            metrics::counter!("media_node_silent_tracks_total", "node" => id).absolute(s.silent_tracks);
            last_forwarded = s.frames_forwarded;
            if node.is_stopped() {
                return;
            }
        }
    });
}
