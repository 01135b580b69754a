CREATE TABLE base (id int NOT NULL, note text DEFAULT 'n', CHECK (id > 0));
CREATE TABLE kid (extra int) INHERITS (base);
CREATE TABLE measurements (city int, logdate date NOT NULL, peak int) PARTITION BY RANGE (logdate);
CREATE TABLE m2024 PARTITION OF measurements (peak DEFAULT 0) FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE copy1 (LIKE base);
CREATE TABLE copy2 (LIKE base INCLUDING DEFAULTS INCLUDING CONSTRAINTS, z int);
CREATE TABLE IF NOT EXISTS base (other int);
-- expect: relation public.kid table parent public.base
-- expect: columns public.kid id, note, extra
-- expect: constraint public.kid base_id_check check CHECK (id > 0)
-- expect: relation public.measurements partitioned table
-- expect: relation public.m2024 table parent public.measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
-- expect: column public.m2024.peak integer default 0
-- expect: column public.m2024.logdate date not null
-- expect: columns public.copy1 id, note
-- expect: column public.copy1.note text
-- expect: column public.copy2.note text default 'n'
-- expect: columns public.copy2 id, note, z
-- expect: constraint public.copy2 base_id_check check CHECK (id > 0)
-- expect: columns public.base id, note
