//! Recording on the node: the tracks of the participants the room lists (those who agreed),
//! written as the node receives them, into one streamable WebM per track. No decoding and no
//! re-encoding: a frame the node already has is muxed and handed to the host to ship. Video is
//! taken from the best simulcast layer arriving, switching only on keyframes; the file's clock
//! follows the media's own timestamps, rebased across layer switches.

use peershare_core::protocol::{ParticipantId, TrackSource as NodeTrackSource};
use peershare_recording::container::{TrackCodec, TrackWriter, vp8_keyframe_size};
use peershare_recording::layout::{TrackSource, manifest_key, track_key, track_name};
use peershare_recording::manifest::TrackManifest;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use str0m::format::Codec;
use str0m::media::{MediaData, MediaKind, MediaTime, Mid};

/// Frame size written in a video track's header when its first keyframe does not say (VP9,
/// AV1): players take the real size from the frames.
const DEFAULT_SIZE: (u32, u32) = (640, 480);

/// Takes of one participant's source a node session numbers before the next session's range.
const TAKES_PER_PART: u32 = 1000;

/// What the room asked the node to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingSpec {
    /// The recording's id (its objects' folder).
    pub id: String,
    /// The plan's revision: an older one than the node has is ignored.
    pub revision: u32,
    /// Whose tracks to write.
    pub participants: Vec<ParticipantId>,
    /// The recording ended: write nothing more of it, ever.
    pub stopped: bool,
    /// Which of the call's node sessions this is (0 first, one more after each lost node):
    /// takes are numbered from `part × 1000`, so no track overwrites an earlier node's.
    pub part: u32,
}

/// Something for the host to ship to recording storage, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordingOutput {
    /// A track's manifest: store it whole (replacing an earlier one).
    Manifest {
        /// Where.
        key: String,
        /// What.
        manifest: TrackManifest,
    },
    /// The next bytes of a track file.
    Bytes {
        /// The file.
        key: String,
        /// Its next bytes.
        bytes: Vec<u8>,
    },
    /// A track file has all its bytes.
    Finished {
        /// The file.
        key: String,
    },
}

/// Whether a frame was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Written, or not this recorder's to write.
    Done,
    /// Not written: the recording waits for a keyframe of this layer (ask the publisher).
    NeedsKeyframe(usize),
}

/// A published track as the recorder needs to know it.
#[derive(Debug, Clone, Copy)]
pub struct TrackInfo<'a> {
    /// The publisher's mid.
    pub mid: Mid,
    /// Audio or video.
    pub kind: MediaKind,
    /// Camera or screen.
    pub source: NodeTrackSource,
    /// Which simulcast layers arrive now (one entry without simulcast).
    pub available: &'a [bool],
}

/// One call's recording.
#[derive(Debug)]
pub struct CallRecorder {
    spec: RecordingSpec,
    started: Instant,
    tracks: Vec<TrackRecording>,
    takes: HashMap<(ParticipantId, TrackSource), u32>,
    outputs: Vec<RecordingOutput>,
    failures: u64,
}

#[derive(Debug)]
struct TrackRecording {
    participant: ParticipantId,
    mid: Mid,
    take: u32,
    key: String,
    manifest_key: String,
    /// The simulcast layer written (video), once its first keyframe came.
    layer: Option<usize>,
    writer: Option<TrackWriter>,
    manifest: Option<TrackManifest>,
    /// Media time and file time of the last layer switch (or the first frame).
    base: Option<(MediaTime, Duration)>,
    /// File time and arrival of the last frame written.
    last: Option<(Duration, Instant)>,
    failed: bool,
}

impl CallRecorder {
    /// Starts recording `spec` at `now`.
    pub fn new(spec: RecordingSpec, now: Instant) -> Self {
        tracing::info!(recording = %spec.id, participants = spec.participants.len(), "recording started");
        Self {
            spec,
            started: now,
            tracks: Vec::new(),
            takes: HashMap::new(),
            outputs: Vec::new(),
            failures: 0,
        }
    }

    /// The recording's id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The revision of the plan it follows.
    pub fn revision(&self) -> u32 {
        self.spec.revision
    }

    /// Whether `participant`'s tracks are written.
    pub fn records(&self, participant: ParticipantId) -> bool {
        self.spec.participants.contains(&participant)
    }

