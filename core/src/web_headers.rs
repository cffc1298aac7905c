//! The response headers every host sends with the web client (`peershare dev` and the Worker):
//! what the page may load and who may frame it. One rule, so the hosts cannot drift apart.

/// The Content-Security-Policy of the web client's pages: its own scripts, styles and API; the
/// control APIs of the media nodes it joins (`media_origins`, e.g. `https://node-1.example.com`;
/// none when the node is served from the page's own origin, as in `peershare dev`); avatars
/// from the sign-in providers' image hosts ([`crate::accounts::AVATAR_HOSTS_CSP`]); nothing
/// framed, and framed by nobody.
pub fn content_security_policy(media_origins: &[String]) -> String {
    let mut connect = String::from("'self'");
    for origin in media_origins {
        connect.push(' ');
        connect.push_str(origin);
    }
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: {avatars}; \
         media-src 'self' blob:; connect-src {connect}; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
        avatars = crate::accounts::AVATAR_HOSTS_CSP,
    )
}

/// The origin (`scheme://host[:port]`) of a media node's URL, for [`content_security_policy`];
/// `None` when it is not an `http(s)` URL.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let valid = !authority.is_empty()
        && !authority.contains('@')
        && authority.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    valid.then(|| format!("{scheme}://{authority}"))
}

/// A media fleet's origins as a policy source (`https://*.nodes.example.com`,
/// `http://127.0.0.1:*`, `http://*:8090`): an http(s) scheme, a host that may start with `*.`
/// (or be `*` alone with a numbered port: nodes reached by address, as a cloud fleet's are), and
/// a port that may be `*`; nothing else (no path, no quotes, no spaces), so an operator's
/// setting cannot add a directive. `None` when it is not of that form.
pub fn fleet_origin_source(text: &str) -> Option<String> {
    let (scheme, rest) = text.trim().split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port))
            if port == "*" || (!port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())) =>
        {
            (host, Some(port))
        }
        Some(_) => return None,
        None => (rest, None),
    };
    let any_host_on_a_port = host == "*" && port.is_some_and(|p| p != "*");
    let name = host.strip_prefix("*.").unwrap_or(host);
    let labels_ok = any_host_on_a_port
        || !name.is_empty()
            && name.split('.').all(|label| {
                !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
    labels_ok.then(|| match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    })
}

/// Every header of a page but the policy: names lower-case.
pub const OTHER_PAGE_HEADERS: [(&str, &str); 4] = [
    // Older browsers that ignore frame-ancestors.
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    // Invite and call links carry codes in their paths: never hand them to another site.
    ("referrer-policy", "no-referrer"),
    (
        "permissions-policy",
        "camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=()",
    ),
];

/// All of a page's headers, for a host whose media nodes are at `media_origins`.
pub fn page_headers(media_origins: &[String]) -> Vec<(&'static str, String)> {
    let mut headers = vec![("content-security-policy", content_security_policy(media_origins))];
    headers.extend(OTHER_PAGE_HEADERS.iter().map(|(name, value)| (*name, (*value).to_owned())));
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_load_only_their_own_code_and_nobody_frames_them() {
        let csp = content_security_policy(&[]);
        for directive in
            ["script-src 'self';", "object-src 'none';", "frame-ancestors 'none'", "connect-src 'self';"]
        {
            assert!(csp.contains(directive), "{directive} in {csp}");
        }
        assert!(csp.contains(crate::accounts::AVATAR_HOSTS_CSP), "avatars from the providers' hosts");
        let names: Vec<_> = page_headers(&[]).into_iter().map(|(name, _)| name).collect();
        assert_eq!(
            names,
            [
                "content-security-policy",
                "x-frame-options",
                "x-content-type-options",
                "referrer-policy",
                "permissions-policy"
            ]
        );
    }

    #[test]
    fn a_fleets_origins_may_use_wildcards_and_nothing_more() {
        let good = [
            ("https://*.nodes.example.com", "https://*.nodes.example.com"),
            ("http://127.0.0.1:*", "http://127.0.0.1:*"),
            ("https://node.example.com:8443/", "https://node.example.com:8443"),
            ("http://*:8090", "http://*:8090"),
        ];
        for (text, source) in good {
            assert_eq!(fleet_origin_source(text).as_deref(), Some(source), "{text}");
        }
        for bad in [
            "*",
            "https://*",
            "http://*:*",
            "http://*.:8090",
            "https://a.*.example.com",
            "https://x.example.com/path",
            "https://x.example.com; script-src *",
            "https://x.example.com:80a",
            "ftp://x.example.com",
            "'unsafe-inline'",
            "https://user@x.example.com",
            "https://x..example.com",
        ] {
            assert_eq!(fleet_origin_source(bad), None, "{bad}");
        }
    }

    #[test]
    fn media_nodes_on_other_origins_may_be_reached() {
        let origins: Vec<String> = ["https://node-1.example.com:8443/v1", "http://127.0.0.1:8090/"]
            .iter()
            .filter_map(|u| origin_of(u))
            .collect();
        assert_eq!(origins, ["https://node-1.example.com:8443", "http://127.0.0.1:8090"]);
        let csp = content_security_policy(&origins);
        assert!(
            csp.contains("connect-src 'self' https://node-1.example.com:8443 http://127.0.0.1:8090;"),
            "{csp}"
        );
        for bad in
            ["javascript:alert(1)", "https://a b/", "https://x; script-src *", "ftp://x", "https://user@x/"]
        {
            assert_eq!(origin_of(bad), None, "{bad}");
        }
    }
}
