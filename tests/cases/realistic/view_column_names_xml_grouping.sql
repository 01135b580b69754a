-- A view's unaliased output columns are named as Postgres names them: xmlelement(…) is
-- "xmlelement", xmlforest "xmlforest", grouping(…) "grouping" (compared with pg_attribute
-- on PG 15 for 58 expression shapes).
CREATE TABLE sales (region text, product text, amount numeric);
CREATE VIEW sales_xml AS SELECT xmlelement(name sale, region), xmlforest(product, amount) FROM sales;
CREATE VIEW sales_rollup AS SELECT region, grouping(region), sum(amount) FROM sales GROUP BY ROLLUP (region);

SELECT x.xmlelement, x.xmlforest FROM sales_xml x;
SELECT r.region, r.grouping, r.sum FROM sales_rollup r;
SELECT r.groupin FROM sales_rollup r;  -- expect: PGD101(grouping)
