-- inheritance: writes through the uuid keys after the forward migration.

INSERT INTO accounts (handle) VALUES ('dee');

-- Children take new ids from the parent's default, which forward changed
-- for the whole family.
INSERT INTO photos (owner_id, title, width, album_id)
SELECT a.id, 'ks-photo', 1024, b.id FROM accounts a, albums b WHERE a.handle = 'dee' AND b.title = 'pets';
INSERT INTO photo_tags (photo_id, tag) SELECT id, 'ks-tag' FROM photos WHERE title = 'ks-photo';
INSERT INTO videos (owner_id, title, seconds) SELECT id, 'ks-video', 5 FROM accounts WHERE handle = 'dee';
INSERT INTO live_videos (owner_id, title, seconds, stream_key, host_id)
SELECT o.id, 'ks-live', 60, 'k-2', h.id FROM accounts o, accounts h WHERE o.handle = 'ann' AND h.handle = 'dee';
INSERT INTO media (owner_id, title) SELECT id, 'ks-memo' FROM accounts WHERE handle = 'dee';
-- A child with a key default of its own has the family's new one now.
INSERT INTO imports (owner_id, title, source) SELECT id, 'ks-import', 'new' FROM accounts WHERE handle = 'dee';

-- A local foreign-key column of a child, updated and set null by a delete.
UPDATE photos SET album_id = (SELECT id FROM albums WHERE title = 'pets') WHERE title = 'loose';
DELETE FROM albums WHERE title = 'trips';

-- The parent's foreign key cascades to the parent's own rows only; the
-- child keeps its row, whose owner no longer exists.
DELETE FROM accounts WHERE handle = 'cy';

-- A tag moves to the new photo.
UPDATE photo_tags SET photo_id = (SELECT id FROM photos WHERE title = 'ks-photo') WHERE tag = 'cute';
