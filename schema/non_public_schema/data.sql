-- The decoy rows use the same ids as the real ones.
INSERT INTO public.accounts (id, name) VALUES (1, 'decoy one'), (2, 'decoy two');
SELECT setval('public.accounts_id_seq', 2);

INSERT INTO app.accounts (id, name) VALUES (1, 'acme'), (2, 'globex'), (3, 'initech');
SELECT setval('app.accounts_id_seq', 3);

INSERT INTO app.events (id, account_id, kind, payload) VALUES
    (1, 1, 'signup', '{"plan": "pro"}'),
    (2, 1, 'login',  NULL),
    (3, 2, 'signup', '{"plan": "free"}');
SELECT setval('app.events_id_seq', 3);

INSERT INTO billing.invoices (id, account_id, number, total) VALUES
    (1, 1, 'INV-001', 100.00),
    (2, 1, 'INV-002', 250.00),
    (3, 2, 'INV-003', 9.99);
SELECT setval('billing.invoices_id_seq', 3);

INSERT INTO billing.events (id, invoice_id, account_id, kind) VALUES
    (1, 1, 1,    'issued'),
    (2, 1, 1,    'paid'),
    (3, 3, NULL, 'issued');
SELECT setval('billing.events_id_seq', 3);

INSERT INTO public.notes (id, invoice_id, account_id, body) VALUES
    (1, 2,    NULL, 'chase payment'),
    (2, NULL, 1,    'decoy note');
SELECT setval('public.notes_id_seq', 2);
