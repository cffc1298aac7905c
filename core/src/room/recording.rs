//! Consent to record, as the room decides it. Someone whose role may record asks; everyone
//! present is asked and must agree before anything is written; one "no" ends the question; a
//! newcomer to a running recording is asked and stays in the call unrecorded until they agree
//! (their "no" never ends the others' recording); anyone recorded may withdraw at any time; the
//! asker or an admin or owner stops it. A reconnect keeps a participant's answer (same seat);
//! leaving forgets it (someone who comes back is asked again). See docs/recording.md.

use super::recording_log::{ConsentRecord, RecordingEvent, RecordingPlan, StopReason};
use crate::groups::Role;
use crate::protocol::{ErrorCode, ParticipantId, RecordingPhase, RecordingRequestEnd, RecordingView};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long everyone has to answer a request to record; then it ends unanswered.
pub const CONSENT_TIMEOUT: Duration = Duration::from_secs(60);

/// How long after a request ended without a recording before the next may be asked, so a
/// participant cannot keep everyone's screen full of prompts.
pub const REQUEST_COOLDOWN: Duration = Duration::from_secs(10);

/// A participant, as far as recording cares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Person {
    pub id: ParticipantId,
    pub identity: Option<String>,
    pub display_name: String,
    pub role: Option<Role>,
    pub guest: bool,
}

/// One participant's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", content = "at", rename_all = "snake_case")]
enum Answer {
    Pending,
    Allowed(Timestamp),
    Declined(Timestamp),
}

/// A participant present while a recording is asked for or runs, with their answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Seat {
    person: Person,
    answer: Answer,
}

impl Seat {
    fn record(&self) -> Option<ConsentRecord> {
        let (allowed, at) = match self.answer {
            Answer::Pending => return None,
            Answer::Allowed(at) => (true, at),
            Answer::Declined(at) => (false, at),
        };
        Some(consent_record(&self.person, allowed, at))
    }
}

fn consent_record(person: &Person, allowed: bool, at: Timestamp) -> ConsentRecord {
    ConsentRecord {
        participant: person.id,
        identity: person.identity.clone(),
        display_name: person.display_name.clone(),
        allowed,
        at,
    }
}

/// The participants asked, in id order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
struct Seats(Vec<Seat>);

impl Seats {
    fn values(&self) -> impl Iterator<Item = &Seat> {
        self.0.iter()
    }

    fn get_mut(&mut self, id: &ParticipantId) -> Option<&mut Seat> {
        self.0.iter_mut().find(|s| s.person.id == *id)
    }

    fn insert(&mut self, seat: Seat) {
        self.0.retain(|s| s.person.id != seat.person.id);
        let at = self.0.partition_point(|s| s.person.id < seat.person.id);
        self.0.insert(at, seat);
    }

    fn remove(&mut self, id: &ParticipantId) -> Option<Seat> {
        let at = self.0.iter().position(|s| s.person.id == *id)?;
        Some(self.0.remove(at))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum State {
    #[default]
    Idle,
    /// Everyone present is being asked; nothing is written.
    Asking { asker: Person, asked_at: Timestamp, seats: Seats },
    /// Recording the participants who agreed.
    Recording {
        asker: Person,
        started_at: Timestamp,
        seats: Seats,
        /// The revision of the last plan sent.
        #[serde(default)]
        revision: u32,
    },
}

/// What the room must do after the desk changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Effect {
    /// The recording's state changed: tell everyone [`RecordingDesk::view`].
    Changed,
    /// Tell the participant who asked why their request ended.
    TellAsker(ParticipantId, RecordingRequestEnd),
    /// Keep this with the recording.
    Log(RecordingEvent),
    /// The call must be on a media node to record.
    NeedsNode,
    /// Who is written changed: send this plan to the media node.
    Plan(RecordingPlan),
}

/// Why a recording message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum RecordingRefusal {
    #[error(
        "only a group's call can be recorded (its members download the recording): start the call from a group's page"
    )]
    NeedsGroup,
    #[error("guests cannot start a recording")]
    Guest,
    #[error("in this group, only {0} may start a recording")]
    RoleTooLow(&'static str),
    #[error("a recording is already running or being asked for")]
    Busy,
    #[error("a request to record ended less than {} s ago; ask again later", REQUEST_COOLDOWN.as_secs())]
    Cooldown,
    #[error("there is no recording to stop")]
    NothingToStop,
    #[error("only whoever started the recording, or an admin or owner, may stop it")]
    MayNotStop,
    #[error("nobody asked you to be recorded")]
    NotAsked,
}

