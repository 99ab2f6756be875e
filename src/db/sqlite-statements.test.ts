import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PreparedStatements } from './sqlite-statements.js';

describe('prepared statements kept by their SQL', () => {
  it('prepares a query once and keeps at most `limit`, dropping the least recently used', () => {
    const db = new SQLite(':memory:');
    const kept = new PreparedStatements(db, 2);
    const one = kept.get('select 1');
    expect(kept.get('select 1')).toBe(one);
    const two = kept.get('select 2');
    kept.get('select 1');
    kept.get('select 3');
    expect(kept.get('select 1')).toBe(one);
    expect(kept.get('select 2')).not.toBe(two);
    db.close();
  });

  it('a kept statement still answers after the table it reads changes shape', () => {
    const db = new SQLite(':memory:');
    const kept = new PreparedStatements(db);
    db.exec('create table t (a integer); insert into t values (1)');
    expect(kept.get('select * from t').all()).toEqual([{ a: 1 }]);
    db.exec('alter table t add column b integer default 2');
    expect(kept.get('select * from t').all()).toEqual([{ a: 1, b: 2 }]);
    db.close();
  });
});
