//! The time, as core counts it: milliseconds since the Unix epoch.

use peershare_core::Timestamp;

/// Now, from the Worker's clock.
pub fn now() -> Timestamp {
    Timestamp(js_sys::Date::now() as u64)
}