impl RecordingRefusal {
    /// The protocol error code the participant gets.
    pub(super) fn code(&self) -> ErrorCode {
        match self {
            Self::NeedsGroup => ErrorCode::RecordingUnavailable,
            Self::Guest | Self::RoleTooLow(_) | Self::MayNotStop => ErrorCode::RecordingNotAllowed,
            Self::Cooldown => ErrorCode::RateLimited,
            Self::Busy | Self::NothingToStop | Self::NotAsked => ErrorCode::RecordingConflict,
        }
    }
}

/// A room's recording: who may start one, and the consent of everyone present.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RecordingDesk {
    /// The lowest role that may start a recording: the group's setting, from the latest pass.
    /// `None`: not a stored group's call, which cannot be recorded.
    record_role: Option<Role>,
    /// When the API said so (the pass's issue time, or the change's): an older pass never
    /// overrides a newer setting.
    #[serde(default)]
    record_role_at: Option<Timestamp>,
    state: State,
    /// When the last request ended without a recording.
    #[serde(default)]
    last_refused_at: Option<Timestamp>,
}

impl RecordingDesk {
    /// The group's "who may record", as a pass or a settings change issued at `at` says; the
    /// newest word wins.
    pub(super) fn set_record_role(&mut self, role: Role, at: Timestamp) {
        if self.record_role_at.is_none_or(|known| at >= known) {
            self.record_role = Some(role);
            self.record_role_at = Some(at);
        }
    }

    /// The recording as participants see it.
    pub(super) fn view(&self) -> Option<RecordingView> {
        let (phase, asker, since, seats) = match &self.state {
            State::Idle => return None,
            State::Asking { asker, asked_at, seats, .. } => (RecordingPhase::Asking, asker, asked_at, seats),
            State::Recording { asker, started_at, seats, .. } => {
                (RecordingPhase::Recording, asker, started_at, seats)
            }
        };
        let with = |pick: fn(&Answer) -> bool| {
            seats.values().filter(|s| pick(&s.answer)).map(|s| s.person.id).collect::<Vec<_>>()
        };
        Some(RecordingView {
            phase,
            started_by: asker.id,
            since_ms: since.as_millis(),
            recorded: with(|a| matches!(a, Answer::Allowed(_))),
            waiting: with(|a| matches!(a, Answer::Pending)),
            declined: with(|a| matches!(a, Answer::Declined(_))),
        })
    }

    /// What the media node writes, while recording (the last plan sent, again: for a node that
    /// has not heard it).
    pub(super) fn plan(&self) -> Option<RecordingPlan> {
        match &self.state {
            State::Recording { started_at, seats, revision, .. } => Some(RecordingPlan {
                started_at: *started_at,
                revision: *revision,
                participants: seats
                    .values()
                    .filter(|s| matches!(s.answer, Answer::Allowed(_)))
                    .map(|s| s.person.id)
                    .collect(),
                part: 0,
                stopped: false,
            }),
            _ => None,
        }
    }

    /// A new plan for the node: the next revision of who is written now.
    fn next_plan(&mut self) -> Option<Effect> {
        if let State::Recording { revision, .. } = &mut self.state {
            *revision += 1;
        }
        self.plan().map(Effect::Plan)
    }

    /// Whether the call must be on a media node (it is recording).
    pub(super) fn needs_node(&self) -> bool {
        matches!(self.state, State::Recording { .. })
    }

    /// When an unanswered question ends.
    pub(super) fn wakes_at(&self) -> Option<Timestamp> {
        match &self.state {
            State::Asking { asked_at, .. } => Some(asked_at.plus(CONSENT_TIMEOUT)),
            _ => None,
        }
    }

