-- Seed rows for vibes. Explicit ids, then the sequences are moved past them.

INSERT INTO users (id, email, display_name, password_hash, timezone) VALUES
    (1, 'a@example.com', 'Ada',      'x-hash-a', 'Europe/London'),
    (2, 'b@example.com', 'Bea',      'x-hash-b', 'America/New_York'),
    (3, 'c@example.com', NULL,       'x-hash-c', 'UTC');
INSERT INTO users (id, email, display_name, password_hash, is_active) VALUES
    (4, 'd@example.com', 'Dormant',  'x-hash-d', false);
SELECT setval(pg_get_serial_sequence('users', 'id'), 4);

INSERT INTO journals (id, user_id, title, body, mood, is_private, deleted_at) VALUES
    (1, 1, 'first',          'Hello, diary.',         4, true,  NULL),
    (2, 1, 'second',         'Rainy day.',            2, true,  NULL),
    (3, 1, 'deleted entry',  'Never mind.',           NULL, true, '2024-01-02 10:00+00'),
    (4, 2, 'bea one',        'Started journaling.',   5, false, NULL),
    (5, 2, 'bea two',        '',                      3, true,  NULL);
SELECT setval(pg_get_serial_sequence('journals', 'id'), 5);

INSERT INTO tags (id, user_id, name, color) VALUES
    (1, 1, 'work',   '#ff0000'),
    (2, 1, 'family', '#00ff00'),
    (3, 1, 'health', NULL),
    (4, 2, 'work',   '#0000ff');
SELECT setval(pg_get_serial_sequence('tags', 'id'), 4);

INSERT INTO journal_tags (journal_id, tag_id) VALUES
    (1, 1), (1, 2), (2, 1), (3, 3), (4, 4), (5, 4);

INSERT INTO secret_tags (id, tag_id, hint, encrypted_label) VALUES
    (1, 3, 'you know', decode('deadbeef', 'hex')),
    (2, 4, NULL,       decode('cafebabe', 'hex'));
SELECT setval(pg_get_serial_sequence('secret_tags', 'id'), 2);

INSERT INTO reminders (id, user_id, journal_id, remind_at, message, is_sent) VALUES
    (1, 1, 1,    '2024-03-01 09:00+00', 'revisit first entry', true),
    (2, 1, NULL, '2024-03-02 09:00+00', 'write something',     false),
    (3, 2, 4,    '2024-03-03 09:00+00', 'bea follow-up',       false);
SELECT setval(pg_get_serial_sequence('reminders', 'id'), 3);

INSERT INTO audit_logs (id, user_id, action, entity_type, entity_id, details, ip_address) VALUES
    (1, 1,    'login',          NULL,       NULL, '{"method": "password"}',        '10.0.0.1'),
    (2, 1,    'journal.create', 'journal',  1,    '{"title": "first"}',            '10.0.0.1'),
    (3, 2,    'journal.create', 'journal',  4,    '{"title": "bea one"}',          NULL),
    (4, NULL, 'system.cleanup', NULL,       NULL, '{"deleted": 0}',                NULL),
    (5, 3,    'login',          NULL,       NULL, '{}',                            '192.168.1.7');
SELECT setval(pg_get_serial_sequence('audit_logs', 'id'), 5);

INSERT INTO user_sessions (id, user_id, token_hash, user_agent, expires_at, revoked_at) VALUES
    (1, 1, 'tok-a-1', 'Firefox', '2030-01-01 00:00+00', NULL),
    (2, 1, 'tok-a-2', 'curl',    '2030-01-01 00:00+00', '2024-01-01 00:00+00'),
    (3, 2, 'tok-b-1', NULL,      '2030-01-01 00:00+00', NULL);
SELECT setval(pg_get_serial_sequence('user_sessions', 'id'), 3);
