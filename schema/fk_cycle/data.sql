-- The stores point at managers that are inserted later in the same transaction.
BEGIN;
INSERT INTO stores (id, name, manager_id) VALUES
    (1, 'Downtown', 10),
    (2, 'Airport',  20),
    (3, 'Outlet',   NULL);
INSERT INTO staff (id, store_id, name, email) VALUES
    (10, 1, 'Mia Manager',  'mia@shop.example'),
    (11, 1, 'Carl Clerk',   'carl@shop.example'),
    (20, 2, 'Ann Manager',  'ann@shop.example'),
    (21, 2, 'Bob Clerk',    NULL),
    (30, 3, 'Oli Outlet',   'oli@shop.example');
COMMIT;
SELECT setval(pg_get_serial_sequence('stores', 'id'), 3);
SELECT setval(pg_get_serial_sequence('staff', 'id'), 30);

INSERT INTO sales (id, store_id, staff_id, amount) VALUES
    (1, 1, 11,   19.99),
    (2, 1, 10,   5.00),
    (3, 2, 21,   100.00),
    (4, 3, NULL, 7.50);
SELECT setval(pg_get_serial_sequence('sales', 'id'), 4);
