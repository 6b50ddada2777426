-- A foreign key to a table the schema does not define.
CREATE TABLE journals (
    id serial PRIMARY KEY,
    user_id integer NOT NULL REFERENCES accounts (id)
);
