//! An in-memory destination for a muxer, drained by whoever ships the bytes.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// Bytes a muxer wrote and nobody has taken yet. Clones share the buffer.
#[derive(Debug, Clone, Default)]
pub(super) struct SharedSink(Arc<Mutex<Vec<u8>>>);

impl SharedSink {
    /// Takes every byte written so far.
    pub(super) fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// How many bytes wait to be taken.
    pub(super) fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

impl Write for SharedSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
