-- forum_orphans: writes after forward, through the uuid keys. Only column
-- names and subqueries reach the converted columns.
INSERT INTO users (username) VALUES ('cy');
INSERT INTO posts (user_id, body) SELECT id, 'by cy' FROM users WHERE username = 'cy';
-- A new comment without a post.
INSERT INTO comments (post_id, user_id, body)
SELECT NULL, u.id, 'new on nothing' FROM users u WHERE u.username = 'cy';
-- The application fixes two orphans itself: rollback must keep its links.
UPDATE comments SET post_id = (SELECT id FROM posts WHERE body = 'by cy') WHERE body = 'on deleted 8';
UPDATE posts SET user_id = (SELECT id FROM users WHERE username = 'cy') WHERE body = 'rules (system)';
-- An orphan row that is deleted has nothing to restore.
DELETE FROM comments WHERE body = 'on deleted 4';
-- An orphan whose other columns change is still restored.
UPDATE comments SET body = 'on deleted 9, edited' WHERE body = 'on deleted 9';
INSERT INTO posts (body) VALUES ('ks-by-system');
