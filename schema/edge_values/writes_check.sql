-- edge_values: after rollback, the new rows kept their links under fresh
-- ids above every id handed out before, including the negative ones.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

SELECT pg_temp.ks_assert((SELECT id > 7 FROM accounts WHERE label = 'new account'), 'the new account has a fresh id above 7');
SELECT pg_temp.ks_assert((SELECT count(*) = 4 FROM accounts WHERE id <= 7), 'zero and negative ids are back');
SELECT pg_temp.ks_assert(
    (SELECT l.account_id = a.id AND l.region = a.region FROM ledger l JOIN accounts a ON a.label = 'new account' WHERE l.amount = 1.50),
    'the new ledger row still points at the new account');
SELECT pg_temp.ks_assert(
    (SELECT e.ledger_id = l.id FROM archived_entries e JOIN ledger l ON l.amount = 1.50),
    'the archived entry still points at its ledger row');
SELECT pg_temp.ks_assert(
    (SELECT t.reviewer_id = 0 FROM transfers t JOIN accounts a ON a.id = t.from_id WHERE a.label = 'new account'),
    'the reviewer is the house account, id 0');
