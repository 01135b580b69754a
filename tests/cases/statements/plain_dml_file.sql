CREATE TABLE plans (id int PRIMARY KEY, code text NOT NULL CHECK (code IN ('free', 'pro', 'team')), price numeric);

INSERT INTO plans (id, code, price) VALUES (1, 'free', 0), (2, 'pro', 10);
INSERT INTO plans (id, code, price) VALUES (3, 'enterprise', 99);      -- expect: PGD107
UPDATE plans SET price = 12 WHERE code = 'pro';
UPDATE plans SET prize = 12 WHERE code = 'pro';                        -- expect: PGD101(price)
DELETE FROM plans WHERE code = 'teams';                                -- expect: PGD107(team)
SELECT id, code FROM plans ORDER BY price;
