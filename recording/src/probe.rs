//! What ffprobe says about a media file: its streams and length (the composer's inputs and
//! its output), and each packet with its bytes (what tests compare with what was sent).

use serde::Deserialize;
use std::path::Path;
use tokio::process::Command;

/// Why a file could not be probed.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// ffprobe could not be run (is ffmpeg installed?).
    #[error("cannot run ffprobe: {0}")]
    Run(std::io::Error),
    /// ffprobe failed on the file.
    #[error("ffprobe failed: {0}")]
    Failed(String),
    /// ffprobe's answer was not what it documents.
    #[error("unexpected ffprobe output: {0}")]
    Output(String),
}

/// One stream of a file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Stream {
    /// `video` or `audio`.
    pub codec_type: String,
    /// `h264`, `aac`, `vp8`, `opus`, …
    pub codec_name: String,
    /// Video width.
    #[serde(default)]
    pub width: Option<u32>,
    /// Video height.
    #[serde(default)]
    pub height: Option<u32>,
}

/// A file's streams and length.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// Its streams.
    pub streams: Vec<Stream>,
    /// Its length in seconds, when the container says.
    pub duration: Option<f64>,
    /// The container's name(s), as ffprobe gives them (`mov,mp4,m4a,3gp,3g2,mj2`).
    pub format: String,
}

/// One packet of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Packet {
    /// Which stream.
    pub stream_index: u32,
    /// Its presentation time in seconds.
    pub pts: f64,
    /// Whether it starts a picture that decodes on its own.
    pub keyframe: bool,
    /// Its bytes.
    pub data: Vec<u8>,
}

#[derive(Deserialize)]
struct Format {
    format_name: String,
    #[serde(default)]
    duration: Option<String>,
}

#[derive(Deserialize)]
struct ProbeJson {
    #[serde(default)]
    streams: Vec<Stream>,
    format: Format,
}

#[derive(Deserialize)]
struct PacketJson {
    stream_index: u32,
    #[serde(default)]
    pts_time: Option<String>,
    #[serde(default)]
    flags: String,
    #[serde(default)]
    data: String,
}

#[derive(Deserialize)]
struct PacketsJson {
    #[serde(default)]
    packets: Vec<PacketJson>,
}

async fn ffprobe(args: &[&str], path: &Path) -> Result<Vec<u8>, ProbeError> {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-of", "json"])
        .args(args)
        .arg(path)
        .kill_on_drop(true)
        .output()
        .await
        .map_err(ProbeError::Run)?;
    if !output.status.success() {
        return Err(ProbeError::Failed(String::from_utf8_lossy(&output.stderr).into_owned()));
    }
    Ok(output.stdout)
}

/// The streams and length of the file at `path`.
pub async fn probe(path: &Path) -> Result<Probe, ProbeError> {
    let json = ffprobe(&["-show_streams", "-show_format"], path).await?;
    let parsed: ProbeJson = serde_json::from_slice(&json).map_err(|e| ProbeError::Output(e.to_string()))?;
    Ok(Probe {
        streams: parsed.streams,
        duration: parsed.format.duration.and_then(|d| d.parse().ok()),
        format: parsed.format.format_name,
    })
}

/// How long the media of the file at `path` lasts (first to last packet, plus the last one's
/// length), read from its packets: a live WebM does not state its duration. `None` when it
/// holds no packet.
pub async fn span(path: &Path) -> Result<Option<f64>, ProbeError> {
    #[derive(Deserialize)]
    struct Timing {
        #[serde(default)]
        pts_time: Option<String>,
        #[serde(default)]
        duration_time: Option<String>,
    }
    #[derive(Deserialize)]
    struct Timings {
        #[serde(default)]
        packets: Vec<Timing>,
    }
    let json = ffprobe(&["-show_entries", "packet=pts_time,duration_time"], path).await?;
    let parsed: Timings = serde_json::from_slice(&json).map_err(|e| ProbeError::Output(e.to_string()))?;
    let times: Vec<(f64, f64)> = parsed
        .packets
        .iter()
        .filter_map(|p| {
            let pts = p.pts_time.as_deref()?.parse::<f64>().ok()?;
            let length = p.duration_time.as_deref().and_then(|d| d.parse::<f64>().ok()).unwrap_or(0.0);
            Some((pts, length))
        })
        .collect();
    let first = times.iter().map(|t| t.0).fold(f64::INFINITY, f64::min);
    let end = times.iter().map(|t| t.0 + t.1).fold(f64::NEG_INFINITY, f64::max);
    Ok((!times.is_empty()).then(|| (end - first).max(0.0)))
}

