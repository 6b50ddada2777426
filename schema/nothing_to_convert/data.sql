INSERT INTO accounts (id, email) VALUES
    ('7c3a1f4e-2b9d-4c1a-8e5f-0a1b2c3d4e5f', 'a@example.com'),
    ('1f2e3d4c-5b6a-4978-8877-665544332211', 'b@example.com');
INSERT INTO countries (code, name) VALUES ('NL', 'Netherlands'), ('JP', 'Japan');
INSERT INTO addresses (account_id, country_code, line) VALUES
    ('7c3a1f4e-2b9d-4c1a-8e5f-0a1b2c3d4e5f', 'NL', 'Dam 1'),
    ('1f2e3d4c-5b6a-4978-8877-665544332211', 'JP', 'Chiyoda 1');
