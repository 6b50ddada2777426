-- Helpers live in pg_temp and vanish with the session.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

-- True when the sequence behind tbl.col (serial, identity, OWNED BY, or a
-- plain DEFAULT nextval('…')) would hand out a value above every value already
-- in the column.
CREATE FUNCTION pg_temp.ks_seq_ahead(tbl regclass, col text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    seq    regclass;
    lv     bigint;
    called boolean;
    inc    bigint;
    mx     bigint;
BEGIN
    seq := pg_get_serial_sequence(tbl::text, col)::regclass;
    IF seq IS NULL THEN
        SELECT replace(substring(pg_get_expr(d.adbin, d.adrelid) FROM '^nextval\(''(.*)''::regclass\)$'), '''''', '''')::regclass
        INTO seq
        FROM pg_attrdef d
        JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        WHERE d.adrelid = tbl AND a.attname = col;
    END IF;
    IF seq IS NULL THEN
        RAISE EXCEPTION 'writes_check failed: no sequence behind %.%', tbl, col;
    END IF;
    EXECUTE format('SELECT last_value, is_called FROM %s', seq) INTO lv, called;
    SELECT seqincrement INTO inc FROM pg_sequence WHERE seqrelid = seq;
    EXECUTE format('SELECT max(%I)::bigint FROM %s', col, tbl) INTO mx;
    RETURN mx IS NULL OR (CASE WHEN called THEN lv + inc ELSE lv END) > mx;
END $$;

SELECT pg_temp.ks_assert((SELECT id NOT IN (1, 2, 3) FROM users WHERE name = 'ks-cat'),
    'ks-cat missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM published_post_authors
     WHERE title = 'ks-post' AND author_name = 'ks-cat' AND post_id NOT BETWEEN 1 AND 4),
    'ks-post not visible through the view on the view');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM post_authors
     WHERE title = 'ks-draft' AND author_name = 'ben' AND author_id = 2 AND user_id = 2 AND NOT published),
    'ks-draft not visible through post_authors');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM posts p JOIN users u ON u.id = p.author_id
     WHERE p.id = 4 AND p.title = 'from the past' AND u.name = 'ks-cat'),
    'post 4 was not moved to ks-cat');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[post_id, author_id, user_id] ORDER BY post_id) FROM post_authors WHERE post_id BETWEEN 1 AND 3)
    = ARRAY[[1, 1, 1], [2, 1, 1], [3, 2, 2]]::bigint[],
    'seeded rows seen through post_authors changed');

-- the views are back with their original column types
SELECT pg_temp.ks_assert(
    (SELECT array_agg(format('%s.%s:%s', attrelid::regclass, attname, format_type(atttypid, atttypmod)) ORDER BY attrelid::regclass::text COLLATE "C", attnum)
     FROM pg_attribute
     WHERE attrelid IN ('active_users'::regclass, 'post_authors'::regclass, 'published_post_authors'::regclass)
       AND attname IN ('id', 'post_id', 'author_id', 'user_id'))
    = ARRAY['active_users.id:integer', 'post_authors.post_id:bigint', 'post_authors.author_id:integer',
            'post_authors.user_id:integer', 'published_post_authors.post_id:bigint', 'published_post_authors.author_id:integer'],
    'view key columns are not back to their integer types');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('users', 'id'), 'users sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('posts', 'id'), 'posts sequence behind');
