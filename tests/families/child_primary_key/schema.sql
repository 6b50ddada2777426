-- Inheritance children with primary keys of their own on the key they
-- inherit, and a table referencing a child's key. Converts on PostgreSQL
-- 14 to 17; preflight refuses it on 18 (tests/versions.rs).
CREATE TABLE media (
    id serial PRIMARY KEY,
    title text NOT NULL
);
CREATE TABLE photos (
    width integer NOT NULL,
    PRIMARY KEY (id)
) INHERITS (media);
CREATE TABLE clips (
    id integer NOT NULL,
    seconds integer NOT NULL
) INHERITS (media);
CREATE TABLE photo_tags (
    id serial PRIMARY KEY,
    photo_id integer NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    tag text NOT NULL
);