    /// `asker` asks to record a call of which `present` are the participants (the asker among
    /// them). The asker's asking is their consent.
    pub(super) fn request(
        &mut self,
        asker: &Person,
        present: Vec<Person>,
        now: Timestamp,
    ) -> Result<Vec<Effect>, RecordingRefusal> {
        let Some(record_role) = self.record_role else { return Err(RecordingRefusal::NeedsGroup) };
        if asker.guest {
            return Err(RecordingRefusal::Guest);
        }
        if asker.role.is_none_or(|r| r < record_role) {
            return Err(RecordingRefusal::RoleTooLow(role_phrase(record_role)));
        }
        if !matches!(self.state, State::Idle) {
            return Err(RecordingRefusal::Busy);
        }
        if self.last_refused_at.is_some_and(|at| now.since(at) < REQUEST_COOLDOWN) {
            return Err(RecordingRefusal::Cooldown);
        }
        let mut seats = Seats::default();
        for person in present {
            let answer = if person.id == asker.id { Answer::Allowed(now) } else { Answer::Pending };
            seats.insert(Seat { person, answer });
        }
        self.state = State::Asking { asker: asker.clone(), asked_at: now, seats };
        let mut effects = vec![Effect::Changed];
        effects.extend(self.start_if_agreed(now));
        Ok(effects)
    }

    /// `who` answers (or changes their answer while recording).
    pub(super) fn answer(
        &mut self,
        who: &Person,
        allow: bool,
        now: Timestamp,
    ) -> Result<Vec<Effect>, RecordingRefusal> {
        let answer = if allow { Answer::Allowed(now) } else { Answer::Declined(now) };
        match &mut self.state {
            State::Idle => Err(RecordingRefusal::NotAsked),
            State::Asking { asker, seats, .. } => {
                let seat = seats.get_mut(&who.id).ok_or(RecordingRefusal::NotAsked)?;
                if allow {
                    seat.answer = answer;
                    let mut effects = vec![Effect::Changed];
                    effects.extend(self.start_if_agreed(now));
                    return Ok(effects);
                }
                let end = RecordingRequestEnd::Declined {
                    by: who.id,
                    display_name: seat.person.display_name.clone(),
                };
                let asker = asker.id;
                self.end_request(now);
                Ok(vec![Effect::Changed, Effect::TellAsker(asker, end)])
            }
            State::Recording { started_at, seats, .. } => {
                let seat = seats.get_mut(&who.id).ok_or(RecordingRefusal::NotAsked)?;
                let was_recorded = matches!(seat.answer, Answer::Allowed(_));
                if was_recorded == allow && seat.answer != Answer::Pending {
                    return Ok(Vec::new());
                }
                seat.answer = answer;
                let consent = consent_record(&seat.person, allow, now);
                let mut effects = vec![
                    Effect::Changed,
                    Effect::Log(RecordingEvent::Consent { started_at: *started_at, consent }),
                ];
                if was_recorded != allow {
                    effects.extend(self.next_plan());
                }
                Ok(effects)
            }
        }
    }

    /// `who` asks to stop the recording, or to withdraw the question.
    pub(super) fn stop(&mut self, who: &Person, now: Timestamp) -> Result<Vec<Effect>, RecordingRefusal> {
        let asker = match &self.state {
            State::Idle => return Err(RecordingRefusal::NothingToStop),
            State::Asking { asker, .. } | State::Recording { asker, .. } => asker,
        };
        let started_it = asker.id == who.id || (asker.identity.is_some() && asker.identity == who.identity);
        let administers = !who.guest && who.role.is_some_and(|r| r >= Role::Admin);
        if !started_it && !administers {
            return Err(RecordingRefusal::MayNotStop);
        }
        let by = consent_record(who, true, now);
        Ok(self.finish(now, Some(by), StopReason::Stopped))
    }

    /// A new participant joined the call (not a reconnect to their own seat): asked, if there
    /// is a question or a recording.
    pub(super) fn joined(&mut self, person: Person) -> Vec<Effect> {
        match &mut self.state {
            State::Idle => Vec::new(),
            State::Asking { seats, .. } | State::Recording { seats, .. } => {
                seats.insert(Seat { person, answer: Answer::Pending });
                vec![Effect::Changed]
            }
        }
    }

