-- After rollback: the party written through one uuid has one integer id
-- in all three tables, and its ledger entry still names it.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

SELECT pg_temp.ks_assert(
    (SELECT count(*) FROM customers c JOIN vendors v ON v.id = c.id JOIN employees e ON e.id = c.id
     WHERE c.name = 'Fay as customer' AND v.name = 'Fay as vendor' AND e.name = 'Fay as employee') = 1,
    'Fay has one id in customers, vendors and employees');
SELECT pg_temp.ks_assert(
    (SELECT l.amount FROM ledger_entries l JOIN customers c ON c.id = l.ref_key WHERE c.name = 'Fay as customer') = 42.00,
    'Fay''s ledger entry names her');
SELECT pg_temp.ks_assert(
    (SELECT count(DISTINCT id) FROM (SELECT id FROM customers UNION ALL SELECT id FROM vendors UNION ALL SELECT id FROM employees) ids) = 8,
    'the space holds eight distinct ids: 1 to 4, 100, 101, Fay''s and Ink Co''s');
SELECT pg_temp.ks_assert(
    (SELECT v.id FROM vendors v WHERE v.name = 'Ink Co') > 101,
    'the new vendor''s fresh id is above every id the shared sequence handed out');
SELECT pg_temp.ks_assert(
    (SELECT p.kind FROM organizations o JOIN parties p ON p.id = o.id WHERE o.legal_name = 'Initech') = 'organization',
    'the new organization is its party');
