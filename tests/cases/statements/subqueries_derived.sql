CREATE TABLE users (id bigint PRIMARY KEY, team_id bigint, score int);
CREATE TABLE teams (id bigint PRIMARY KEY, name text);

CREATE VIEW team_scores AS
SELECT t.name, s.total, s.members
  FROM teams t
  JOIN (SELECT team_id, sum(score) AS total, count(*) AS members FROM users GROUP BY team_id) s
    ON s.team_id = t.id
 WHERE EXISTS (SELECT 1 FROM users u WHERE u.team_id = t.id AND u.score > 10)
   AND t.id IN (SELECT team_id FROM users);

CREATE VIEW team_scores_broken AS
SELECT t.name, s.sum_score, x.a              -- expect: PGD101(s.sum_score)
  FROM teams t
  JOIN (SELECT team_id, sum(score) AS total FROM users GROUP BY team_id) s ON s.team_id = t.id
  JOIN (SELECT id FROM users) AS x(a) ON x.id = t.id          -- expect: PGD101(x.id)
 WHERE EXISTS (SELECT 1 FROM users u WHERE u.team = t.id);    -- expect: PGD101(team_id)
