import { describe, expect, it } from 'vitest';
import { MIGRATIONS, pendingMigrations, SCHEMA_VERSION, type Migration } from './migrations';

describe('pendingMigrations', () => {
  const steps: Migration[] = [() => {}, () => {}, () => {}];

  it('runs every step for a new database', () => {
    expect(pendingMigrations(0, steps)).toEqual(steps);
  });

  it('runs only the steps after the stored version, in order', () => {
    expect(pendingMigrations(1, steps)).toEqual([steps[1], steps[2]]);
    expect(pendingMigrations(3, steps)).toEqual([]);
  });

  it('refuses data written by a newer page', () => {
    expect(() => pendingMigrations(4, steps)).toThrow(/newer version/);
  });

  it('refuses nonsense versions', () => {
    expect(() => pendingMigrations(-1, steps)).toThrow(RangeError);
    expect(() => pendingMigrations(1.5, steps)).toThrow(RangeError);
  });

  it('the schema version is the number of steps', () => {
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(1);
  });
});
