-- non_public_schema: writes after the forward migration. Every name is qualified.

INSERT INTO app.accounts (name) VALUES ('ks-account');
INSERT INTO public.accounts (name) VALUES ('ks-decoy');

INSERT INTO app.events (account_id, kind, payload)
SELECT id, 'ks-signup', '{"ks": true}' FROM app.accounts WHERE name = 'ks-account';

INSERT INTO billing.invoices (account_id, number, total)
SELECT id, 'ks-INV-1', 1.23 FROM app.accounts WHERE name = 'ks-account';

INSERT INTO billing.invoices (account_id, number, total)
SELECT id, 'ks-INV-2', 4.56 FROM app.accounts WHERE name = 'initech';

INSERT INTO billing.events (invoice_id, account_id, kind)
SELECT i.id, i.account_id, 'ks-issued' FROM billing.invoices i WHERE i.number = 'ks-INV-1';

INSERT INTO billing.events (invoice_id, account_id, kind)
SELECT id, NULL, 'ks-anonymous' FROM billing.invoices WHERE number = 'INV-003';

INSERT INTO public.notes (invoice_id, account_id, body)
SELECT i.id, d.id, 'ks-note' FROM billing.invoices i, public.accounts d
WHERE i.number = 'ks-INV-2' AND d.name = 'ks-decoy';

-- Move an old invoice to the new account, and an old app event to globex.
UPDATE billing.invoices SET account_id = (SELECT id FROM app.accounts WHERE name = 'ks-account')
WHERE number = 'INV-002';
UPDATE app.events SET account_id = (SELECT id FROM app.accounts WHERE name = 'globex')
WHERE kind = 'login';
UPDATE public.notes SET account_id = (SELECT id FROM public.accounts WHERE name = 'decoy two')
WHERE body = 'decoy note';
