CREATE TABLE hits (id bigint PRIMARY KEY, path text, at timestamptz);

CREATE VIEW hourly AS
SELECT date_trunc('hour', at) AS hour, path, count(*) AS n
  FROM hits
 GROUP BY hour, path
 ORDER BY n DESC, hour;

CREATE VIEW hourly_broken AS
SELECT date_trunc('hour', at) AS hour, count(*) AS n
  FROM hits
 GROUP BY hour
 ORDER BY total DESC;          -- expect: PGD101
