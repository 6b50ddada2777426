-- fk_cycle: writes after the forward migration.

-- A new store and its manager, inserted store-first inside one transaction:
-- the deferred FK stores.manager_id is only checked at COMMIT.
BEGIN;
INSERT INTO stores (name) VALUES ('ks-store');
INSERT INTO staff (store_id, name, email)
SELECT id, 'ks-manager', 'ks-manager@shop.example' FROM stores WHERE name = 'ks-store';
UPDATE stores SET manager_id = (SELECT id FROM staff WHERE name = 'ks-manager')
WHERE name = 'ks-store';
COMMIT;

-- A clerk in the new store, and one in an old store.
INSERT INTO staff (store_id, name)
SELECT id, 'ks-clerk' FROM stores WHERE name = 'ks-store';
INSERT INTO staff (store_id, name)
SELECT id, 'ks-airport-clerk' FROM stores WHERE name = 'Airport';

-- An old employee moves to the outlet, which had no manager, and becomes its manager.
UPDATE staff SET store_id = (SELECT id FROM stores WHERE name = 'Outlet')
WHERE name = 'Bob Clerk';
UPDATE stores SET manager_id = (SELECT id FROM staff WHERE name = 'Bob Clerk')
WHERE name = 'Outlet';

-- Sales through the new keys.
INSERT INTO sales (store_id, staff_id, amount)
SELECT s.id, st.id, 42.42 FROM stores s, staff st
WHERE s.name = 'ks-store' AND st.name = 'ks-clerk';
INSERT INTO sales (store_id, staff_id, amount)
SELECT id, NULL, 0.42 FROM stores WHERE name = 'Downtown';
UPDATE sales SET staff_id = (SELECT id FROM staff WHERE name = 'ks-airport-clerk')
WHERE amount = 100.00;
