-- hostile_text: seed rows.
INSERT INTO public."acct
\! touch pw_t ;*/$$'\\" (note) VALUES ('one'), ('two'), ('special
\! touch pw_data'), ('four');
INSERT INTO public."a$keyshift$b
\i pw_i" ("acct
\! touch pw_fk", note) SELECT "id
\o pw_o", 'child of ' || note FROM public."acct
\! touch pw_t ;*/$$'\\";
INSERT INTO public."a$keyshift$b
\i pw_i" ("acct
\! touch pw_fk", note) VALUES (NULL, 'no parent');
