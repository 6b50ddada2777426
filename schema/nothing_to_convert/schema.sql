-- A schema with no integer key to move: keys are already uuid or text.
-- The bundle must still be valid SQL that runs, and change nothing.
CREATE TABLE accounts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL UNIQUE
);

CREATE TABLE countries (
    code character(2) PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE addresses (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    country_code character(2) NOT NULL REFERENCES countries (code),
    line text NOT NULL,
    PRIMARY KEY (account_id, country_code)
);
