-- composite_fk: writes after the forward migration.

INSERT INTO projects (code, title) VALUES ('KS', 'ks-project');
-- members.member_id has no default before; afterwards it defaults to a UUID.
INSERT INTO members (handle) VALUES ('ks-member');

-- Composite-PK rows: new member on new project, new member on an old project,
-- old member on the new project.
INSERT INTO project_members (member_id, project_id, role)
SELECT m.member_id, p.project_id, 'ks-lead'
FROM members m, projects p WHERE m.handle = 'ks-member' AND p.code = 'KS';

INSERT INTO project_members (member_id, project_id, role)
SELECT m.member_id, p.project_id, 'ks-guest'
FROM members m, projects p WHERE m.handle = 'ks-member' AND p.code = 'APO';

INSERT INTO project_members (member_id, project_id, role)
SELECT m.member_id, p.project_id, 'ks-helper'
FROM members m, projects p WHERE m.handle = 'dave' AND p.code = 'KS';

-- Composite FKs in both column orders.
INSERT INTO assignments (task, proj_ref, who_ref)
SELECT 'ks-task', pm.project_id, pm.member_id
FROM project_members pm WHERE pm.role = 'ks-lead';

INSERT INTO assignments (task, who_ref, proj_ref)
SELECT 'ks-task-on-apollo', pm.member_id, pm.project_id
FROM project_members pm WHERE pm.role = 'ks-guest';

INSERT INTO time_entries (project_id, member_id, approver_id, minutes, note)
SELECT h.project_id, h.member_id, l.member_id, 45, 'ks-entry'
FROM project_members h
JOIN project_members l ON l.project_id = h.project_id AND l.role = 'ks-lead'
WHERE h.role = 'ks-helper';

-- An old assignment moves to the new member on Apollo (both FK columns rewritten).
UPDATE assignments
SET (who_ref, proj_ref) = (SELECT member_id, project_id FROM project_members WHERE role = 'ks-guest')
WHERE task = 'write tests';

-- An old time entry gets an approver that is a new member.
UPDATE time_entries
SET approver_id = (SELECT member_id FROM members WHERE handle = 'ks-member')
WHERE note = 'kickoff';

-- Change a key of a composite-PK row: carol's Apollo membership moves to the new
-- project, and ON UPDATE CASCADE carries assignment 'review' along.
UPDATE project_members
SET project_id = (SELECT project_id FROM projects WHERE code = 'KS')
WHERE project_id = (SELECT project_id FROM projects WHERE code = 'APO')
  AND member_id = (SELECT member_id FROM members WHERE handle = 'carol');
