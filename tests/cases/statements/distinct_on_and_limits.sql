CREATE TABLE readings (sensor_id int, taken_at timestamptz, value numeric);

CREATE FUNCTION latest_readings() RETURNS SETOF readings LANGUAGE sql AS $$
    SELECT DISTINCT ON (sensor_id) *
      FROM readings
     ORDER BY sensor_id, taken_at DESC
     LIMIT 100 OFFSET 0
$$;

CREATE FUNCTION latest_readings_broken() RETURNS SETOF readings LANGUAGE sql AS $$
    SELECT DISTINCT ON (sensor) *                -- expect: PGD101(sensor_id)
      FROM readings
     ORDER BY sensor, taken DESC                 -- expect: PGD101(sensor_id) PGD101(taken_at)
$$;
