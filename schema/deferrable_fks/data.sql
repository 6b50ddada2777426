-- Children first: the deferred FKs are only checked at COMMIT (the
-- INITIALLY IMMEDIATE ones are deferred for this transaction).
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO books (id, title, author_id, editor_id, sequel_of) VALUES
    (1, 'Dune',           1, NULL, NULL),
    (2, 'Dune Messiah',   1, 2,    NULL),
    (3, 'Hyperion',       3, 2,    NULL);
INSERT INTO book_authors (book_id, author_id, position) VALUES
    (1, 1, 1), (2, 1, 1), (3, 3, 1), (3, 2, 2);
INSERT INTO authors (id, name) VALUES
    (1, 'Frank Herbert'), (2, 'Ed Itor'), (3, 'Dan Simmons'), (4, 'Nobody Yet');
COMMIT;
UPDATE books SET sequel_of = 1 WHERE id = 2;
SELECT setval(pg_get_serial_sequence('authors', 'id'), 4);
SELECT setval(pg_get_serial_sequence('books', 'id'), 3);

INSERT INTO royalties (id, book_id, author_id, amount, note) VALUES
    (1, 1,    1,    100.00, 'dune q1'),
    (2, 3,    2,    20.00,  'hyperion editor share'),
    (3, NULL, NULL, 5.00,   'unassigned');
SELECT setval(pg_get_serial_sequence('royalties', 'id'), 3);
