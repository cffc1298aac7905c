//! Expiring download links for recordings where storage is a folder (`peershare dev`): the
//! link names the recording and when it expires, and carries an HMAC-SHA256 of both under a
//! secret only the server holds. A link is refused once expired, when altered in any part, and
//! when the recording is gone (the host checks that). In the cloud, S3's presigned URLs follow
//! the same rules.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long a download link works.
pub const LINK_TTL_SECS: u64 = 15 * 60;

/// Why a link is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Its time is up (HTTP 410): ask the group page for a fresh one.
    #[error("this download link has expired; open the group page for a new one")]
    Expired,
    /// Not signed by this server, or altered (HTTP 403).
    #[error("this download link is not valid")]
    Forged,
}

fn mac(secret: &[u8], recording: &str, expires: u64) -> Hmac<Sha256> {
    // Any key length is valid for HMAC.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(recording.as_bytes());
    mac.update(b"\n");
    mac.update(expires.to_string().as_bytes());
    mac
}

/// The signature of a link to `recording` that expires at `expires` (Unix seconds).
pub fn sign(secret: &[u8], recording: &str, expires: u64) -> String {
    URL_SAFE_NO_PAD.encode(mac(secret, recording, expires).finalize().into_bytes())
}

/// Whether a link to `recording` expiring at `expires` with `signature` is good at `now_secs`.
pub fn verify(
    secret: &[u8],
    recording: &str,
    expires: u64,
    signature: &str,
    now_secs: u64,
) -> Result<(), LinkError> {
    let bytes = URL_SAFE_NO_PAD.decode(signature).map_err(|_| LinkError::Forged)?;
    mac(secret, recording, expires).verify_slice(&bytes).map_err(|_| LinkError::Forged)?;
    if now_secs >= expires {
        return Err(LinkError::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_link_works_until_it_expires() {
        let sig = sign(SECRET, "r_g_a_1", 1_000);
        assert_eq!(verify(SECRET, "r_g_a_1", 1_000, &sig, 999), Ok(()));
        assert_eq!(verify(SECRET, "r_g_a_1", 1_000, &sig, 1_000), Err(LinkError::Expired));
    }

    #[test]
    fn an_altered_or_foreign_link_is_forged() {
        let sig = sign(SECRET, "r_g_a_1", 1_000);
        assert_eq!(verify(SECRET, "r_g_a_2", 1_000, &sig, 0), Err(LinkError::Forged), "another recording");
        assert_eq!(verify(SECRET, "r_g_a_1", 9_999, &sig, 0), Err(LinkError::Forged), "a later expiry");
        assert_eq!(verify(b"another secret", "r_g_a_1", 1_000, &sig, 0), Err(LinkError::Forged));
        assert_eq!(verify(SECRET, "r_g_a_1", 1_000, "not base64!", 0), Err(LinkError::Forged));
        let mut flipped = sig.clone().into_bytes();
        flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).expect("ascii");
        assert_eq!(verify(SECRET, "r_g_a_1", 1_000, &flipped, 0), Err(LinkError::Forged));
    }
}
