-- surrogate_key: after rollback, the old columns follow what was written
-- through the surrogate key.

CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

SELECT pg_temp.ks_assert(
    (SELECT m.handle || '@' || p.code FROM assignments a JOIN members m ON m.id = a.member_id JOIN projects p ON p.id = a.project_id WHERE a.task = 'ks-task') = 'ks-member@GEM',
    'ks-task belongs to the membership written through the surrogate');
SELECT pg_temp.ks_assert(
    (SELECT m.handle || '@' || p.code FROM assignments a JOIN members m ON m.id = a.member_id JOIN projects p ON p.id = a.project_id WHERE a.task = 'review') = 'ks-member@GEM',
    'review moved to the new membership');
SELECT pg_temp.ks_assert(
    (SELECT m.handle FROM time_entries t JOIN members m ON m.id = t.approver_id WHERE t.note = 'unapproved') = 'ks-member',
    'the approver written through the surrogate');
SELECT pg_temp.ks_assert(
    NOT EXISTS (SELECT 1 FROM assignments WHERE task = 'visit'),
    'deleting dee cascaded through her membership to her assignment');
SELECT pg_temp.ks_assert(
    (SELECT m.handle FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.task = 'plan') = 'ana',
    'an untouched assignment keeps its membership');
SELECT pg_temp.ks_assert(
    (SELECT count(*) FROM project_members) = 5,
    'memberships: four old ones left and the new one');
