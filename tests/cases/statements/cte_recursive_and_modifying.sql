CREATE TABLE tasks (id bigint PRIMARY KEY, parent_id bigint, status text, done_at timestamptz);

CREATE FUNCTION task_tree(p_root bigint) RETURNS SETOF bigint LANGUAGE sql AS $$
    WITH RECURSIVE tree(task_id, depth) AS (
        SELECT id, 0 FROM tasks WHERE id = p_root
        UNION ALL
        SELECT t.id, tree.depth + 1 FROM tasks t JOIN tree ON t.parent_id = tree.task_id
    )
    SELECT task_id FROM tree ORDER BY depth;
$$;

CREATE FUNCTION finish_children(p_root bigint) RETURNS bigint LANGUAGE sql AS $$
    WITH done AS (
        UPDATE tasks SET status = 'done', done_at = now()
         WHERE parent_id = p_root
        RETURNING id, parent_id
    )
    SELECT count(*) FROM done WHERE done.parent = p_root;   -- expect: PGD101(parent_id)
$$;

CREATE FUNCTION tree_broken(p_root bigint) RETURNS SETOF bigint LANGUAGE sql AS $$
    WITH RECURSIVE tree(task_id) AS (
        SELECT id FROM tasks WHERE id = p_root
        UNION ALL
        SELECT t.id FROM tasks t JOIN tree ON t.parent_id = tree.id   -- expect: PGD101(task_id)
    )
    SELECT task_id FROM tree;
$$;
