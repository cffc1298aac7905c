//! TLS for a listener: a certificate chain and its private key (PEM files, as a certificate
//! authority or an origin-certificate service hands them out) served with rustls on aws-lc-rs,
//! TLS 1.2 and 1.3. The handshake must finish within the listener's header time limit, so a
//! client that opens a connection and never completes it costs no more than a silent HTTP one.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// Why a certificate and key cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificate chain could not be read or parsed.
    #[error("cannot read the certificate chain from {what}: {why}")]
    Certificates {
        /// The file (or "the given PEM").
        what: String,
        /// What went wrong.
        why: String,
    },
    /// The PEM holds no certificate.
    #[error("{what} holds no certificate")]
    NoCertificate {
        /// The file (or "the given PEM").
        what: String,
    },
    /// The private key could not be read or parsed.
    #[error("cannot read the private key from {what}: {why}")]
    Key {
        /// The file (or "the given PEM").
        what: String,
        /// What went wrong.
        why: String,
    },
    /// A self-signed certificate could not be made.
    #[error("cannot make a self-signed certificate: {0}")]
    SelfSigned(String),
    /// The certificate and the key do not fit together (or are not usable).
    #[error("the certificate and the key cannot be served: {0}")]
    Config(#[from] rustls::Error),
}

/// A server certificate and key, ready to accept TLS connections.
#[derive(Clone)]
pub struct Tls {
    acceptor: TlsAcceptor,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tls(..)")
    }
}

impl Tls {
    /// The chain in `certificates` (the server's certificate first) and the key in `key`, both
    /// PEM files.
    pub fn from_pem_files(certificates: &Path, key: &Path) -> Result<Self, TlsError> {
        let name = |path: &Path| path.display().to_string();
        let chain = CertificateDer::pem_file_iter(certificates)
            .and_then(|items| items.collect::<Result<Vec<_>, _>>())
            .map_err(|e| TlsError::Certificates { what: name(certificates), why: e.to_string() })?;
        let key = PrivateKeyDer::from_pem_file(key)
            .map_err(|e| TlsError::Key { what: name(key), why: e.to_string() })?;
        Self::new(chain, key, &name(certificates))
    }

    /// The chain and key from PEM text.
    pub fn from_pem(certificates: &[u8], key: &[u8]) -> Result<Self, TlsError> {
        let what = || "the given PEM".to_owned();
        let chain = CertificateDer::pem_slice_iter(certificates)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TlsError::Certificates { what: what(), why: e.to_string() })?;
        let key = PrivateKeyDer::from_pem_slice(key)
            .map_err(|e| TlsError::Key { what: what(), why: e.to_string() })?;
        Self::new(chain, key, &what())
    }

    /// A fresh self-signed certificate for `names` (DNS names or IP addresses) and its key,
    /// which never leaves this process; with the certificate (DER), for whoever pins it.
    pub fn self_signed(names: Vec<String>) -> Result<(Self, Vec<u8>), TlsError> {
        let made =
            rcgen::generate_simple_self_signed(names).map_err(|e| TlsError::SelfSigned(e.to_string()))?;
        let der = made.cert.der().to_vec();
        let key = PrivateKeyDer::try_from(made.signing_key.serialize_der())
            .map_err(|e| TlsError::SelfSigned(e.to_owned()))?;
        let tls = Self::new(vec![made.cert.der().clone()], key, "the self-signed certificate")?;
        Ok((tls, der))
    }

    fn new(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        what: &str,
    ) -> Result<Self, TlsError> {
        if chain.is_empty() {
            return Err(TlsError::NoCertificate { what: what.to_owned() });
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        // HTTP/1.1 only: what the listener speaks (WebSockets upgrade over it).
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self { acceptor: TlsAcceptor::from(Arc::new(config)) })
    }

    pub(crate) fn acceptor(&self) -> &TlsAcceptor {
        &self.acceptor
    }
}
