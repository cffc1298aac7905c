-- When a refresh token was exchanged: presenting it again within moments is a race between
-- tabs (refused), later it is theft (the family is revoked). Tokens used before this column
-- existed count as used long ago.
ALTER TABLE refresh_tokens ADD COLUMN used_at INTEGER;
UPDATE refresh_tokens SET used_at = 0 WHERE used = 1;
