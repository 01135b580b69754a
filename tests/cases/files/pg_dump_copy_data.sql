CREATE TABLE kv (k text, v text);
COPY kv (k, v) FROM stdin;
a	b
sel\tect x;
\.
SELECT vv FROM kv; -- expect: PGD101
COPY kv (k) FROM stdin;
\.
