//! Where a recording's objects live in recording storage (an S3 bucket, or a folder):
//!
//! ```text
//! recordings/{recording}/tracks/p{participant}-{source}-{take}.webm        a track, as written
//! recordings/{recording}/tracks/p{participant}-{source}-{take}.json        its manifest
//! recordings/{recording}/tracks/p{participant}-{source}-{take}.webm.parts  its uploaded parts
//! recordings/{recording}/tracks/p{participant}-{source}-{take}.webm.tail/  its unshipped tail
//! recordings/{recording}/{recording}.mp4                                  the composed file
//! ```
//!
//! Recording ids come from the room (`r_{group}_{ms}`); a key is built only from ids this
//! module checks, so no id can climb out of its recording's folder.

use serde::{Deserialize, Serialize};

/// What a recorded track carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackSource {
    /// A microphone.
    Audio,
    /// A camera.
    Camera,
    /// A shared screen.
    Screen,
}

impl TrackSource {
    /// The order tracks are listed in: microphone, camera, screen.
    pub fn rank(self) -> u8 {
        match self {
            Self::Audio => 0,
            Self::Camera => 1,
            Self::Screen => 2,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Audio => "audio",
            Self::Camera => "camera",
            Self::Screen => "screen",
        }
    }
}

/// Whether `id` may name a recording: 1 to 128 ASCII letters, digits, `_` or `-`.
pub fn valid_recording_id(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The folder of a recording's objects (ends with `/`).
pub fn recording_prefix(recording: &str) -> String {
    format!("recordings/{recording}/")
}

/// The folder of a recording's track files and manifests (ends with `/`).
pub fn tracks_prefix(recording: &str) -> String {
    format!("recordings/{recording}/tracks/")
}

/// The name of one take of one participant's track: a participant who leaves and comes back,
/// or whose media restarts, gets a new take.
pub fn track_name(participant: u32, source: TrackSource, take: u32) -> String {
    format!("p{participant}-{}-{take}", source.as_str())
}

/// The key of a track's file.
pub fn track_key(recording: &str, name: &str) -> String {
    format!("{}{name}.webm", tracks_prefix(recording))
}

/// The key of a track's manifest.
pub fn manifest_key(recording: &str, name: &str) -> String {
    format!("{}{name}.json", tracks_prefix(recording))
}

/// The key of the ledger of an unfinished multipart upload's parts (its id and each part's
/// ETag), written after every part: what joins the parts if the uploader dies.
pub fn parts_ledger_key(key: &str) -> String {
    format!("{key}.parts")
}

/// The folder of the checkpoints of an object's tail that is not in a part yet (ends with `/`).
pub fn tail_prefix(key: &str) -> String {
    format!("{key}.tail/")
}

/// The key of a tail checkpoint holding the object's bytes from `offset` on.
pub fn tail_key(key: &str, offset: u64) -> String {
    format!("{}{offset:016}", tail_prefix(key))
}

/// The offset a tail checkpoint's key names.
pub fn tail_offset(tail_key: &str) -> Option<u64> {
    tail_key.rsplit('/').next()?.parse().ok()
}

/// The key of the composed MP4.
pub fn composed_key(recording: &str) -> String {
    format!("{}{recording}.mp4", recording_prefix(recording))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_inside_their_recording() {
        let r = "r_g_team_1800000000000";
        assert!(valid_recording_id(r));
        for bad in ["", "../x", "a/b", "r x", "r.mp4", &"x".repeat(129)] {
            assert!(!valid_recording_id(bad), "{bad:?}");
        }
        let name = track_name(3, TrackSource::Camera, 0);
        assert_eq!(track_key(r, &name), "recordings/r_g_team_1800000000000/tracks/p3-camera-0.webm");
        assert_eq!(manifest_key(r, &name), "recordings/r_g_team_1800000000000/tracks/p3-camera-0.json");
        assert_eq!(composed_key(r), "recordings/r_g_team_1800000000000/r_g_team_1800000000000.mp4");
        let tail = tail_key(&track_key(r, &name), 5_242_880);
        assert!(tail.starts_with(&tail_prefix(&track_key(r, &name))));
        assert_eq!(tail_offset(&tail), Some(5_242_880));
    }
}
