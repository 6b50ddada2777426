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

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM books b JOIN authors a ON a.id = b.author_id
     WHERE b.title = 'ks-book' AND a.name = 'ks-author'
       AND b.id NOT IN (1, 2, 3) AND a.id NOT IN (1, 2, 3, 4)),
    'ks-book lost its (deferred) author');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM book_authors ba
     JOIN books b ON b.id = ba.book_id JOIN authors a ON a.id = ba.author_id
     WHERE b.title = 'ks-book' AND a.name = 'ks-author'),
    'book_authors (ks-book, ks-author) lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM book_authors ba
     JOIN books b ON b.id = ba.book_id AND b.author_id = ba.author_id
     JOIN authors a ON a.id = ba.author_id
     WHERE b.title = 'ks-book-2' AND a.name = 'ks-author' AND b.id NOT IN (1, 2, 3)),
    'book_authors (ks-book-2, ks-author) lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM books b JOIN authors e ON e.id = b.editor_id
     WHERE b.id = 1 AND b.title = 'Dune' AND e.name = 'ks-editor' AND e.id NOT IN (1, 2, 3, 4)),
    'Dune did not get the ks-editor');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM books s
     JOIN books p ON p.id = s.sequel_of
     JOIN authors a ON a.id = s.author_id
     WHERE s.title = 'ks-sequel' AND p.title = 'ks-book' AND a.name = 'ks-author'),
    'ks-sequel lost its prequel or author');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM books s JOIN books p ON p.id = s.sequel_of
     WHERE s.id = 3 AND s.title = 'Hyperion' AND p.title = 'ks-book' AND s.author_id = 3 AND s.editor_id = 2),
    'Hyperion update lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM books WHERE id = 2 AND sequel_of = 1 AND author_id = 1 AND editor_id = 2),
    'seeded book 2 changed');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM royalties r
     JOIN book_authors ba ON (ba.book_id, ba.author_id) = (r.book_id, r.author_id)
     JOIN books b ON b.id = ba.book_id
     WHERE r.note = 'ks-royalty' AND b.title = 'ks-book' AND r.id NOT IN (1, 2, 3)),
    'ks-royalty lost its (book, author)');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM royalties WHERE note = 'ks-unassigned' AND book_id IS NULL AND author_id IS NULL
       AND id NOT IN (1, 2, 3)),
    'ks-unassigned royalty wrong');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM royalties r JOIN books b ON b.id = r.book_id JOIN authors a ON a.id = r.author_id
     WHERE r.id = 3 AND r.note = 'unassigned' AND b.title = 'ks-book' AND a.name = 'ks-author'),
    'royalty 3 was not assigned to (ks-book, ks-author)');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, book_id, author_id] ORDER BY id) FROM royalties WHERE id IN (1, 2))
    = ARRAY[[1, 1, 1], [2, 3, 2]]::bigint[],
    'seeded royalties changed');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('authors', 'id'), 'authors sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('books', 'id'), 'books sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('royalties', 'id'), 'royalties sequence behind');
