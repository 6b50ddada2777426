INSERT INTO media (title) VALUES ('note');
INSERT INTO photos (title, width) VALUES ('beach', 800), ('cat', 640);
INSERT INTO clips (title, seconds) VALUES ('clip', 12);
INSERT INTO photo_tags (photo_id, tag) VALUES (2, 'sea'), (3, 'cat');
