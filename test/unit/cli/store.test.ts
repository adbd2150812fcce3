import { UsageError } from '../../../lib/cli/errors';
import { openStore } from '../../../lib/cli/store';

describe('the admin commands reach the table by name', () => {
  const saved = process.env['TABLE_NAME'];
  afterEach(() => {
    if (saved === undefined) delete process.env['TABLE_NAME'];
    else process.env['TABLE_NAME'] = saved;
  });
  const base = { evaluation: 'pilot-2025', as: 'admin@example.gov.cn' };

  it('refuses to guess a table when neither --table nor TABLE_NAME is given', () => {
    delete process.env['TABLE_NAME'];
    expect(() => openStore(base)).toThrow(UsageError);
    expect(() => openStore(base)).toThrow(/--table is required .*zone-eval-prod/);
  });

  it('takes TABLE_NAME from the environment, and --table over it', () => {
    process.env['TABLE_NAME'] = 'zone-eval-prod';
    const fromEnv = openStore({ ...base, endpoint: 'http://127.0.0.1:1' });
    expect(fromEnv.store.tableName).toBe('zone-eval-prod');
    fromEnv.close();
    const given = openStore({ ...base, table: 'zone-eval-test', endpoint: 'http://127.0.0.1:1' });
    expect(given.store.tableName).toBe('zone-eval-test');
    given.close();
  });
});
