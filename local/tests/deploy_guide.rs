//! docs/deploy.md's commands, run where they can be without an AWS or Cloudflare account: the
//! secrets it makes are accepted by the API and the media node as they are stored (and the
//! node trusts what the Worker signs). cdk/test/deploy-guide.test.ts checks the rest (names,
//! settings, outputs, wrangler vars); `cargo xtask test` runs the guide's build
//! (`cargo xtask aws-build`, with its check profile).

use peershare_functions::session::SigningKey;
use peershare_media_node::token::MediaTokenKeys;
use std::process::Command;

fn guide() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/deploy.md");
    std::fs::read_to_string(path).expect("docs/deploy.md is readable")
}

/// The guide's `sh` blocks, in order.
fn shell_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "```sh" {
            let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            blocks.push(block.join("\n"));
        }
    }
    blocks
}

#[test]
fn the_guides_secrets_are_accepted_by_the_api_and_the_media_node() {
    let blocks = shell_blocks(&guide());
    let make = blocks
        .iter()
        .find(|b| b.contains("session_key=$(openssl"))
        .expect("the block that makes the secrets");
    let script = format!(
        "set -eu\n{make}\nprintf '%s\\n' \"$session_key\" \"$media_key\" \"$media_public_key\" \"$internal_secret\" \"$fleet_secret\" \"$turn_secret\"\n"
    );
    let out = Command::new("sh").arg("-c").arg(&script).output().expect("sh runs");
    assert!(out.status.success(), "the guide's commands fail:\n{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("plain text");
    let values: Vec<&str> = text.lines().collect();
    let [session_key, media_key, media_public_key, secrets @ ..] = values.as_slice() else {
        panic!("six values, got {values:?}")
    };
    assert_eq!(secrets.len(), 3);

    let session = SigningKey::from_base64("k1", session_key).expect("the API loads the session key");
    assert_eq!(session.public_jwk().x.len(), 43, "an Ed25519 public key");
    let media = MediaTokenKeys::from_private_key_base64(media_key).expect("the Worker's media key loads");
    assert_eq!(
        &media.public_key(),
        media_public_key,
        "the node is given the public half of the Worker's key"
    );
    peershare_media_node::token::TokenVerifier::new(media_public_key, "i-0123456789abcdef0")
        .expect("the node accepts the public key as the parameter holds it");
    for secret in secrets {
        assert_eq!(secret.len(), 64, "32 random bytes as hex");
        assert!(
            secret.bytes().all(|c| c.is_ascii_hexdigit()),
            "plain characters, as the nodes' setup requires"
        );
    }
    assert_ne!(secrets[0], secrets[1]);
}

#[test]
fn every_secret_the_guide_stores_for_the_api_is_one_the_api_reads() {
    let text = guide();
    let stored: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("put \"/peershare/$STAGE/api/"))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(stored.len() >= 3, "the guide stores the API's secrets: {stored:?}");
    for name in &stored {
        assert!(peershare_functions::lambda::SECRET_NAMES.contains(name), "the API does not read {name}");
    }
    for required in ["signing-key", "internal-secret", "fleet-secret"] {
        assert!(stored.contains(&required), "the guide stores {required}");
    }
}
