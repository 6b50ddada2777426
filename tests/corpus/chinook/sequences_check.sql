-- Chinook's serial and identity variants, after the rollback: every key
-- sequence must be ahead of the rows, so the next insert cannot collide
-- with an id rollback handed out to a row written after forward.

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

-- Every key sequence is ahead of the rows, so the next insert cannot collide.
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('album', 'album_id'), 'album sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('artist', 'artist_id'), 'artist sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('customer', 'customer_id'), 'customer sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('employee', 'employee_id'), 'employee sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('genre', 'genre_id'), 'genre sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('invoice', 'invoice_id'), 'invoice sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('invoice_line', 'invoice_line_id'), 'invoice_line sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('media_type', 'media_type_id'), 'media_type sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('playlist', 'playlist_id'), 'playlist sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('track', 'track_id'), 'track sequence behind');
