INSERT INTO accounts (id, handle) VALUES (1, 'ann'), (2, 'bo'), (3, 'cy');
SELECT setval(pg_get_serial_sequence('accounts', 'id'), 3);

INSERT INTO albums (id, owner_id, title) VALUES (1, 1, 'trips'), (2, 2, 'pets');
SELECT setval(pg_get_serial_sequence('albums', 'id'), 2);

-- One sequence numbers the whole family.
INSERT INTO media (id, owner_id, title) VALUES (1, 1, 'note'), (2, 3, 'memo');
INSERT INTO photos (id, owner_id, title, width, album_id) VALUES
    (3, 1, 'beach', 800, 1),
    (4, 2, 'cat', 640, 2),
    (5, 2, 'loose', 320, NULL);
INSERT INTO videos (id, owner_id, title, seconds) VALUES (6, 3, 'clip', 12);
INSERT INTO live_videos (id, owner_id, title, seconds, stream_key, host_id) VALUES
    (7, 1, 'stream', 3600, 'k-1', 2);
SELECT setval(pg_get_serial_sequence('media', 'id'), 7);
INSERT INTO imports (owner_id, title, source) VALUES (2, 'imported', 'legacy'), (3, 'also imported', 'legacy');
INSERT INTO drafts (id, owner_id, title) VALUES (8, 1, 'draft');

INSERT INTO photo_tags (id, photo_id, tag) VALUES (1, 3, 'sea'), (2, 4, 'cat'), (3, 4, 'cute');
SELECT setval(pg_get_serial_sequence('photo_tags', 'id'), 3);

INSERT INTO media_views (media_id, viewer_id) VALUES (1, 2), (4, 1), (7, NULL);
