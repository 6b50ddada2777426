INSERT INTO accounts (email, created_at) VALUES
    ('ada@example.com', '2021-03-01 09:00:00+00'),
    ('grace@example.com', '2019-07-15 18:30:00.5+00'),
    ('linus@example.com', '2023-11-30 23:59:59.999999+00');
INSERT INTO labels (name) VALUES ('work'), ('home'), ('later');
INSERT INTO notes (account_id, label_id, written_at, body) VALUES
    (1, 1, '2021-03-02 10:00:00', 'first'),
    (1, NULL, NULL, 'undated'),
    (2, 3, 'infinity', 'someday'),
    (3, 2, '1960-01-01 00:00:00', 'old');