    /// Participant `id` left the call: their answer goes with them (the audit trail keeps it).
    /// The asker leaving withdraws an unanswered question; a running recording goes on.
    pub(super) fn left(&mut self, id: ParticipantId, now: Timestamp) -> Vec<Effect> {
        match &mut self.state {
            State::Idle => Vec::new(),
            State::Asking { asker, .. } if asker.id == id => {
                self.end_request(now);
                vec![Effect::Changed]
            }
            State::Asking { seats, .. } => {
                if seats.remove(&id).is_none() {
                    return Vec::new();
                }
                let mut effects = vec![Effect::Changed];
                effects.extend(self.start_if_agreed(now));
                effects
            }
            State::Recording { seats, .. } => match seats.remove(&id) {
                None => Vec::new(),
                Some(seat) if matches!(seat.answer, Answer::Allowed(_)) => {
                    let mut effects = vec![Effect::Changed];
                    effects.extend(self.next_plan());
                    effects
                }
                Some(_) => vec![Effect::Changed],
            },
        }
    }

    /// Time passed: an unanswered question ends at its deadline.
    pub(super) fn expire(&mut self, now: Timestamp) -> Vec<Effect> {
        let State::Asking { asker, asked_at, seats, .. } = &self.state else { return Vec::new() };
        if now.since(*asked_at) < CONSENT_TIMEOUT {
            return Vec::new();
        }
        let waiting = seats.values().filter(|s| s.answer == Answer::Pending).map(|s| s.person.id).collect();
        let asker = asker.id;
        self.end_request(now);
        vec![Effect::Changed, Effect::TellAsker(asker, RecordingRequestEnd::TimedOut { waiting })]
    }

    /// Nobody is left in the call.
    pub(super) fn call_ended(&mut self, now: Timestamp) -> Vec<Effect> {
        self.finish(now, None, StopReason::CallEnded)
    }

    /// The media node could not record (none could be had, or it refused the plan).
    pub(super) fn node_unavailable(&mut self, reason: &str, now: Timestamp) -> Vec<Effect> {
        let asker = match &self.state {
            State::Recording { asker, .. } => asker.id,
            _ => return Vec::new(),
        };
        let mut effects = self.finish(now, None, StopReason::NodeUnavailable);
        let end = RecordingRequestEnd::NodeUnavailable { reason: reason.to_owned() };
        effects.push(Effect::TellAsker(asker, end));
        effects
    }

    /// Starts recording once nobody present is left to answer.
    fn start_if_agreed(&mut self, now: Timestamp) -> Vec<Effect> {
        let State::Asking { asker, asked_at, seats } = &self.state else { return Vec::new() };
        if seats.values().any(|s| !matches!(s.answer, Answer::Allowed(_))) {
            return Vec::new();
        }
        let started_by = consent_record(asker, true, *asked_at);
        let event = RecordingEvent::Started {
            started_at: now,
            started_by,
            asked_at: *asked_at,
            consents: seats.values().filter_map(Seat::record).collect(),
        };
        self.state =
            State::Recording { asker: asker.clone(), started_at: now, seats: seats.clone(), revision: 0 };
        let mut effects = vec![Effect::Changed, Effect::Log(event), Effect::NeedsNode];
        effects.extend(self.next_plan());
        effects
    }

    /// A question ends without a recording.
    fn end_request(&mut self, now: Timestamp) {
        self.state = State::Idle;
        self.last_refused_at = Some(now);
    }

    /// Ends a question or a recording.
    fn finish(&mut self, now: Timestamp, by: Option<ConsentRecord>, reason: StopReason) -> Vec<Effect> {
        match std::mem::take(&mut self.state) {
            State::Idle => Vec::new(),
            State::Asking { .. } => {
                // A withdrawn question counts as one that ended: no new one for a while.
                self.last_refused_at = Some(now);
                vec![Effect::Changed]
            }
            State::Recording { started_at, revision, .. } => {
                let stop = RecordingPlan {
                    started_at,
                    revision: revision + 1,
                    participants: Vec::new(),
                    stopped: true,
                    part: 0,
                };
                vec![
                    Effect::Changed,
                    Effect::Log(RecordingEvent::Stopped { started_at, at: now, by, reason }),
                    Effect::Plan(stop),
                ]
            }
        }
    }
}

fn role_phrase(role: Role) -> &'static str {
    match role {
        Role::Member => "members",
        Role::Admin => "admins and owners",
        Role::Owner => "owners",
    }
}
