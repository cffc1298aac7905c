-- A composer's claim on the recording it composes runs out at `claimed_until` (milliseconds
-- since the Unix epoch) unless renewed: a recording whose composer died (its machine gone) is
-- taken again by another, instead of staying `processing` for ever.

ALTER TABLE recordings ADD COLUMN claimed_until INTEGER;
