//! Random secrets and ids, and the hashes the store keeps instead of secrets.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use sha2::{Digest, Sha256};

/// Characters of generated ids: lowercase letters and digits without look-alikes.
const ID_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A fresh secret token: 32 random bytes, base64url (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh id like `g_k3mz…` with `chars` random characters (about 4.95 bits each).
pub fn random_id(prefix: &str, chars: usize) -> String {
    let mut rng = rand::rng();
    let mut id = String::with_capacity(prefix.len() + chars);
    id.push_str(prefix);
    for _ in 0..chars {
        id.push(char::from(ID_ALPHABET[rng.random_range(0..ID_ALPHABET.len())]));
    }
    id
}

/// SHA-256 of a secret token, as stored.
pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_ids_are_random_and_well_formed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        let id = random_id("p_", 16);
        assert!(id.starts_with("p_") && id.len() == 18);
        assert!(id[2..].bytes().all(|c| ID_ALPHABET.contains(&c)));
        assert_eq!(hash_token("x"), hash_token("x"));
        assert_ne!(hash_token("x"), hash_token("y"));
    }
}