    /// Tracks being written.
    pub fn track_count(&self) -> usize {
        self.tracks.iter().filter(|t| t.writer.is_some()).count()
    }

    /// Tracks that failed (a muxer error, or more unshipped bytes than allowed), since start.
    pub fn failures(&self) -> u64 {
        self.failures
    }

    /// The room changed who is written (plan `revision`): the tracks of those no longer listed
    /// end now.
    pub fn set_participants(&mut self, participants: Vec<ParticipantId>, revision: u32) {
        self.spec.revision = revision;
        let gone: Vec<_> =
            self.spec.participants.iter().filter(|p| !participants.contains(p)).copied().collect();
        self.spec.participants = participants;
        for participant in gone {
            self.end_participant(participant);
        }
    }

    /// Ends every track of `participant` (they left the call, or are no longer written). A
    /// later track of theirs is a new take.
    pub fn end_participant(&mut self, participant: ParticipantId) {
        let (ending, keep): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.tracks).into_iter().partition(|t| t.participant == participant);
        self.tracks = keep;
        for track in ending {
            self.end_track(track);
        }
    }

    /// Ends the track `mid` of `participant` (it stopped being published).
    pub fn end_mid(&mut self, participant: ParticipantId, mid: Mid) {
        if let Some(i) = self.tracks.iter().position(|t| t.participant == participant && t.mid == mid) {
            let track = self.tracks.remove(i);
            self.end_track(track);
        }
    }

    /// Ends everything: the recording stopped or the call ended.
    pub fn finish(mut self) -> Vec<RecordingOutput> {
        for track in std::mem::take(&mut self.tracks) {
            self.end_track(track);
        }
        tracing::info!(recording = %self.spec.id, "recording stopped");
        self.drain()
    }

    /// Everything to ship since the last drain.
    pub fn drain(&mut self) -> Vec<RecordingOutput> {
        for track in &self.tracks {
            if let Some(writer) = &track.writer {
                let bytes = writer.take();
                if !bytes.is_empty() {
                    self.outputs.push(RecordingOutput::Bytes { key: track.key.clone(), bytes });
                }
            }
        }
        std::mem::take(&mut self.outputs)
    }

    /// A frame of `participant`'s track `info` arrived on simulcast `layer`.
    pub fn on_frame(
        &mut self,
        participant: ParticipantId,
        info: TrackInfo<'_>,
        data: &MediaData,
        layer: usize,
        keyframe: bool,
    ) -> Recorded {
        if !self.records(participant) {
            return Recorded::Done;
        }
        let source = match (info.kind, info.source) {
            (MediaKind::Audio, _) => TrackSource::Audio,
            (MediaKind::Video, NodeTrackSource::Screen) => TrackSource::Screen,
            (MediaKind::Video, NodeTrackSource::Camera) => TrackSource::Camera,
        };
        let index = match self.tracks.iter().position(|t| t.participant == participant && t.mid == info.mid) {
            Some(i) => i,
            None => {
                let first = self.spec.part.saturating_mul(TAKES_PER_PART);
                let take = self.takes.entry((participant, source)).or_insert(first);
                let name = track_name(participant.0, source, *take);
                *take += 1;

                self.tracks.push(TrackRecording {
                    participant,
                    mid: info.mid,
                    take: *take - 1,
                    key: track_key(&self.spec.id, &name),
                    manifest_key: manifest_key(&self.spec.id, &name),
                    layer: None,
                    writer: None,
                    manifest: None,
                    base: None,
                    last: None,
                    failed: false,
                });
                self.tracks.len() - 1
            }
        };
        let track = &mut self.tracks[index];
        if track.failed {
            return Recorded::Done;
        }
        // Video: the best layer arriving, switching only where a keyframe starts a picture.
        let target = info.available.iter().rposition(|a| *a).unwrap_or(0);
        let switching = match (info.kind, track.layer) {
            (MediaKind::Audio, _) => false,
            (MediaKind::Video, Some(current)) if current == layer && (layer == target || !keyframe) => false,
            (MediaKind::Video, _) if layer == target && keyframe => true,
            (MediaKind::Video, _) if layer == target => return Recorded::NeedsKeyframe(target),
            (MediaKind::Video, Some(current)) if current == layer => false,
            (MediaKind::Video, _) => return Recorded::Done,
        };
        let Some(codec) = track_codec(data) else {
            tracing::warn!(participant = %participant, codec = ?data.params.spec().codec, "this codec cannot be recorded; the track is skipped");
            track.failed = true;
            self.failures += 1;
            return Recorded::Done;
        };
        if track.writer.as_ref().is_some_and(|w| w.codec() != codec) {
            // Renegotiated to another codec: this take ends, the next frame starts a new one.
            let track = self.tracks.remove(index);
            self.end_track(track);
            return Recorded::Done;
        }
        let track = &mut self.tracks[index];
        if track.writer.is_none() {
            let made = match codec {
                TrackCodec::Opus => TrackWriter::opus(2),
                video => {
                    let (w, h) = vp8_keyframe_size(&data.data).unwrap_or(DEFAULT_SIZE);
                    TrackWriter::video(video, w, h)
                }
            };
            let writer = match made {
                Ok(writer) => writer,
                Err(e) => {
                    tracing::warn!(participant = %participant, error = %e, "a track could not be recorded");
                    track.failed = true;
                    self.failures += 1;
                    return Recorded::Done;
                }
            };
            let (width, height) =
                if codec.is_video() { vp8_keyframe_size(&data.data).unwrap_or(DEFAULT_SIZE) } else { (0, 0) };
            let manifest = TrackManifest {
                recording: self.spec.id.clone(),
                participant: participant.0,
                source,
                take: track.take,
                codec,
                key: track.key.clone(),
                offset_ms: millis(data.network_time.saturating_duration_since(self.started)),
                end_ms: None,
                width,
                height,
            };
            self.outputs.push(RecordingOutput::Manifest {
                key: track.manifest_key.clone(),
                manifest: manifest.clone(),
            });
            track.manifest = Some(manifest);
            track.writer = Some(writer);
        }
        if switching || track.base.is_none() {
            // The new layer's clock starts where the last frame left off, plus the time between.
            let at = track.last.map_or(Duration::ZERO, |(at, arrived)| {
                at + data.network_time.saturating_duration_since(arrived)
            });
            track.base = Some((data.time, at));
            if info.kind == MediaKind::Video {
                track.layer = Some(layer);
            }
        }
        let Some((base_time, base_at)) = track.base else { return Recorded::Done };
        let at = base_at
            + data
                .time
                .checked_sub(base_time)
                .map_or(Duration::ZERO, |d| Duration::from_micros(d.as_micros()));
        let written =
            track.writer.as_mut().map(|w| w.write(&data.data, at, keyframe || info.kind == MediaKind::Audio));
        match written {
            Some(Ok(true)) => track.last = Some((at, data.network_time)),
            Some(Ok(false)) | None => {}
            Some(Err(e)) => {
                tracing::warn!(participant = %participant, key = %track.key, error = %e, "recording a track failed; it ends here");
                track.failed = true;
                self.failures += 1;
                // What the writer still holds was never shipped: it is dropped, not queued (a
                // writer fails when storage is far behind, and its bytes must not pile up
                // elsewhere). The track stays, failed, so its next frames start nothing.
                track.writer = None;
                self.outputs.push(RecordingOutput::Finished { key: track.key.clone() });
            }
        }
        Recorded::Done
    }

    fn end_track(&mut self, track: TrackRecording) {
        let Some(writer) = track.writer else { return };
        let bytes = writer.finish();
        if !bytes.is_empty() {
            self.outputs.push(RecordingOutput::Bytes { key: track.key.clone(), bytes });
        }
        self.outputs.push(RecordingOutput::Finished { key: track.key.clone() });
        if let Some(mut manifest) = track.manifest {
            let ended = track.last.map_or(self.started, |(_, arrived)| arrived);
            manifest.end_ms = Some(millis(ended.saturating_duration_since(self.started)));
            self.outputs.push(RecordingOutput::Manifest { key: track.manifest_key, manifest });
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The container codec of a frame, when a track file can hold it.
fn track_codec(data: &MediaData) -> Option<TrackCodec> {
    match data.params.spec().codec {
        Codec::Vp8 => Some(TrackCodec::Vp8),
        Codec::Vp9 => Some(TrackCodec::Vp9),
        Codec::Av1 => Some(TrackCodec::Av1),
        Codec::Opus => Some(TrackCodec::Opus),
        _ => None,
    }
}
