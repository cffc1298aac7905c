// Generated from peershare-core by `cargo xtask gen`. Do not edit by hand.

export const PROTOCOL_VERSION = 1;
export const MAX_MESSAGE_BYTES = 65536;
export const MAX_DISPLAY_NAME_CHARS = 64;
export const MAX_CHAT_CHARS = 2000;
export const NODE_CHANNEL_LABEL = "peershare";

export type ParticipantId = number;

export type MediaState = { 
/**
 * Microphone is on (not muted).
 */
audio: boolean, 
/**
 * Camera is on.
 */
video: boolean, };

export type SdpType = "offer" | "answer";

export type SessionDescription = { 
/**
 * Offer or answer.
 */
type: SdpType, 
/**
 * The SDP text.
 */
sdp: string, };

export type IceCandidate = { 
/**
 * The `candidate:` attribute line.
 */
candidate: string, 
/**
 * Media stream id the candidate belongs to.
 */
sdpMid?: string | null, 
/**
 * Index of the m-line the candidate belongs to.
 */
sdpMLineIndex?: number | null, 
/**
 * ICE username fragment, identifying the ICE generation.
 */
usernameFragment?: string | null, };

export type ErrorCode = "malformed_message" | "unknown_message_type" | "message_too_large" | "binary_not_supported" | "unsupported_version" | "not_joined" | "already_joined" | "invalid_display_name" | "unknown_participant" | "cannot_signal_self" | "room_full" | "group_calls_unavailable" | "join_timeout" | "heartbeat_timeout" | "rate_limited" | "slow_consumer" | "access_revoked" | "recording_not_allowed" | "recording_unavailable" | "recording_conflict" | "invalid_chat_message";

export type ErrorCategory = "invalid_request" | "capacity" | "unavailable" | "timeout" | "overload" | "access";

export type CallMode = "peer_to_peer" | "media_node";

export type LeaveReason = "left" | "connection_lost" | "timed_out" | "reconnected";

export type Peer = { 
/**
 * Their id.
 */
id: ParticipantId, 
/**
 * Their display name.
 */
display_name: string, 
/**
 * Their microphone and camera state.
 */
media: MediaState, 
/**
 * Perfect-negotiation role of the *recipient* towards this peer: a polite peer rolls back
 * its own offer on collision, an impolite one ignores the incoming offer.
 */
polite: boolean, 
/**
 * They are a guest in a group's call (not one of its members), as their pass says: anyone
 * may pick any name, so clients mark guests.
 */
guest: boolean, 
/**
 * Their role in the group whose call this is, as their pass says (members only).
 */
role?: Role | null, };

export type MediaNodeAccess = { 
/**
 * Base URL of the node's control API.
 */
url: string, 
/**
 * The call session on the node.
 */
call_id: string, 
/**
 * Bearer token for the node, bound to this participant, call and node; short-lived.
 */
token: string, };

export type RecordingPhase = "asking" | "recording";

export type RecordingView = { 
/**
 * Asking or recording.
 */
phase: RecordingPhase, 
/**
 * Who asked to record.
 */
started_by: ParticipantId, 
/**
 * When the question was asked (asking) or the recording began (recording), in
 * milliseconds since the Unix epoch.
 */
since_ms: number, 
/**
 * Participants who agreed and are in the call: only their media is written.
 */
recorded: Array<ParticipantId>, 
/**
 * Participants asked who have not answered yet (a prompt is open for each of them).
 */
waiting: Array<ParticipantId>, 
/**
 * Participants in the call who declined or withdrew their consent: not written.
 */
declined: Array<ParticipantId>, };

export type RecordingRequestEnd = { "kind": "declined", 
/**
 * Who.
 */
by: ParticipantId, 
/**
 * Their name, as the call shows it.
 */
display_name: string, } | { "kind": "timed_out", 
/**
 * Those who did not answer.
 */
waiting: Array<ParticipantId>, } | { "kind": "node_unavailable", 
/**
 * Why.
 */
reason: string, };

export type ChatMessage = { 
/**
 * Its number in this call's chat, from 1: messages are shown in this order.
 */
seq: number, 
/**
 * Who sent it.
 */
from: ParticipantId, 
/**
 * Their display name when they sent it.
 */
name: string, 
/**
 * The text: plain text, never markup (clients render it as text).
 */
text: string, 
/**
 * When the room received it (milliseconds since the Unix epoch).
 */
sent_at_ms: number, };

