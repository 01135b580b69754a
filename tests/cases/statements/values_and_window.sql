CREATE TABLE scores (player text, game int, points int);

CREATE VIEW ranked AS
SELECT player, points,
       rank() OVER (PARTITION BY game ORDER BY points DESC) AS r,
       sum(points) OVER w AS running
  FROM scores
WINDOW w AS (PARTITION BY player ORDER BY game);

CREATE VIEW tiers AS
SELECT s.player, t.label
  FROM scores s
  JOIN (VALUES (0, 'bronze'), (100, 'silver'), (500, 'gold')) AS t(min_points, label)
    ON s.points >= t.min_points;

CREATE VIEW tiers_broken AS
SELECT s.player, t.name                               -- expect: PGD101
  FROM scores s
  JOIN (VALUES (0, 'bronze')) AS t(min_points, label) ON s.points >= t.min_points
WINDOW w AS (PARTITION BY s.team);                    -- expect: PGD101
