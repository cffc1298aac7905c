//! The listener over TLS against real clients over loopback: HTTPS with a certificate the client
//! trusts, a plain-HTTP client and one that never finishes its handshake are cut off, and
//! certificates and keys that cannot be served are refused with a typed error.

use axum::Router;
use axum::routing::get;
use peershare_listener::{Limits, Tls, TlsError, serve_with};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const LIMITS: Limits = Limits {
    headers: Duration::from_millis(800),
    body: Duration::from_millis(800),
    answer: Duration::from_secs(5),
    connections_per_address: 8,
};

/// Generous: the machine may be busy.
const DEADLINE: Duration = Duration::from_secs(20);

/// A self-signed certificate for `node.test` and its key, as PEM.
fn certificate() -> (String, String) {
    let issued = rcgen::generate_simple_self_signed(vec!["node.test".to_owned()]).expect("a certificate");
    (issued.cert.pem(), issued.signing_key.serialize_pem())
}

/// A server over TLS with a fresh certificate: its address and the certificate's PEM.
async fn server() -> (SocketAddr, String) {
    let (cert, key) = certificate();
    let tls = Tls::from_pem(cert.as_bytes(), key.as_bytes()).expect("served");
    let app = Router::new().route("/", get(|| async { "hello" }));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(serve_with(listener, app, LIMITS, Some(tls), std::future::pending()));
    (addr, cert)
}

fn client(certificate_pem: &str) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    let trusted = CertificateDer::from_pem_slice(certificate_pem.as_bytes()).expect("the certificate");
    roots.add(trusted).expect("trusted");
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

#[tokio::test]
async fn an_https_client_that_trusts_the_certificate_is_served() {
    let (addr, cert) = server().await;
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let name = ServerName::try_from("node.test").expect("a name");
    let mut tls = tokio::time::timeout(DEADLINE, client(&cert).connect(name, tcp))
        .await
        .expect("in time")
        .expect("handshake");
    tls.write_all(b"GET / HTTP/1.1\r\nhost: node.test\r\nconnection: close\r\n\r\n").await.expect("request");
    let mut answer = String::new();
    tokio::time::timeout(DEADLINE, tls.read_to_string(&mut answer)).await.expect("in time").expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("hello"), "{answer}");
}

#[tokio::test]
async fn a_client_trusting_another_name_or_speaking_plain_http_gets_nothing() {
    let (addr, cert) = server().await;
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let other = ServerName::try_from("other.test").expect("a name");
    let refused = tokio::time::timeout(DEADLINE, client(&cert).connect(other, tcp)).await.expect("in time");
    assert!(refused.is_err(), "a certificate for node.test does not pass for other.test");

    let mut plain = TcpStream::connect(addr).await.expect("connect");
    plain.write_all(b"GET / HTTP/1.1\r\nhost: node.test\r\n\r\n").await.expect("request");
    let mut received = Vec::new();
    let _ = tokio::time::timeout(DEADLINE, plain.read_to_end(&mut received)).await.expect("closed in time");
    assert!(!String::from_utf8_lossy(&received).contains("hello"), "plain HTTP is not served");
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_handshake_is_closed_after_the_header_limit() {
    let (addr, _) = server().await;
    let mut silent = TcpStream::connect(addr).await.expect("connect");
    let started = Instant::now();
    let mut received = Vec::new();
    let read = tokio::time::timeout(DEADLINE, silent.read_to_end(&mut received)).await;
    assert!(read.is_ok(), "the server never closed a connection that sent nothing");
    assert!(started.elapsed() >= LIMITS.headers, "closed before the limit: {:?}", started.elapsed());
}

#[test]
fn certificates_and_keys_that_cannot_be_served_are_refused_by_name() {
    let (cert, key) = certificate();
    let (other_cert, _) = certificate();
    /// A chain, a key, and the error they must give.
    type Case<'a> = (&'a [u8], &'a [u8], fn(&TlsError) -> bool);
    let cases: [Case<'_>; 4] = [
        (b"", key.as_bytes(), |e| matches!(e, TlsError::NoCertificate { .. })),
        (cert.as_bytes(), b"not a key", |e| matches!(e, TlsError::Key { .. })),
        (b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n", key.as_bytes(), |e| {
            matches!(e, TlsError::Certificates { .. })
        }),
        (other_cert.as_bytes(), key.as_bytes(), |e| matches!(e, TlsError::Config(_))),
    ];
    for (chain, key, expected) in cases {
        let error = Tls::from_pem(chain, key).expect_err("refused");
        assert!(expected(&error), "{error}");
    }
    let missing = Tls::from_pem_files("/nonexistent/cert.pem".as_ref(), "/nonexistent/key.pem".as_ref())
        .expect_err("refused");
    assert!(missing.to_string().contains("/nonexistent/cert.pem"), "{missing}");
}
