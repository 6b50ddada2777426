-- surrogate_key: seed rows.

INSERT INTO members (handle) VALUES ('ana'), ('bo'), ('cy'), ('dee');
INSERT INTO projects (code) VALUES ('APO'), ('GEM');

INSERT INTO project_members (project_id, member_id, role) VALUES
    (1, 1, 'lead'), (1, 2, 'dev'), (2, 2, 'lead'), (2, 3, 'dev'), (1, 4, 'guest');

INSERT INTO assignments (project_id, member_id, task) VALUES
    (1, 2, 'write tests'), (2, 3, 'review'), (1, 1, 'plan'), (1, 4, 'visit');

INSERT INTO time_entries (project_id, member_id, approver_id, minutes, note) VALUES
    (1, 2, 1, 30, 'kickoff'),
    (2, 3, NULL, 45, 'unapproved'),
    (2, 3, 2, 15, 'approved by bo');
