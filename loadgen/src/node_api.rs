//! The media node's control API as the load generator uses it: tokens signed with the key the
//! node was started with, calls opened over HTTP and clients joined to them.

use peershare_core::Timestamp;
use peershare_core::media::{MediaClaims, MediaTokenSigner};
use peershare_core::protocol::ParticipantId;
use peershare_media_node::token::JwtSigner;
use peershare_test_client::{Client, Join, Publish};
use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

/// A client of one node's control API.
#[derive(Debug)]
pub struct NodeApi {
    http: reqwest::Client,
    base: String,
    ops: String,
    node_id: String,
    signer: JwtSigner,
}

impl NodeApi {
    /// The API at `addr` (its operators' routes at `ops`) of the node `node_id`, which trusts
    /// `signer`'s key.
    pub fn new(addr: SocketAddr, ops: SocketAddr, node_id: &str, signer: JwtSigner) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: format!("http://{addr}"),
            ops: format!("http://{ops}"),
            node_id: node_id.to_owned(),
            signer,
        }
    }

    /// Opens a call session.
    pub async fn create_call(&self, call: &str) -> anyhow::Result<()> {
        let token = self.sign(&MediaClaims::room(&self.node_id, call, now()))?;
        let response =
            self.http.post(format!("{}/v1/calls/{call}", self.base)).bearer_auth(token).send().await?;
        anyhow::ensure!(response.status().is_success(), "creating {call}: {}", response.text().await?);
        Ok(())
    }

    /// Joins `call` as participant `id` with a new client publishing audio and video.
    pub async fn join(&self, call: &str, id: u32) -> anyhow::Result<Client> {
        let token = self.sign(&MediaClaims::participant(&self.node_id, call, ParticipantId(id), now()))?;
        let http = &self.http;
        let publish = Publish::default();
        Client::join(Join { http, api: &self.base, call, participant: id, token: &token, publish }).await
    }

    /// Sends the node `call`'s recording plan: the tracks of `participants` into `recording`
    /// (plan number `revision`; `stopped` ends it).
    pub async fn record(
        &self,
        call: &str,
        recording: &str,
        revision: u32,
        participants: &[u32],
        stopped: bool,
    ) -> anyhow::Result<()> {
        let token = self.sign(&MediaClaims::room(&self.node_id, call, now()))?;
        let body = serde_json::json!({
            "recording": recording, "revision": revision, "participants": participants, "stopped": stopped,
        });
        let response = self
            .http
            .put(format!("{}/v1/calls/{call}/recording", self.base))
            .json(&body)
            .bearer_auth(token)
            .send()
            .await?;
        anyhow::ensure!(response.status().is_success(), "recording {call}: {}", response.text().await?);
        Ok(())
    }

    /// A counter from the node's Prometheus `/metrics` (summed over labels).
    pub async fn metric(&self, name: &str) -> anyhow::Result<f64> {
        let text = self.http.get(format!("{}/metrics", self.ops)).send().await?.text().await?;
        Ok(prometheus_value(&text, name))
    }

    fn sign(&self, claims: &MediaClaims) -> anyhow::Result<String> {
        Ok(self.signer.sign(claims)?)
    }
}

/// The sum of all samples of `name` in a Prometheus text exposition.
fn prometheus_value(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            let metric = series.split('{').next()?;
            (metric == name).then(|| value.parse::<f64>().ok()).flatten()
        })
        .sum()
}

fn now() -> Timestamp {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    Timestamp::from_millis(ms)
}

#[cfg(test)]
mod tests {
    use super::prometheus_value;

    #[test]
    fn reads_a_metric_summed_over_labels_and_ignores_lookalikes() {
        let text = "# TYPE media_node_datagrams_out_total counter\n\
                    media_node_datagrams_out_total{node=\"a\"} 120\n\
                    media_node_datagrams_out_total{node=\"b\"} 5\n\
                    media_node_datagrams_out_total_extra{node=\"a\"} 99\n\
                    media_node_participants 3\n";
        assert_eq!(prometheus_value(text, "media_node_datagrams_out_total"), 125.0);
        assert_eq!(prometheus_value(text, "media_node_participants"), 3.0);
        assert_eq!(prometheus_value(text, "missing"), 0.0);
    }
}
