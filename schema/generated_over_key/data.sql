INSERT INTO shelves (label) VALUES ('fiction'), ('history');
INSERT INTO books (shelf_id, title) VALUES (1, 'Dune'), (2, 'SPQR');
