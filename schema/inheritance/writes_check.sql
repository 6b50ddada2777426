-- Helpers live in pg_temp and vanish with the session.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

-- True when the sequence behind tbl.col would hand out a value above every
-- value already in the column, children included.
CREATE FUNCTION pg_temp.ks_seq_ahead(tbl regclass, col text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    seq    regclass;
    lv     bigint;
    called boolean;
    mx     bigint;
BEGIN
    seq := pg_get_serial_sequence(tbl::text, col)::regclass;
    EXECUTE format('SELECT last_value, is_called FROM %s', seq) INTO lv, called;
    EXECUTE format('SELECT max(%I)::bigint FROM %s', col, tbl) INTO mx;
    RETURN mx IS NULL OR (CASE WHEN called THEN lv + 1 ELSE lv END) > mx;
END $$;

SELECT pg_temp.ks_assert(
    (SELECT id NOT IN (1, 2, 3) FROM accounts WHERE handle = 'dee'),
    'dee missing or has a seeded id');
SELECT pg_temp.ks_assert(NOT EXISTS (SELECT 1 FROM accounts WHERE handle = 'cy'), 'cy should be deleted');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM ONLY photos p
     JOIN accounts a ON a.id = p.owner_id AND a.handle = 'dee'
     JOIN albums b ON b.id = p.album_id AND b.title = 'pets'
     WHERE p.title = 'ks-photo' AND p.id NOT IN (1, 2, 3, 4, 5, 6, 7)),
    'the new photo lost its owner or album, or reuses a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(t.tag ORDER BY t.tag) = '{ks-tag,cute}'::text[] OR array_agg(t.tag ORDER BY t.tag) = '{cute,ks-tag}'::text[]
     FROM photo_tags t JOIN ONLY photos p ON p.id = t.photo_id WHERE p.title = 'ks-photo'),
    'the new photo lost its tags');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(photo_id ORDER BY id) = '{3,4}' FROM photo_tags WHERE tag IN ('sea', 'cat')),
    'seeded tags lost their photos');
SELECT pg_temp.ks_assert(
    (SELECT album_id IS NULL FROM photos WHERE id = 3),
    'photo 3 should have lost its deleted album');
SELECT pg_temp.ks_assert(
    (SELECT b.title = 'pets' FROM photos p JOIN albums b ON b.id = p.album_id WHERE p.id = 5),
    'photo 5 should be in pets');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM ONLY videos v JOIN accounts a ON a.id = v.owner_id
     WHERE a.handle = 'dee' AND v.title = 'ks-video'),
    'the new video lost its owner');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM live_videos v
     JOIN accounts o ON o.id = v.owner_id AND o.handle = 'ann'
     JOIN accounts h ON h.id = v.host_id AND h.handle = 'dee'
     WHERE v.title = 'ks-live'),
    'the new live video lost its owner or host');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM ONLY media m JOIN accounts a ON a.id = m.owner_id
     WHERE a.handle = 'dee' AND m.title = 'ks-memo'),
    'the new parent row lost its owner');
SELECT pg_temp.ks_assert(NOT EXISTS (SELECT 1 FROM media WHERE id = 2), 'media 2 should have cascaded away');
SELECT pg_temp.ks_assert(
    (SELECT owner_id = 3 FROM videos WHERE id = 6),
    'video 6 should keep its old owner id');
SELECT pg_temp.ks_assert(
    (SELECT host_id = 2 AND owner_id = 1 FROM live_videos WHERE id = 7),
    'live video 7 lost its owner or host');

SELECT pg_temp.ks_assert(
    (SELECT count(DISTINCT id) = count(*) AND count(*) = 14 FROM media),
    'ids are not unique across the family, or rows are missing');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM imports i JOIN accounts a ON a.id = i.owner_id WHERE a.handle = 'dee' AND i.source = 'new'),
    'the import written through the family''s uuid default lost its owner');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('accounts', 'id'), 'accounts_id_seq is behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('media', 'id'), 'media_id_seq is behind the family');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('photo_tags', 'id'), 'photo_tags_id_seq is behind');
