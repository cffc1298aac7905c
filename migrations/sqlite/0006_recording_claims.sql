-- A composer's claim on the recording it composes is a lease: it names its composer
-- (`claimed_by`, whose writes alone count while it holds it) and runs out at `claimed_until`
-- (milliseconds since the Unix epoch) unless renewed, so a recording whose composer died is
-- taken again by another, not left `processing` for ever. `takeovers` counts those takings:
-- a recording whose composers keep dying is failed rather than taken again and again.

ALTER TABLE recordings ADD COLUMN claimed_by TEXT;
ALTER TABLE recordings ADD COLUMN claimed_until INTEGER;
ALTER TABLE recordings ADD COLUMN takeovers INTEGER NOT NULL DEFAULT 0 CHECK (takeovers >= 0);
