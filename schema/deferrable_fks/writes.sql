-- deferrable_fks: writes after the forward migration.

-- Child before parent in one transaction. Fresh UUIDs are drawn up front so
-- that rows can name parents that do not exist yet.
BEGIN;
CREATE TEMP TABLE ks_ids ON COMMIT DROP AS
    SELECT gen_random_uuid() AS author_uuid, gen_random_uuid() AS book2_uuid;
-- books.author_id is INITIALLY DEFERRED: the author comes later
INSERT INTO books (title, author_id)
SELECT 'ks-book', author_uuid FROM ks_ids;
INSERT INTO authors (id, name)
SELECT author_uuid, 'ks-author' FROM ks_ids;
-- book_authors.author_id is checked now (the author exists), book_id at COMMIT
INSERT INTO book_authors (book_id, author_id)
SELECT b.id, k.author_uuid FROM books b, ks_ids k WHERE b.title = 'ks-book';
INSERT INTO book_authors (book_id, author_id, position)
SELECT book2_uuid, author_uuid, 1 FROM ks_ids;
INSERT INTO books (id, title, author_id)
SELECT book2_uuid, 'ks-book-2', author_uuid FROM ks_ids;
COMMIT;

-- INITIALLY IMMEDIATE made deferred for one transaction.
BEGIN;
SET CONSTRAINTS books_editor_fkey DEFERRED;
CREATE TEMP TABLE ks_ed ON COMMIT DROP AS SELECT gen_random_uuid() AS editor_uuid;
UPDATE books SET editor_id = (SELECT editor_uuid FROM ks_ed) WHERE title = 'Dune';
INSERT INTO authors (id, name) SELECT editor_uuid, 'ks-editor' FROM ks_ed;
COMMIT;

-- A sequel of the new book, and an old book becomes a sequel of it.
INSERT INTO books (title, author_id, sequel_of)
SELECT 'ks-sequel', author_id, id FROM books WHERE title = 'ks-book';
UPDATE books SET sequel_of = (SELECT id FROM books WHERE title = 'ks-book')
WHERE title = 'Hyperion';

-- MATCH FULL: both columns set, or both NULL.
INSERT INTO royalties (book_id, author_id, amount, note)
SELECT ba.book_id, ba.author_id, 7.77, 'ks-royalty'
FROM book_authors ba JOIN books b ON b.id = ba.book_id WHERE b.title = 'ks-book';

INSERT INTO royalties (book_id, author_id, amount, note) VALUES (NULL, NULL, 0.01, 'ks-unassigned');

UPDATE royalties SET (book_id, author_id) = (
    SELECT ba.book_id, ba.author_id FROM book_authors ba JOIN books b ON b.id = ba.book_id
    WHERE b.title = 'ks-book')
WHERE note = 'unassigned';
