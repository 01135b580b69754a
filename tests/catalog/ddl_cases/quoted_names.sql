CREATE TABLE "Order Items" ("Item ID" int PRIMARY KEY, "user" text, Amount int);
CREATE INDEX ON "Order Items" ("user");
-- expect: columns public.Order Items Item ID, user, amount
-- expect: constraint public.Order Items Order Items_pkey primary key PRIMARY KEY ("Item ID")
-- expect: index public.Order Items Order Items_user_idx
