-- The media-node registry: each node as it registered and last heartbeat, and the call sessions
-- reserved on it. Times are milliseconds since the Unix epoch. Whether a node is alive is core's
-- rule (two missed heartbeats); the registry only keeps the times. A node's allocations go with it.

CREATE TABLE media_nodes (
    id              TEXT PRIMARY KEY,
    region          TEXT NOT NULL,
    public_url      TEXT NOT NULL,                -- its control API as browsers reach it
    control_url     TEXT NOT NULL,                -- its control API as signaling hosts reach it
    capacity        INTEGER NOT NULL CHECK (capacity >= 0),
    version         TEXT NOT NULL,                -- its software version
    -- The sum of its allocations' participants, kept with them in one transaction.
    reserved        INTEGER NOT NULL DEFAULT 0 CHECK (reserved BETWEEN 0 AND capacity),
    load            INTEGER NOT NULL DEFAULT 0 CHECK (load >= 0),  -- as of its last heartbeat
    draining        INTEGER NOT NULL DEFAULT 0 CHECK (draining IN (0, 1)),
    registered_at   INTEGER NOT NULL,
    last_heartbeat  INTEGER NOT NULL,
    idle_since      INTEGER                       -- NULL while it holds an allocation
);

-- One call session reserved on a node; one per node and call.
CREATE TABLE node_allocations (
    node_id       TEXT NOT NULL REFERENCES media_nodes (id) ON DELETE CASCADE,
    call_id       TEXT NOT NULL,
    participants  INTEGER NOT NULL CHECK (participants >= 0),
    room          TEXT NOT NULL,                  -- a group id or a link-call key
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (node_id, call_id)
);
