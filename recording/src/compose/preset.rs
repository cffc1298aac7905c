//! Quality presets of a composed recording: resolution, x264 effort and quality, audio rate.

use serde::{Deserialize, Serialize};

/// How a recording is encoded (the group's "recording quality").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preset {
    /// Output width (even).
    pub width: u32,
    /// Output height (even).
    pub height: u32,
    /// x264's speed/effort preset (`veryfast`, `medium`, …).
    pub x264_preset: &'static str,
    /// x264's constant rate factor: lower is better and bigger.
    pub crf: u8,
    /// AAC bitrate in kbit/s.
    pub audio_kbps: u32,
}

impl Preset {
    /// 640×360, fast and small: about 0.15 core-seconds per second of a 3-person call.
    pub const LOW: Preset =
        Preset { width: 640, height: 360, x264_preset: "veryfast", crf: 28, audio_kbps: 64 };
    /// 1280×720, fast: about 0.38 core-seconds per second of a 3-person call.
    pub const MEDIUM: Preset =
        Preset { width: 1280, height: 720, x264_preset: "veryfast", crf: 23, audio_kbps: 128 };
    /// 1280×720 at x264's default effort and higher quality: about twice medium's cost.
    pub const HIGH: Preset =
        Preset { width: 1280, height: 720, x264_preset: "medium", crf: 20, audio_kbps: 160 };

    /// The preset named `low`, `medium` or `high`.
    pub fn named(name: &str) -> Option<Preset> {
        match name {
            "low" => Some(Self::LOW),
            "medium" => Some(Self::MEDIUM),
            "high" => Some(Self::HIGH),
            _ => None,
        }
    }
}
