-- partial_index: writes after the forward migration.

INSERT INTO users (handle) VALUES ('ks-dan');

INSERT INTO projects (name, owner_id) SELECT 'ks-project', id FROM users WHERE handle = 'ks-dan';

INSERT INTO tickets (project_id, reporter_id, assignee_id, title, status)
SELECT p.id, u.id, a.id, 'ks-open', 'open'
FROM projects p, users u, users a
WHERE p.name = 'ks-project' AND u.handle = 'ks-dan' AND a.handle = 'ann';

INSERT INTO tickets (project_id, reporter_id, title, status)
SELECT p.id, u.id, 'ks-draft', 'draft'
FROM projects p, users u WHERE p.name = 'core' AND u.handle = 'ks-dan';

-- the unique partial index still holds: a second draft by the same reporter on the same project fails
DO $$
BEGIN
    INSERT INTO tickets (project_id, reporter_id, title, status)
    SELECT p.id, u.id, 'ks-second-draft', 'draft'
    FROM projects p, users u WHERE p.name = 'core' AND u.handle = 'ks-dan';
    RAISE EXCEPTION 'ks: tickets_one_draft_idx no longer unique';
EXCEPTION WHEN unique_violation THEN
    NULL;
END $$;

INSERT INTO user_emails (user_id, email, is_primary)
SELECT id, 'ks-dan@example.com', true FROM users WHERE handle = 'ks-dan';

-- cat had no primary email; her old address becomes primary
UPDATE user_emails SET is_primary = true
WHERE user_id = (SELECT id FROM users WHERE handle = 'cat');

-- one primary per user still enforced
DO $$
BEGIN
    INSERT INTO user_emails (user_id, email, is_primary)
    SELECT id, 'ks-dan-2@example.com', true FROM users WHERE handle = 'ks-dan';
    RAISE EXCEPTION 'ks: user_emails_one_primary_idx no longer unique';
EXCEPTION WHEN unique_violation THEN
    NULL;
END $$;

-- old tickets move between users and projects
UPDATE tickets SET assignee_id = (SELECT id FROM users WHERE handle = 'ks-dan')
WHERE title = 'typo in docs';
UPDATE tickets SET project_id = (SELECT id FROM projects WHERE name = 'ks-project'), assignee_id = NULL
WHERE title = 'button misplaced';
