-- surrogate_key: writes after forward, through the surrogate key only
-- where the application would (the old columns are left stale on purpose).

INSERT INTO members (handle) VALUES ('ks-member');
INSERT INTO project_members (project_id, member_id, role)
SELECT p.id, m.id, 'ks-role' FROM projects p, members m WHERE p.code = 'GEM' AND m.handle = 'ks-member';

-- A new assignment whose old columns name another membership: the
-- repointed key (project_members_id) is what counts.
INSERT INTO assignments (project_id, member_id, task, project_members_id)
SELECT stale.project_id, stale.member_id, 'ks-task', pm.id
FROM project_members pm, project_members stale
WHERE pm.role = 'ks-role' AND stale.role = 'lead' AND stale.project_id = (SELECT id FROM projects WHERE code = 'APO');

-- An old assignment moves to the new membership through the new column only.
UPDATE assignments SET project_members_id = (SELECT id FROM project_members WHERE role = 'ks-role')
WHERE task = 'review';

-- A time entry approved by the new member, through the new column only.
UPDATE time_entries SET time_entries_approver_fkey_id = (SELECT id FROM project_members WHERE role = 'ks-role')
WHERE note = 'unapproved';

-- Deleting a member cascades through project_members to assignments.
DELETE FROM members WHERE handle = 'dee';
