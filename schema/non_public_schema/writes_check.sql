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
    (SELECT id IS NOT NULL AND id NOT IN (1, 2, 3) FROM app.accounts WHERE name = 'ks-account'),
    'app.accounts ks-account missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT id IS NOT NULL AND id NOT IN (1, 2) FROM public.accounts WHERE name = 'ks-decoy'),
    'public.accounts ks-decoy missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 0 FROM public.accounts WHERE name IN ('ks-account', 'acme', 'globex', 'initech'))
    AND (SELECT count(*) = 0 FROM app.accounts WHERE name LIKE 'decoy%' OR name = 'ks-decoy'),
    'rows crossed between app.accounts and public.accounts');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM app.events e JOIN app.accounts a ON a.id = e.account_id
     WHERE e.kind = 'ks-signup' AND a.name = 'ks-account' AND e.id NOT IN (1, 2, 3)),
    'app.events ks-signup lost its account');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM billing.invoices i JOIN app.accounts a ON a.id = i.account_id
     WHERE i.number = 'ks-INV-1' AND a.name = 'ks-account' AND i.id NOT IN (1, 2, 3)),
    'billing.invoices ks-INV-1 lost its account');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM billing.invoices i JOIN app.accounts a ON a.id = i.account_id
     WHERE i.number = 'ks-INV-2' AND a.name = 'initech' AND a.id = 3),
    'billing.invoices ks-INV-2 lost its account');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM billing.events e
     JOIN billing.invoices i ON i.id = e.invoice_id
     JOIN app.accounts a ON a.id = e.account_id
     WHERE e.kind = 'ks-issued' AND i.number = 'ks-INV-1' AND a.name = 'ks-account' AND e.id NOT IN (1, 2, 3)),
    'billing.events ks-issued lost its invoice or account');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM billing.events e JOIN billing.invoices i ON i.id = e.invoice_id
     WHERE e.kind = 'ks-anonymous' AND e.account_id IS NULL AND i.number = 'INV-003' AND i.id = 3),
    'billing.events ks-anonymous wrong');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM public.notes n
     JOIN billing.invoices i ON i.id = n.invoice_id
     JOIN public.accounts d ON d.id = n.account_id
     WHERE n.body = 'ks-note' AND i.number = 'ks-INV-2' AND d.name = 'ks-decoy'),
    'public.notes ks-note lost its invoice or decoy account');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM billing.invoices i JOIN app.accounts a ON a.id = i.account_id
     WHERE i.id = 2 AND i.number = 'INV-002' AND a.name = 'ks-account'),
    'INV-002 was not moved to ks-account');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM app.events WHERE id = 2 AND kind = 'login' AND account_id = 2),
    'app event 2 was not moved to globex');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM public.notes WHERE id = 2 AND body = 'decoy note' AND account_id = 2),
    'decoy note was not moved to decoy two');

SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, invoice_id, coalesce(account_id, 0)] ORDER BY id) FROM billing.events WHERE id <= 3)
    = ARRAY[[1, 1, 1], [2, 1, 1], [3, 3, 0]],
    'seeded billing.events changed');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, account_id] ORDER BY id) FROM app.events WHERE id IN (1, 3))
    = ARRAY[[1, 1], [3, 2]]::bigint[],
    'seeded app.events changed');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('app.accounts', 'id'), 'app.accounts sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('public.accounts', 'id'), 'public.accounts sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('app.events', 'id'), 'app.events sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('billing.invoices', 'id'), 'billing.invoices sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('billing.events', 'id'), 'billing.events sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('public.notes', 'id'), 'public.notes sequence behind');
