-- function_default: a key whose default calls a function of the schema's
-- own, written unqualified and found through the search_path. The function
-- lives in a schema that neither rollback's search_path nor PostgreSQL's
-- default one holds, so restoring the default from this text would fail;
-- forward records it as the server prints it (schema-qualified) instead.

CREATE SCHEMA ticketing;
CREATE SEQUENCE ticketing.ticket_numbers START WITH 1000;
CREATE FUNCTION ticketing.next_ticket() RETURNS integer
LANGUAGE sql AS $$ SELECT nextval('ticketing.ticket_numbers')::integer $$;

SET search_path = public, ticketing;

CREATE TABLE tickets (
    id     integer PRIMARY KEY DEFAULT next_ticket(),
    title  text NOT NULL
);

CREATE TABLE replies (
    id         serial PRIMARY KEY,
    ticket_id  integer NOT NULL REFERENCES tickets (id),
    body       text NOT NULL
);
