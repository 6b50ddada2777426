-- rails_app: writes after the forward migration, through uuid keys that no
-- constraint checks.

INSERT INTO users (email) VALUES ('ks-user@example.com');

INSERT INTO posts (author_id, title)
SELECT id, 'ks-post' FROM users WHERE email = 'ks-user@example.com';

-- A new comment on the new post, by an old user.
INSERT INTO comments (post_id, user_id, body)
SELECT p.id, u.id, 'ks-comment'
FROM posts p, users u WHERE p.title = 'ks-post' AND u.email = 'ada@example.com';

-- An old comment moves to the new post.
UPDATE comments SET post_id = (SELECT id FROM posts WHERE title = 'ks-post')
WHERE body = 'agreed';

-- Polymorphic rows: the new post, the new user, an old post.
INSERT INTO taggings (tag_id, taggable_type, taggable_id, note)
SELECT t.id, 'Post', p.id, 'ks-tagging-post' FROM tags t, posts p WHERE t.name = 'rust' AND p.title = 'ks-post';
INSERT INTO taggings (tag_id, taggable_type, taggable_id, note)
SELECT t.id, 'User', u.id, 'ks-tagging-user' FROM tags t, users u WHERE t.name = 'people' AND u.email = 'ks-user@example.com';
INSERT INTO taggings (tag_id, taggable_type, taggable_id, note)
SELECT t.id, 'Post', p.id, 'ks-tagging-old-post' FROM tags t, posts p WHERE t.name = 'postgres' AND p.title = 'drafts';

-- An old tagging switches from a post to the new user.
UPDATE taggings SET taggable_type = 'User',
    taggable_id = (SELECT id FROM users WHERE email = 'ks-user@example.com')
WHERE note = 'post 2 about postgres';
