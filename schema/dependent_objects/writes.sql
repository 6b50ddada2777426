-- dependent_objects: writes after forward, through the recreated views.

-- through the security-barrier view with its check option and default
INSERT INTO active_users (name) VALUES ('ks-cat');

-- through the INSTEAD OF trigger on the join view
INSERT INTO post_feed (author_id, title)
SELECT id, 'ks-post' FROM active_users WHERE name = 'ks-cat';
INSERT INTO post_feed (author_id, title)
SELECT id, 'ks-second' FROM prolific_users WHERE name = 'ann';

REFRESH MATERIALIZED VIEW author_likes;
REFRESH MATERIALIZED VIEW post_titles;
