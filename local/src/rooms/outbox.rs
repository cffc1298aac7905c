//! One connection's queue of frames on their way to its socket, bounded in bytes by core's
//! [`MAX_OUTBOX_BYTES`]: a reader that stops reading costs the server at most that much, and
//! is then cut off (`slow_consumer`) instead of holding a growing backlog.

use peershare_core::protocol::MAX_OUTBOX_BYTES;
use peershare_core::room::CloseFrame;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Notify, mpsc};

/// A frame for one connection's writer.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// A JSON text frame (shared between broadcast recipients).
    Text(Arc<str>),
    /// Close the socket with this frame.
    Close(CloseFrame),
}

impl Outgoing {
    /// Bytes this frame holds while it waits (what it will cost on the wire).
    fn bytes(&self) -> usize {
        match self {
            Outgoing::Text(text) => text.len(),
            Outgoing::Close(frame) => 2 + frame.reason.len(),
        }
    }
}

/// The room's end: queues frames.
#[derive(Debug, Clone)]
pub struct Outbox {
    frames: mpsc::UnboundedSender<Outgoing>,
    shared: Arc<Shared>,
}

/// The socket writer's end: takes frames, and learns when the queue overflowed.
#[derive(Debug)]
pub struct OutboxReader {
    frames: mpsc::UnboundedReceiver<Outgoing>,
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    queued_bytes: AtomicUsize,
    overflowed: Notify,
}

/// The frame did not fit: the connection has more than [`MAX_OUTBOX_BYTES`] waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the connection has more than {MAX_OUTBOX_BYTES} bytes waiting")]
pub struct Overflow;

/// A new, empty outbox.
pub fn outbox() -> (Outbox, OutboxReader) {
    let (tx, rx) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared::default());
    (Outbox { frames: tx, shared: shared.clone() }, OutboxReader { frames: rx, shared })
}

impl Outbox {
    /// Queues `frame`, unless that would put more than [`MAX_OUTBOX_BYTES`] in the queue: then
    /// the writer is told to give up on the connection, and the frame is dropped.
    pub fn push(&self, frame: Outgoing) -> Result<(), Overflow> {
        let bytes = frame.bytes();
        let queued = self.shared.queued_bytes.fetch_add(bytes, Ordering::AcqRel) + bytes;
        if queued > MAX_OUTBOX_BYTES {
            self.shared.queued_bytes.fetch_sub(bytes, Ordering::AcqRel);
            self.shared.overflowed.notify_one();
            return Err(Overflow);
        }
        // The writer is gone when the socket closed; the reader reports that to the room.
        if self.frames.send(frame).is_err() {
            self.shared.queued_bytes.fetch_sub(bytes, Ordering::AcqRel);
        }
        Ok(())
    }
}

impl OutboxReader {
    /// The next frame, once one is queued; `None` when the room let go of the outbox.
    pub async fn next(&mut self) -> Option<Outgoing> {
        let frame = self.frames.recv().await?;
        self.shared.queued_bytes.fetch_sub(frame.bytes(), Ordering::AcqRel);
        Some(frame)
    }

    /// A handle that resolves once a frame did not fit.
    pub fn overflow(&self) -> OverflowSignal {
        OverflowSignal(self.shared.clone())
    }
}

/// Resolves once the outbox overflowed (see [`OutboxReader::overflow`]).
#[derive(Debug, Clone)]
pub struct OverflowSignal(Arc<Shared>);

impl OverflowSignal {
    /// Waits until the outbox overflowed.
    pub async fn wait(&self) {
        self.0.overflowed.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: usize) -> Outgoing {
        Outgoing::Text("x".repeat(bytes).into())
    }

    #[tokio::test]
    async fn frames_fit_until_the_byte_budget_and_reading_makes_room_again() {
        let (outbox, mut reader) = outbox();
        let half = MAX_OUTBOX_BYTES / 2;
        assert_eq!(outbox.push(text(half)), Ok(()));
        assert_eq!(outbox.push(text(half)), Ok(()));
        assert_eq!(outbox.push(text(1)), Err(Overflow), "one byte over the budget");
        assert!(matches!(reader.next().await, Some(Outgoing::Text(t)) if t.len() == half));
        assert_eq!(outbox.push(text(half)), Ok(()), "the frame read freed its bytes");
    }

    #[tokio::test]
    async fn an_overflow_is_signalled_to_the_writer_even_if_it_was_not_waiting_yet() {
        let (outbox, reader) = outbox();
        assert_eq!(outbox.push(text(MAX_OUTBOX_BYTES + 1)), Err(Overflow));
        let signal = reader.overflow();
        tokio::time::timeout(std::time::Duration::from_secs(5), signal.wait())
            .await
            .expect("the overflow is remembered until the writer looks");
    }
}
