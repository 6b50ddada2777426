INSERT INTO projects (project_id, code, title) VALUES
    (1, 'APO', 'Apollo'),
    (2, 'GEM', 'Gemini'),
    (3, 'MER', 'Mercury');
SELECT setval(pg_get_serial_sequence('projects', 'project_id'), 3);

INSERT INTO members (member_id, handle) VALUES
    (100, 'alice'), (200, 'bob'), (300, 'carol'), (400, 'dave');

-- note member ids and project ids differ, so a swapped column would not match
INSERT INTO project_members (member_id, project_id, role) VALUES
    (100, 1, 'lead'),
    (200, 1, 'contributor'),
    (300, 1, 'reviewer'),
    (200, 2, 'lead'),
    (300, 2, 'contributor'),
    (400, 3, 'lead');

INSERT INTO assignments (id, task, proj_ref, who_ref, due_on) VALUES
    (1, 'design review', 1, 100, '2024-05-01'),
    (2, 'write tests',   1, 200, NULL),
    (3, 'launch prep',   2, 200, '2024-06-01'),
    (4, 'docs',          2, 300, NULL),
    (5, 'review',        1, 300, '2024-05-15');
SELECT setval(pg_get_serial_sequence('assignments', 'id'), 5);

INSERT INTO time_entries (entry_id, project_id, member_id, approver_id, minutes, note) VALUES
    (1, 1, 100, NULL, 60,  'kickoff'),
    (2, 1, 200, 100,  120, 'tests'),
    (3, 2, 300, 200,  30,  'docs'),
    (4, 3, 400, NULL, 15,  NULL);
SELECT setval(pg_get_serial_sequence('time_entries', 'entry_id'), 4);
