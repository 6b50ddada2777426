-- deferrable_fks: foreign keys with every deferral mode, and a MATCH FULL
-- composite foreign key.

CREATE TABLE authors (
    id    serial PRIMARY KEY,
    name  text NOT NULL UNIQUE
);

CREATE TABLE books (
    id         serial PRIMARY KEY,
    title      text NOT NULL,
    -- checked at COMMIT: a book may be inserted before its author
    author_id  integer NOT NULL REFERENCES authors (id) DEFERRABLE INITIALLY DEFERRED,
    -- deferrable, but checked per statement unless SET CONSTRAINTS … DEFERRED
    editor_id  integer,
    CONSTRAINT books_editor_fkey FOREIGN KEY (editor_id) REFERENCES authors (id)
        ON DELETE SET NULL DEFERRABLE INITIALLY IMMEDIATE,
    -- NOT DEFERRABLE (the default), spelled out
    sequel_of  integer CONSTRAINT books_sequel_of_fkey REFERENCES books (id) NOT DEFERRABLE
);

CREATE TABLE book_authors (
    book_id    integer NOT NULL REFERENCES books (id) DEFERRABLE INITIALLY DEFERRED,
    author_id  integer NOT NULL REFERENCES authors (id) DEFERRABLE,
    position   smallint NOT NULL DEFAULT 1,
    PRIMARY KEY (book_id, author_id)
);

-- Either both columns are NULL or both must match a book_authors row.
CREATE TABLE royalties (
    id         bigserial PRIMARY KEY,
    book_id    integer,
    author_id  integer,
    amount     numeric(10, 2) NOT NULL,
    note       text,
    CONSTRAINT royalties_book_author_fkey FOREIGN KEY (book_id, author_id)
        REFERENCES book_authors (book_id, author_id) MATCH FULL
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
