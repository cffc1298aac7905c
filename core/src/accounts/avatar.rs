//! Where an avatar picture may come from: the sign-in providers' image hosts, over https.
//! Every member who sees a profile loads its picture, so an arbitrary address would let one
//! member make every other member's browser fetch any URL (addresses inside their network
//! included) and tell that host who looked. The pages' Content-Security-Policy allows the
//! same hosts and no others ([`crate::web_headers`]).

use super::MAX_AVATAR_URL_LEN;

/// The hosts avatars may come from, as the `img-src` sources of a Content-Security-Policy:
/// Google's profile pictures and GitHub's avatars (Microsoft sends no picture address).
pub const AVATAR_HOSTS_CSP: &str = "https://*.googleusercontent.com https://avatars.githubusercontent.com";

/// What an avatar address must be, in words (for error messages).
pub const AVATAR_RULE: &str = "a picture from your Google or GitHub account (an https address on \
     googleusercontent.com or avatars.githubusercontent.com)";

/// Whether `url` is an allowed avatar: `https`, on one of the allowed hosts, no user info or
/// port, at most [`MAX_AVATAR_URL_LEN`] bytes, nothing that could break out of an attribute.
pub fn is_allowed_avatar(url: &str) -> bool {
    if url.len() > MAX_AVATAR_URL_LEN
        || url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
    {
        return false;
    }
    let Some(rest) = url.strip_prefix("https://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default().to_ascii_lowercase();
    let well_formed = !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !host.starts_with('.')
        && !host.contains("..");
    well_formed
        && (host == "avatars.githubusercontent.com"
            || host.strip_suffix(".googleusercontent.com").is_some_and(|sub| !sub.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_pictures_are_allowed() {
        for url in [
            "https://avatars.githubusercontent.com/u/583231?v=4",
            "https://lh3.googleusercontent.com/a/ACg8ocK=s96-c",
            "https://LH3.GoogleUserContent.com/a/x",
        ] {
            assert!(is_allowed_avatar(url), "{url}");
        }
    }

    #[test]
    fn any_other_address_is_refused() {
        for url in [
            "http://avatars.githubusercontent.com/u/1",
            "https://img.example/a.png",
            "https://169.254.169.254/latest/meta-data",
            "https://localhost/a.png",
            "https://googleusercontent.com.evil.example/a.png",
            "https://evilgoogleusercontent.com/a.png",
            "https://.googleusercontent.com/a.png",
            "https://avatars.githubusercontent.com@evil.example/a.png",
            "https://avatars.githubusercontent.com:8443/a.png",
            "https://avatars.githubusercontent.com/a b.png",
            "https://avatars.githubusercontent.com/\"onerror=",
            "javascript:alert(1)",
            "",
        ] {
            assert!(!is_allowed_avatar(url), "{url}");
        }
        let long = format!("https://avatars.githubusercontent.com/{}", "a".repeat(MAX_AVATAR_URL_LEN));
        assert!(!is_allowed_avatar(&long));
    }
}
