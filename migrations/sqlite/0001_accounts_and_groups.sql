-- Accounts, sessions, groups, invites and call history for the embedded store.
-- Times are milliseconds since the Unix epoch. Tokens are stored as SHA-256 hashes only.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    avatar_url    TEXT,
    preferences   TEXT NOT NULL DEFAULT '{}',   -- JSON: camera, microphone, video quality
    created_at    INTEGER NOT NULL
);

-- One row per provider account linked to a user (Google, GitHub, Microsoft, dev sign-in).
CREATE TABLE identities (
    provider    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX identities_user ON identities (user_id);

CREATE TABLE refresh_tokens (
    token_hash  BLOB PRIMARY KEY,
    family      TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  INTEGER NOT NULL,
    used        INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),
    revoked     INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
    created_at  INTEGER NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);

CREATE TABLE groups (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    settings     TEXT NOT NULL,                  -- JSON GroupSettings
    created_at   INTEGER NOT NULL
);

CREATE TABLE members (
    group_id   TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('member', 'admin', 'owner')),
    joined_at  INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX members_user ON members (user_id);

CREATE TABLE invites (
    id          TEXT PRIMARY KEY,
    token_hash  BLOB NOT NULL UNIQUE,
    group_id    TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    created_by  TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    max_uses    INTEGER CHECK (max_uses IS NULL OR max_uses > 0),
    uses        INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
    revoked     INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
    created_at  INTEGER NOT NULL
);
CREATE INDEX invites_group ON invites (group_id);

CREATE TABLE calls (
    id          TEXT PRIMARY KEY,
    group_id    TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER
);
CREATE INDEX calls_group ON calls (group_id, started_at);

CREATE TABLE call_participants (
    call_id       TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    participant   TEXT NOT NULL,                 -- a user id, or a guest's id
    display_name  TEXT NOT NULL,
    joined_at     INTEGER NOT NULL,
    left_at       INTEGER,
    PRIMARY KEY (call_id, participant, joined_at)
);
