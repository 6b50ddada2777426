-- vibes: writes made after the forward migration, through the UUID keys.
-- Only column names and subqueries reach the converted columns.

-- A new user, with a journal, tags, a secret tag, a reminder, a session and log lines.
INSERT INTO users (email, display_name, password_hash)
VALUES ('ks-new@example.com', 'ks new user', 'x-hash-new');

INSERT INTO journals (user_id, title, body, mood)
SELECT id, 'ks new journal', 'written after forward', 3
FROM users WHERE email = 'ks-new@example.com';

INSERT INTO journals (user_id, title, deleted_at)
SELECT id, 'ks deleted journal', now()
FROM users WHERE email = 'ks-new@example.com';

INSERT INTO tags (user_id, name, color)
SELECT id, 'ks-tag', '#123456' FROM users WHERE email = 'ks-new@example.com';

INSERT INTO tags (user_id, name)
SELECT id, 'ks-secret-tag' FROM users WHERE email = 'ks-new@example.com';

-- Join-table rows: new journal x new tag, and new journal x an old tag of another user.
INSERT INTO journal_tags (journal_id, tag_id)
SELECT j.id, t.id
FROM journals j, tags t
WHERE j.title = 'ks new journal' AND t.name = 'ks-tag';

INSERT INTO journal_tags (journal_id, tag_id)
SELECT j.id, t.id
FROM journals j
JOIN tags t ON t.name = 'family'
JOIN users u ON u.id = t.user_id AND u.email = 'a@example.com'
WHERE j.title = 'ks new journal';

INSERT INTO secret_tags (tag_id, hint, encrypted_label)
SELECT id, 'ks-hint', decode('00ff', 'hex') FROM tags WHERE name = 'ks-secret-tag';

INSERT INTO reminders (user_id, journal_id, remind_at, message)
SELECT j.user_id, j.id, '2031-01-01 08:00+00', 'ks reminder with journal'
FROM journals j WHERE j.title = 'ks new journal';

INSERT INTO reminders (user_id, remind_at, message)
SELECT id, '2031-01-02 08:00+00', 'ks reminder without journal'
FROM users WHERE email = 'ks-new@example.com';

INSERT INTO audit_logs (user_id, action, entity_type, details)
SELECT id, 'ks-login', 'user', '{"ks": true}'::jsonb
FROM users WHERE email = 'ks-new@example.com';

INSERT INTO audit_logs (user_id, action, details)
VALUES (NULL, 'ks-anonymous', '{"ks": "no user"}');

INSERT INTO user_sessions (user_id, token_hash, user_agent, expires_at)
SELECT id, 'ks-token', 'ks-agent', '2031-01-01 00:00+00'
FROM users WHERE email = 'ks-new@example.com';

-- Updates that move existing rows to other parents.
-- 'first' moves from a@ to b@ (an old parent).
UPDATE journals
SET user_id = (SELECT id FROM users WHERE email = 'b@example.com')
WHERE title = 'first';

-- 'second' moves to the new user (a new parent).
UPDATE journals
SET user_id = (SELECT id FROM users WHERE email = 'ks-new@example.com')
WHERE title = 'second';

-- An old reminder without a journal now points at the new journal.
UPDATE reminders
SET journal_id = (SELECT id FROM journals WHERE title = 'ks new journal')
WHERE message = 'write something';

-- An old reminder loses its journal.
UPDATE reminders SET journal_id = NULL WHERE message = 'bea follow-up';

-- An old audit line is re-attributed to the new user; an old one is orphaned.
UPDATE audit_logs
SET user_id = (SELECT id FROM users WHERE email = 'ks-new@example.com')
WHERE action = 'system.cleanup';

UPDATE audit_logs SET user_id = NULL
WHERE action = 'login' AND ip_address = '192.168.1.7';

-- Re-point one composite-PK row: journal 'bea two' gets tag 'ks-tag' instead of bea's 'work'.
UPDATE journal_tags
SET tag_id = (SELECT id FROM tags WHERE name = 'ks-tag')
WHERE journal_id = (SELECT id FROM journals WHERE title = 'bea two')
  AND tag_id = (SELECT t.id FROM tags t JOIN users u ON u.id = t.user_id
                WHERE t.name = 'work' AND u.email = 'b@example.com');

-- An old session moves to the new user.
UPDATE user_sessions
SET user_id = (SELECT id FROM users WHERE email = 'ks-new@example.com')
WHERE token_hash = 'tok-a-2';