export type ClientMessage = { "type": "join", 
/**
 * Protocol version the client speaks.
 */
version: number, 
/**
 * Name shown to the other participants.
 */
display_name: string, 
/**
 * Initial microphone and camera state.
 */
media: MediaState, 
/**
 * A secret the client picks once per call session (16 to 128 letters, digits, `-` or
 * `_`) and sends on every reconnect: a connection that joins with the key of a
 * participant still in the room takes over their seat (same id) instead of adding a
 * second one.
 */
resume?: string, } | { "type": "description", 
/**
 * Recipient.
 */
to: ParticipantId, 
/**
 * The description.
 */
description: SessionDescription, } | { "type": "ice_candidate", 
/**
 * Recipient.
 */
to: ParticipantId, 
/**
 * The candidate, or `null` for end-of-candidates.
 */
candidate: IceCandidate | null, } | { "type": "media_state", 
/**
 * New state.
 */
media: MediaState, } | { "type": "ping", 
/**
 * Echoed back in `pong`.
 */
nonce: number, } | { "type": "leave" } | { "type": "start_recording" } | { "type": "stop_recording" } | { "type": "recording_consent", 
/**
 * Whether the sender agrees to be recorded.
 */
allow: boolean, } | { "type": "chat", 
/**
 * What it says.
 */
text: string, } | { "type": "media_node_failed", 
/**
 * The call session on the node (from `MediaNodeAccess`), so a report about a node
 * the call already left changes nothing.
 */
call_id: string, };

export type ServerMessage = { "type": "welcome", 
/**
 * Protocol version of the room.
 */
version: number, 
/**
 * Your participant id.
 */
you: ParticipantId, 
/**
 * Everyone else in the call.
 */
participants: Array<Peer>, 
/**
 * How media flows.
 */
mode: CallMode, 
/**
 * Most participants the room admits.
 */
capacity: number, 
/**
 * Send a `ping` at least this often (milliseconds) or be removed.
 */
heartbeat_interval_ms: number, 
/**
 * The media node to connect to, when `mode` is `media_node`.
 */
media_node?: MediaNodeAccess | null, 
/**
 * The call's recording, when someone asked to record or it is being recorded: a
 * newcomer who is asked gets a prompt; nothing of theirs is written before they agree.
 */
recording?: RecordingView | null, 
/**
 * The call's chat so far (its latest messages), oldest first.
 */
chat?: Array<ChatMessage>, } | { "type": "chat", 
/**
 * The message, numbered by the room.
 */
message: ChatMessage, } | { "type": "waiting_for_media_node" } | { "type": "media_node_starting" } | { "type": "media_node_lost" } | { "type": "move_to_media_node", 
/**
 * Where and how to connect.
 */
media_node: MediaNodeAccess, } | { "type": "participant_joined", 
/**
 * The newcomer.
 */
participant: Peer, } | { "type": "participant_left", 
/**
 * Who.
 */
id: ParticipantId, 
/**
 * Why.
 */
reason: LeaveReason, } | { "type": "participant_updated", 
/**
 * Who.
 */
id: ParticipantId, 
/**
 * Their new state.
 */
media: MediaState, } | { "type": "participant_role_changed", 
/**
 * Who.
 */
id: ParticipantId, 
/**
 * Their role now.
 */
role: Role, } | { "type": "recording_changed", 
/**
 * The recording now.
 */
recording?: RecordingView | null, } | { "type": "recording_request_ended", 
/**
 * Why.
 */
reason: RecordingRequestEnd, } | { "type": "description", 
/**
 * Sender.
 */
from: ParticipantId, 
/**
 * The description.
 */
description: SessionDescription, } | { "type": "ice_candidate", 
/**
 * Sender.
 */
from: ParticipantId, 
/**
 * The candidate, or `null` for end-of-candidates.
 */
candidate: IceCandidate | null, } | { "type": "pong", 
/**
 * The nonce from the ping.
 */
nonce: number, } | { "type": "error", 
/**
 * Machine-readable code.
 */
code: ErrorCode, 
/**
 * Broad class of the error.
 */
category: ErrorCategory, 
/**
 * Human-readable detail.
 */
message: string, 
/**
 * The room closes the connection after this error.
 */
fatal: boolean, };

export type IceServer = { 
/**
 * `stun:` / `turn:` / `turns:` URLs.
 */
urls: Array<string>, 
/**
 * TURN username, if any.
 */
username?: string, 
/**
 * TURN password, if any.
 */
credential?: string, };

export type IceTransportPolicy = "all" | "relay";

export type IceConfig = { 
/**
 * Servers for `RTCConfiguration.iceServers` (empty: host candidates only).
 */
iceServers: Array<IceServer>, 
/**
 * Policy for `RTCConfiguration.iceTransportPolicy`.
 */
iceTransportPolicy: IceTransportPolicy, 
/**
 * Seconds the credentials stay valid; refresh before then.
 */
ttlSeconds: number, 
/**
 * Unix time (seconds) at which the credentials expire.
 */
expiresAt: number, };

