-- rails_app: seed rows. Post 1 and user 1 share an id, so the polymorphic
-- taggings only come back right if each row follows its own type.

INSERT INTO users (email, legacy_id) VALUES
    ('ada@example.com', 901),
    ('brian@example.com', NULL),
    ('chen@example.com', 903);

INSERT INTO posts (author_id, title) VALUES
    (2, 'hello'),
    (1, 'keys are forever'),
    (2, 'no they are not'),
    (3, 'drafts');

INSERT INTO comments (post_id, user_id, body) VALUES
    (1, 1, 'welcome'),
    (2, 2, 'agreed'),
    (2, 3, 'disagree'),
    (3, 1, 'ha'),
    (NULL, 2, 'orphaned on purpose: a comment whose post was never set');

INSERT INTO tags (name) VALUES ('rust'), ('postgres'), ('people');

INSERT INTO taggings (tag_id, taggable_type, taggable_id, note) VALUES
    (1, 'Post', 1, 'post 1 about rust'),
    (2, 'Post', 2, 'post 2 about postgres'),
    (3, 'User', 1, 'user 1, not post 1'),
    (3, 'User', 3, 'user 3'),
    (2, 'Post', 3, 'post 3 about postgres'),
    (1, NULL, NULL, 'not attached to anything');

INSERT INTO page_views (post_id, viewed_on) VALUES
    (1, '2024-01-01'), (1, '2024-01-02'), (2, '2024-01-02'), (4, '2024-01-03'),
    (99, '2024-01-04');

INSERT INTO notifications (subject_type, subject_id, message) VALUES
    ('Post', 1, 'new post'), ('Post', 2, 'new post'), ('User', 3, 'welcome'),
    (NULL, NULL, 'maintenance tonight');

INSERT INTO audit_log (user_id, action) VALUES (1, 'signup'), (2, 'signup');
