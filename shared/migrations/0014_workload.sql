-- The weekly workload a job states (`30+ hrs/week`, `Less than 30 hrs/week`), apart from its
-- duration: packed terms cells (`… Est. time: 1 to 3 months, 30+ hrs/week`) used to leave both
-- in `duration`. NULL where the export does not say, and for jobs stored before this migration
-- (until an export holds them again).
ALTER TABLE jobs ADD COLUMN workload text;
