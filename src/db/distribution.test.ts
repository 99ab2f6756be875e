import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from './test-db.js';
import { COORDINATOR_TABLES, DISTRIBUTION_COLUMN, REFERENCE_TABLES } from './distribution.js';

const declared = new Set<string>([...REFERENCE_TABLES, ...COORDINATOR_TABLES]);

describe.skipIf(!testDialects().includes('postgres'))('a schema ready to distribute by workspace (PostgreSQL)', () => {
  it('leads every key of every tenant table with workspace_id, and declares the other tables', async () => {
    const db = await createTestDb('postgres');
    try {
      const { rows: tables } = await sql<{ name: string; has_ws: boolean }>`
        select c.relname as name,
               exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = ${DISTRIBUTION_COLUMN} and not a.attisdropped) as has_ws
        from pg_class c where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r'`.execute(db.kysely);
      const undeclared = tables.filter((t) => !t.has_ws && !declared.has(t.name)).map((t) => t.name);
      expect(undeclared, 'tables without workspace_id must be declared in src/db/distribution.ts').toEqual([]);
      const distributed = tables.filter((t) => t.has_ws && !declared.has(t.name)).map((t) => t.name);
      expect(distributed.length).toBeGreaterThan(20);

      const { rows: constraints } = await sql<{ tbl: string; name: string; type: string; cols: string[]; ref: string | null; refcols: string[] | null }>`
        select cl.relname as tbl, con.conname as name, con.contype as type,
               array(select a.attname::text from unnest(con.conkey) k join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k) as cols,
               rc.relname as ref,
               array(select a.attname::text from unnest(con.confkey) k join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k) as refcols
        from pg_constraint con join pg_class cl on cl.oid = con.conrelid left join pg_class rc on rc.oid = con.confrelid
        where cl.relnamespace = current_schema()::regnamespace and con.contype in ('p', 'u', 'f')`.execute(db.kysely);
      const problems: string[] = [];
      for (const c of constraints) {
        if (!distributed.includes(c.tbl)) continue;
        if (c.type === 'f') {
          const toReference = (REFERENCE_TABLES as readonly string[]).includes(c.ref ?? '');
          if (!toReference && !(c.cols.includes(DISTRIBUTION_COLUMN) && c.refcols?.includes(DISTRIBUTION_COLUMN))) {
            problems.push(`${c.tbl}.${c.name}: foreign key (${c.cols}) → ${c.ref}(${c.refcols}) without workspace_id on both sides`);
          }
        } else if (!c.cols.includes(DISTRIBUTION_COLUMN)) {
          problems.push(`${c.tbl}.${c.name}: ${c.type === 'p' ? 'primary key' : 'unique'} (${c.cols}) without workspace_id`);
        }
      }
      const { rows: indexes } = await sql<{ tbl: string; name: string; cols: string[] }>`
        select t.relname as tbl, i.relname as name,
               array(select a.attname::text from unnest(x.indkey) k join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k) as cols
        from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
        where t.relnamespace = current_schema()::regnamespace and x.indisunique`.execute(db.kysely);
      for (const index of indexes) {
        if (distributed.includes(index.tbl) && !index.cols.includes(DISTRIBUTION_COLUMN)) {
          problems.push(`${index.tbl}.${index.name}: unique index (${index.cols}) without workspace_id`);
        }
      }
      expect(problems).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
