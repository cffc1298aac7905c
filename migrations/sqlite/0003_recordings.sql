-- Recordings of group calls: their metadata, the composition queue, and the audit trail of
-- consent. Times are milliseconds since the Unix epoch. A group's recordings go with it.

CREATE TABLE recordings (
    id            TEXT PRIMARY KEY,              -- r_{group}_{started_at}
    group_id      TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    call_id       TEXT NOT NULL,
    started_at    INTEGER NOT NULL,
    started_by    TEXT NOT NULL,                 -- JSON ConsentRecord of who asked
    stopped_at    INTEGER,
    stop_reason   TEXT CHECK (stop_reason IN ('stopped', 'call_ended', 'node_unavailable')),
    status        TEXT NOT NULL
                  CHECK (status IN ('recording', 'queued', 'processing', 'ready', 'failed')),
    percent       INTEGER CHECK (percent BETWEEN 0 AND 100),  -- while processing
    failure       TEXT,                          -- why it failed
    output_key    TEXT,                          -- the composed file, once ready
    output_bytes  INTEGER CHECK (output_bytes >= 0),
    output_ms     INTEGER CHECK (output_ms >= 0)
);
CREATE INDEX recordings_group ON recordings (group_id, started_at);
-- The composition queue: queued recordings, oldest stop first.
CREATE INDEX recordings_queue ON recordings (stopped_at, id) WHERE status = 'queued';

-- Every answer given, in order (`seq`); one per participant and time.
CREATE TABLE recording_consents (
    recording_id  TEXT NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    participant   INTEGER NOT NULL,
    answered_at   INTEGER NOT NULL,
    record        TEXT NOT NULL,                 -- JSON ConsentRecord
    PRIMARY KEY (recording_id, seq),
    UNIQUE (recording_id, participant, answered_at)
);
