//! The node's control API over TLS (`--tls-cert`, `--tls-key`): the real binary answers HTTPS
//! with the given certificate, says so in its ready line, and refuses to start on a certificate
//! and key that do not fit together.

use peershare_media_node::token::MediaTokenKeys;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// Generous: the machine may be busy.
const DEADLINE: Duration = Duration::from_secs(60);

struct Files(PathBuf);

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A certificate for 127.0.0.1 and `node.test`, and its key, written to a folder of their own.
fn certificate(tag: &str) -> (Files, String) {
    let dir = std::env::temp_dir().join(format!("peershare-node-tls-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let issued = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "node.test".to_owned()])
        .expect("a certificate");
    std::fs::write(dir.join("cert.pem"), issued.cert.pem()).expect("write the certificate");
    std::fs::write(dir.join("key.pem"), issued.signing_key.serialize_pem()).expect("write the key");
    (Files(dir), issued.cert.pem())
}

fn node(cert: &Path, key: &Path) -> tokio::process::Child {
    let keys = MediaTokenKeys::generate().expect("keys");
    tokio::process::Command::new(env!("CARGO_BIN_EXE_peershare-media-node"))
        .args(["--udp", "127.0.0.1:0", "--http", "127.0.0.1:0", "--ops-listen", "127.0.0.1:0"])
        .args(["--node-id", "tls-node"])
        .arg(format!("--public-key={}", keys.public_key()))
        .arg("--tls-cert")
        .arg(cert)
        .arg("--tls-key")
        .arg(key)
        .arg("--recordings-dir")
        .arg(std::env::temp_dir().join(format!("peershare-tls-node-{}", std::process::id())))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the node starts")
}

#[tokio::test]
async fn the_control_api_answers_https_with_the_given_certificate() {
    let (files, cert_pem) = certificate("ok");
    let mut node = node(&files.0.join("cert.pem"), &files.0.join("key.pem"));
    let mut lines = BufReader::new(node.stdout.take().expect("stdout")).lines();
    let ready =
        tokio::time::timeout(DEADLINE, lines.next_line()).await.expect("ready in time").expect("reads");
    let ready = ready.expect("a ready line");
    let address = ready
        .split_once("HTTP https://")
        .and_then(|(_, rest)| rest.split('/').next())
        .unwrap_or_else(|| panic!("the ready line names an https control API: {ready}"))
        .to_owned();

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(cert_pem.as_bytes()).expect("the certificate"))
        .expect("trusted");
    let config =
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(&address).await.expect("connect");
    let name = ServerName::try_from("node.test").expect("a name");
    let mut tls =
        tokio::time::timeout(DEADLINE, tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp))
            .await
            .expect("in time")
            .expect("the handshake with the given certificate");
    tls.write_all(b"GET /no-such-route HTTP/1.1\r\nhost: node.test\r\nconnection: close\r\n\r\n")
        .await
        .expect("send");
    let mut answer = String::new();
    tokio::time::timeout(DEADLINE, tls.read_to_string(&mut answer)).await.expect("in time").expect("answer");
    assert!(answer.starts_with("HTTP/1.1 404"), "the control API answers over TLS: {answer}");

    // Plain HTTP on the same port is not served.
    let mut plain = tokio::net::TcpStream::connect(&address).await.expect("connect");
    plain.write_all(b"GET /no-such-route HTTP/1.1\r\nhost: node.test\r\n\r\n").await.expect("send");
    let mut received = Vec::new();
    let _ = tokio::time::timeout(DEADLINE, plain.read_to_end(&mut received)).await.expect("closed in time");
    assert!(!String::from_utf8_lossy(&received).contains("HTTP/1.1 404"), "plain HTTP gets no answer");
}

#[tokio::test]
async fn a_certificate_and_a_key_that_do_not_fit_stop_the_start_by_name() {
    let (files, _) = certificate("mismatch");
    let (other, _) = certificate("other");
    let mut node = node(&files.0.join("cert.pem"), &other.0.join("key.pem"));
    let status = tokio::time::timeout(DEADLINE, node.wait()).await.expect("exits in time").expect("waits");
    assert!(!status.success(), "the node does not start");
    let mut stderr = String::new();
    node.stderr.take().expect("stderr").read_to_string(&mut stderr).await.expect("reads");
    assert!(stderr.contains("cannot serve the control API over TLS"), "{stderr}");
}
