import cdkJson from '../../cdk.json';
import { readSettings, SettingsError, sheetsCallers } from '../../lib/infra/settings';

const contextOf =
  (extra: Record<string, unknown>) =>
  (key: string): unknown =>
    ({ ...cdkJson.context, ...extra })[key];

describe('stage settings from context', () => {
  test('the stage defaults to dev and takes its settings from cdk.json', () => {
    const { stage, settings } = readSettings(contextOf({}));
    expect(stage).toBe('dev');
    expect(settings).toMatchObject(cdkJson.context['zone-eval:stages'].dev);
  });

  test('-c stage=prod picks the prod defaults, and -c <setting>=<value> overrides one (strings from the command line)', () => {
    const { stage, settings } = readSettings(
      contextOf({ stage: 'prod', syncConcurrency: '3', alarmEmail: 'ops@example.org' }),
    );
    expect(stage).toBe('prod');
    expect(settings.syncConcurrency).toBe(3);
    expect(settings.alarmEmail).toBe('ops@example.org');
    expect(settings.monthlyBackupDays).toBe(cdkJson.context['zone-eval:stages'].prod.monthlyBackupDays);
  });

  test('a stage with no defaults in cdk.json uses the built-in ones', () => {
    expect(readSettings(contextOf({ stage: 'staging' })).settings.logRetentionDays).toBe(90);
  });

  test('an unknown setting in cdk.json is refused with the closest known name', () => {
    const stages = { dev: { alarmEmial: 'x@example.org' } };
    expect(() => readSettings(contextOf({ 'zone-eval:stages': stages }))).toThrow(
      /unknown setting 'alarmEmial' \(did you mean `alarmEmail`\?\)/,
    );
  });

  test('a malformed value is refused naming the setting and where to set it', () => {
    expect(() => readSettings(contextOf({ logRetentionDays: '42' }))).toThrow(SettingsError);
    expect(() => readSettings(contextOf({ logRetentionDays: '42' }))).toThrow(
      /setting logRetentionDays: .*-c logRetentionDays=/,
    );
    expect(() => readSettings(contextOf({ evaluations: 'eval2026' }))).toThrow(
      /evaluationId=folderId@sharedDriveId/,
    );
    expect(() => readSettings(contextOf({ syncConcurrency: '1' }))).toThrow(/syncConcurrency/);
    expect(() => readSettings(contextOf({ alarmEmail: 'not-an-address' }))).toThrow(/alarmEmail/);
  });

  test('monthly backups moved to cold storage must be kept 90 days there: a shorter retention is refused with the remedy', () => {
    expect(() => readSettings(contextOf({ stage: 'prod', monthlyBackupDays: '100' }))).toThrow(
      /setting coldBackupAfterDays: a backup moved to cold storage after 35 days must be kept 125 days at least \(monthlyBackupDays is 100\): raise monthlyBackupDays, or set coldBackupAfterDays to 0/,
    );
    const warm = readSettings(
      contextOf({ stage: 'prod', monthlyBackupDays: '100', coldBackupAfterDays: '0' }),
    );
    expect(warm.settings).toMatchObject({ monthlyBackupDays: 100, coldBackupAfterDays: 0 });
    expect(() => readSettings(contextOf({ 'zone-eval:stages': { dev: { dailyBackupDays: 7 } } }))).toThrow(
      /unknown setting 'dailyBackupDays'/,
    );
  });

  test('a stage name that cannot name resources is refused', () => {
    expect(() => readSettings(contextOf({ stage: 'Prod_1' }))).toThrow(
      /stage must be a short lowercase name/,
    );
  });

  test('every process that may call Sheets at once counts in the pacing share', () => {
    const { settings } = readSettings(
      contextOf({ syncConcurrency: '3', evaluateConcurrency: '2', otherSheetsCallers: '1' }),
    );
    expect(sheetsCallers(settings)).toBe(6);
  });
});
