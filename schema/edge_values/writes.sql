-- edge_values: writes after forward.
INSERT INTO accounts (id, region, label) VALUES (gen_random_uuid(), 'eu', 'new account');
INSERT INTO ledger (region, account_id, amount)
SELECT region, id, 1.50 FROM accounts WHERE label = 'new account';
INSERT INTO archived_entries (ledger_id)
SELECT id FROM ledger WHERE amount = 1.50;
INSERT INTO transfers (from_id, reviewer_id)
SELECT a.id, b.id FROM accounts a, accounts b WHERE a.label = 'new account' AND b.label = 'house';
