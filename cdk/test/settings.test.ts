import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SettingsError, readSettings } from '../lib/settings.ts';
import { context } from './synth.ts';

const read = (overrides: Record<string, unknown>) => readSettings((key) => context(overrides)[key]);

test('typical settings are read with their defaults', () => {
  const s = read({});
  assert.equal(s.stage, 'prod');
  assert.equal(s.nodeCapacity, 400);
  assert.equal(s.nodeInstanceType, 'c7g.xlarge');
  assert.equal(s.recordingsExpireDays, undefined);
});

test('a wrong setting stops the synth with a message naming it', () => {
  const refused: [Record<string, unknown>, RegExp][] = [
    [{ publicUrl: undefined }, /publicUrl is required/],
    [{ publicUrl: 'http://peershare.example' }, /publicUrl must be an https origin/],
    [{ publicUrl: 'https://peershare.example/app' }, /publicUrl must be an https origin/],
    [{ stage: 'Prod!' }, /stage must be/],
    [{ maxNodes: 0 }, /maxNodes must be a whole number from 1/],
    [{ nodeCapacity: '12.5' }, /nodeCapacity must be a whole number/],
    [{ nodeAmiId: 'ami-xyz' }, /nodeAmiId must be an AMI id/],
    [{ alarmEmail: 'nobody' }, /alarmEmail must be an email address/],
    [{ googleClientId: 'a b' }, /googleClientId must be an OAuth client id/],
    [{ lambdaDir: '/nonexistent' }, /does not exist: build it with `cargo xtask aws-build`/],
  ];
  for (const [overrides, message] of refused) {
    assert.throws(() => read(overrides), (e: unknown) => e instanceof SettingsError && message.test(e.message), JSON.stringify(overrides));
  }
});
