//! Calls between a deployment's own parts — a rooms' host delivering call history to the API,
//! the API telling a room that access changed — carry the deployment's internal secret as a
//! bearer token. Nobody else may make them, and a deployment without a secret takes none.

/// Whether two secrets are equal, compared without an early exit that would tell how much of a
/// guess was right (only the length may show).
pub fn secrets_equal(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

/// Whether an `Authorization` header (`Bearer <secret>`) carries the `trusted` internal secret.
pub fn is_internal_caller(authorization: Option<&str>, trusted: Option<&str>) -> bool {
    let presented = authorization.and_then(super::bearer);
    matches!((presented, trusted), (Some(p), Some(t)) if !t.is_empty() && secrets_equal(p.as_bytes(), t.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_deployments_secret_passes() {
        assert!(is_internal_caller(Some("Bearer s3cret-value"), Some("s3cret-value")));
        assert!(!is_internal_caller(Some("Bearer s3cret-valuf"), Some("s3cret-value")));
        assert!(!is_internal_caller(Some("Bearer s3cret"), Some("s3cret-value")));
        assert!(!is_internal_caller(Some("s3cret-value"), Some("s3cret-value")), "a bearer token");
        assert!(!is_internal_caller(None, Some("s3cret-value")));
        assert!(!is_internal_caller(Some("Bearer "), Some("")), "an empty secret opens nothing");
        assert!(!is_internal_caller(Some("Bearer anything"), None), "no secret: nobody");
        assert!(secrets_equal(b"abc", b"abc") && !secrets_equal(b"abc", b"abd"));
    }
}