export type CallStatus = { 
/**
 * Participants in the call.
 */
participants: number, 
/**
 * Most participants the call admits.
 */
capacity: number, 
/**
 * A newcomer would be admitted straight away.
 */
joinable: boolean, };

export type TrackKind = "audio" | "video";

export type TrackSource = "camera" | "screen";

export type ForwardedTrack = { 
/**
 * The m-line (transceiver) it arrives on.
 */
mid: string, 
/**
 * Who publishes it.
 */
participant: ParticipantId, 
/**
 * Audio or video.
 */
kind: TrackKind, 
/**
 * Camera or screen.
 */
source: TrackSource, };

export type NodeMessage = { "type": "offer", 
/**
 * SDP offer text.
 */
sdp: string, } | { "type": "answer", 
/**
 * SDP answer text.
 */
sdp: string, } | { "type": "tracks", 
/**
 * The tracks.
 */
tracks: Array<ForwardedTrack>, } | { "type": "layer", 
/**
 * The receiving mid.
 */
mid: string, 
/**
 * The layer's rid.
 */
rid: string | null, } | { "type": "layers", 
/**
 * Your sending mid.
 */
mid: string, 
/**
 * The rids to keep sending; every other layer may be paused.
 */
rids: Array<string>, } | { "type": "error", 
/**
 * Human-readable detail.
 */
message: string, };

export type ClientNodeMessage = { "type": "offer", 
/**
 * SDP offer text.
 */
sdp: string, } | { "type": "answer", 
/**
 * SDP answer text.
 */
sdp: string, } | { "type": "publish", 
/**
 * The client's sending mid.
 */
mid: string, 
/**
 * Camera or screen.
 */
source: TrackSource, 
/**
 * Width of the full-resolution layer, in pixels.
 */
width?: number | null, 
/**
 * Height of the full-resolution layer, in pixels.
 */
height?: number | null, } | { "type": "viewport", 
/**
 * The receiving mid.
 */
mid: string, 
/**
 * Rendered width.
 */
width: number, 
/**
 * Rendered height.
 */
height: number, };

export type Role = "member" | "admin" | "owner";

export type DefaultLayout = "grid" | "speaker";

export type RecordingQuality = "low" | "medium" | "high";

export type GroupSettings = { 
/**
 * Whether people without an account may join the group's call with a guest pass.
 */
guests_allowed: boolean, 
/**
 * The lowest role that may start a recording.
 */
record_role: Role, 
/**
 * The lowest role that may create invite links.
 */
invite_role: Role, 
/**
 * Most people in the group's call at once.
 */
max_participants: number, 
/**
 * The call screen's layout when someone joins.
 */
default_layout: DefaultLayout, 
/**
 * How recordings are encoded.
 */
recording_quality: RecordingQuality, };

export type SettingsPatch = { 
/**
 * New value of [`GroupSettings::guests_allowed`].
 */
guests_allowed?: boolean, 
/**
 * New value of [`GroupSettings::record_role`].
 */
record_role?: Role, 
/**
 * New value of [`GroupSettings::invite_role`].
 */
invite_role?: Role, 
/**
 * New value of [`GroupSettings::max_participants`].
 */
max_participants?: number, 
/**
 * New value of [`GroupSettings::default_layout`].
 */
default_layout?: DefaultLayout, 
/**
 * New value of [`GroupSettings::recording_quality`].
 */
recording_quality?: RecordingQuality, };

export type InviteRequest = { 
/**
 * How long the link works, in milliseconds.
 */
ttl_ms: number, 
/**
 * How many people may join through it (unlimited when absent).
 */
max_uses?: number, };

export type VideoQuality = "auto" | "low" | "standard" | "high";

export type Preferences = { 
/**
 * Label of the camera to open first, if one was chosen.
 */
camera?: string, 
/**
 * Label of the microphone to open first, if one was chosen.
 */
microphone?: string, 
/**
 * Preferred received video quality.
 */
video_quality: VideoQuality, };

export type ProfilePatch = { 
/**
 * New display name.
 */
display_name?: string, 
/**
 * New avatar URL (a picture on Google's or GitHub's image host), or "" to remove it.
 */
avatar_url?: string, 
/**
 * New preferred camera label, or "" to forget it.
 */
camera?: string, 
/**
 * New preferred microphone label, or "" to forget it.
 */
microphone?: string, 
/**
 * New preferred video quality.
 */
video_quality?: VideoQuality, };
