-- Scripts run with `psql -v app_schema=… -v owner_role=…` (or by a migration tool that
-- substitutes the same placeholders, bodies included): :name, :'name' and :"name" are
-- client-side variables, not SQL: a schema name before a dot, else a value (query files
-- with :named parameters). Slices (arr[1:n]) and casts (x::int) are left alone.
create schema if not exists :APP_SCHEMA;
create table :APP_SCHEMA.tasks (
  id bigserial primary key,
  queue text not null,
  tags text[] not null default '{}',
  attempts int not null default 0
);
comment on table :APP_SCHEMA.tasks is :'table_comment';

create function :APP_SCHEMA.take(p_queue text) returns :APP_SCHEMA.tasks as $$
declare
  v_row :APP_SCHEMA.tasks;
begin
  update :APP_SCHEMA.tasks set attempts = attempts + 1
    where id = (select t.id from :APP_SCHEMA.tasks t where t.queue = p_queue limit 1)
    returning * into v_row;
  return v_row;
end;
$$ language plpgsql;

select t.tags[1:2], t.attempts::bigint from :APP_SCHEMA.tasks t;
select t.id from :APP_SCHEMA.tasks t where t.queue = :queue_name and t.attempts < :max_attempts;
select t.atempts from :APP_SCHEMA.tasks t;  -- expect: PGD101(attempts)