/// Stretches of at least `seconds` in which the video of `path` does not change (ffmpeg's
/// `freezedetect`), as (start, end) in seconds; a freeze running to the end has the file's end.
pub async fn freezes(path: &Path, seconds: f64) -> Result<Vec<(f64, f64)>, ProbeError> {
    let filter = format!("freezedetect=n=-60dB:d={seconds}");
    let log = ffmpeg_analysis(path, &["-map", "0:v:0", "-vf", &filter]).await?;
    let value = |line: &str, key: &str| line.split(key).nth(1).and_then(|v| v.trim().parse::<f64>().ok());
    let mut out = Vec::new();
    let mut start = None;
    for line in log.lines() {
        if let Some(s) = value(line, "lavfi.freezedetect.freeze_start:") {
            start = Some(s);
        } else if let Some(e) = value(line, "lavfi.freezedetect.freeze_end:") {
            out.push((start.take().unwrap_or(0.0), e));
        }
    }
    if let Some(s) = start {
        out.push((s, probe(path).await?.duration.unwrap_or(s)));
    }
    Ok(out)
}

/// The mean volume of the audio of `path` in dB (ffmpeg's `volumedetect`; −91 is silence).
pub async fn mean_volume(path: &Path) -> Result<f64, ProbeError> {
    let log = ffmpeg_analysis(path, &["-map", "0:a:0", "-af", "volumedetect"]).await?;
    log.lines()
        .find_map(|l| l.split("mean_volume:").nth(1)?.trim().trim_end_matches("dB").trim().parse().ok())
        .ok_or_else(|| ProbeError::Output(format!("no mean_volume in: {log}")))
}

/// Runs ffmpeg over `path` with an analysis filter, discarding the output; its log.
async fn ffmpeg_analysis(path: &Path, args: &[&str]) -> Result<String, ProbeError> {
    let output = Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-nostats", "-i"])
        .arg(path)
        .args(args)
        .args(["-f", "null", "-"])
        .kill_on_drop(true)
        .output()
        .await
        .map_err(ProbeError::Run)?;
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(ProbeError::Failed(log));
    }
    Ok(log)
}

/// Every packet of the file at `path`, with its bytes.
pub async fn packets(path: &Path) -> Result<Vec<Packet>, ProbeError> {
    let json = ffprobe(&["-show_packets", "-show_data"], path).await?;
    let parsed: PacketsJson = serde_json::from_slice(&json).map_err(|e| ProbeError::Output(e.to_string()))?;
    parsed
        .packets
        .into_iter()
        .map(|p| {
            Ok(Packet {
                stream_index: p.stream_index,
                pts: p.pts_time.and_then(|t| t.parse().ok()).unwrap_or(f64::NAN),
                keyframe: p.flags.contains('K'),
                data: hex_dump_bytes(&p.data)?,
            })
        })
        .collect()
}

/// The bytes of ffprobe's hex dump (`00000000: 1002 0000 ...  ascii`).
fn hex_dump_bytes(dump: &str) -> Result<Vec<u8>, ProbeError> {
    let mut bytes = Vec::new();
    for line in dump.lines().filter(|l| !l.trim().is_empty()) {
        let Some((_, rest)) = line.split_once(": ") else {
            return Err(ProbeError::Output(format!("a hex dump line without an offset: {line:?}")));
        };
        let hex = rest.split("  ").next().unwrap_or_default();
        for group in hex.split_whitespace() {
            for pair in group.as_bytes().chunks(2) {
                let text = std::str::from_utf8(pair).map_err(|e| ProbeError::Output(e.to_string()))?;
                bytes.push(u8::from_str_radix(text, 16).map_err(|e| ProbeError::Output(e.to_string()))?);
            }
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::hex_dump_bytes;

    #[test]
    fn a_hex_dump_reads_back_as_its_bytes() {
        let dump = "\n00000000: 1002 0000 0001 0000 0000 0000 0005 a5a5  ................\n00000010: 44                                       D\n";
        let bytes = hex_dump_bytes(dump).expect("parses");
        assert_eq!(bytes.len(), 17);
        assert_eq!(&bytes[..4], &[0x10, 0x02, 0x00, 0x00]);
        assert_eq!(bytes[16], 0x44);
    }
}
