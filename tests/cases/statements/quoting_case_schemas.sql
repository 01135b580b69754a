CREATE SCHEMA billing;
CREATE TABLE billing."Invoices" (id bigint PRIMARY KEY, "Amount" numeric, customer text);
CREATE TABLE billing.payments (id bigint PRIMARY KEY, invoice_id bigint);

CREATE VIEW billing.invoice_totals AS
SELECT i.id, i."Amount", P.INVOICE_ID
  FROM billing."Invoices" i
  JOIN BILLING.Payments p ON p.invoice_id = i.id;

CREATE VIEW billing.invoice_totals_broken AS
SELECT i.amount,                             -- expect: PGD101(Amount)
       i."Customer"                          -- expect: PGD101(customer)
  FROM billing."Invoices" i
  JOIN billing.invoices x ON true            -- expect: PGD102
  JOIN payments p ON p.invoice_id = i.id;    -- expect: PGD102
