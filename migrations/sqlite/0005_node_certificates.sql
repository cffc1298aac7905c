-- A media node reached through the API's proxy registers the SHA-256 of its control API's
-- certificate (lowercase hex); the proxy speaks TLS only to a node presenting that certificate.
-- NULL for a node reached at its own URL.

ALTER TABLE media_nodes ADD COLUMN tls_sha256 TEXT CHECK (tls_sha256 IS NULL OR length(tls_sha256) = 64);
