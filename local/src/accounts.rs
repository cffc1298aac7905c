//! The API's state for `peershare dev`: the SQLite store and the session signing key, both in
//! the data directory so accounts and sign-ins survive restarts.

use crate::config::DevConfig;
use peershare_functions::api::{ApiSettings, ApiState};
use peershare_functions::clock::SystemClock;
use peershare_functions::oauth::OAuthClients;
use peershare_functions::rooms::CallRooms;
use peershare_functions::session::{KeyError, SessionTokens, SigningKey, random_id};
use peershare_functions::store::Store;
use peershare_functions::store::sqlite::{OpenError, SqliteStore};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// File name of the SQLite database in the data directory.
pub const DATABASE_FILE: &str = "peershare.db";

/// File name of the session signing key (key id on the first line, base64 PKCS#8 on the second).
const KEY_FILE: &str = "session-signing-key";

/// Why the accounts part could not start.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// The data directory or key file could not be made or read.
    #[error("data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    /// The stored key is not valid.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The OAuth clients could not be made.
    #[error(transparent)]
    OAuth(#[from] peershare_functions::oauth::OAuthError),
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] OpenError),
}

/// Opens the SQLite store in the configured data directory.
pub fn open_store(config: &DevConfig) -> Result<Arc<dyn Store>, AccountsError> {
    let dir = config.data_dir();
    std::fs::create_dir_all(&dir).map_err(|e| AccountsError::DataDir(dir.clone(), e))?;
    Ok(Arc::new(SqliteStore::open(&dir.join(DATABASE_FILE))?))
}

/// The API over `store`, with the signing key of the configured data directory; `bound` is the
/// address the server listens on (the default public URL), `rooms` where access changes go.
pub fn open(
    config: &DevConfig,
    bound: std::net::SocketAddr,
    store: Arc<dyn Store>,
    rooms: Arc<dyn CallRooms>,
) -> Result<ApiState, AccountsError> {
    let key = signing_key(&config.data_dir())?;
    Ok(ApiState {
        store,
        tokens: Arc::new(SessionTokens::new(&key, &[])?),
        clock: Arc::new(SystemClock),
        settings: Arc::new(ApiSettings {
            secure_cookies: config.secure_cookies(bound),
            dev_sign_in: config.dev_sign_in_allowed(),
            public_url: config.public_url(bound),
            internal_secret: config.internal_secret.clone(),
        }),
        oauth: Arc::new(OAuthClients::new(config.oauth.providers())?),
        rooms,
        recordings: None,
        fleet: None,
    })
}

/// File (in the data folder) of the secret that signs recordings' download links.
const LINK_SECRET_FILE: &str = "recording-links.key";

/// Characters of that secret (from a 31-letter alphabet: over 200 bits).
const LINK_SECRET_CHARS: usize = 43;

/// The secret that signs recordings' download links, made on first start and kept (so links
/// survive a restart until they expire).
pub fn link_secret(dir: &Path) -> Result<Vec<u8>, AccountsError> {
    let path = dir.join(LINK_SECRET_FILE);
    let io = |e| AccountsError::DataDir(path.clone(), e);
    match std::fs::read_to_string(&path) {
        // A secret too short to be one (a file cut short by a crash) is made again.
        Ok(text) if text.trim().len() >= LINK_SECRET_CHARS => Ok(text.trim().as_bytes().to_vec()),
        Ok(_) => {
            std::fs::remove_file(&path).map_err(io)?;
            link_secret(dir)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let secret = random_id("", LINK_SECRET_CHARS);
            // Written beside and renamed into place: never a half-written secret.
            let temp = dir.join(format!("{LINK_SECRET_FILE}.new"));
            let _ = std::fs::remove_file(&temp);
            write_private(&temp, &secret).map_err(io)?;
            std::fs::rename(&temp, &path).map_err(io)?;
            Ok(secret.into_bytes())
        }
        Err(e) => Err(io(e)),
    }
}

/// The key in `dir`, made on first start.
fn signing_key(dir: &Path) -> Result<SigningKey, AccountsError> {
    let path = dir.join(KEY_FILE);
    let io = |e| AccountsError::DataDir(path.clone(), e);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let mut lines = text.lines();
            let (kid, key) = (lines.next().unwrap_or_default(), lines.next().unwrap_or_default());
            Ok(SigningKey::from_base64(kid, key)?)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SigningKey::generate(&random_id("dev-", 8))?;
            write_private(&path, &format!("{}\n{}\n", key.kid(), key.to_base64())).map_err(io)?;
            Ok(key)
        }
        Err(e) => Err(io(e)),
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(text.as_bytes())
}
