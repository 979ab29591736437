import assert from 'node:assert/strict';
import {
  ConfigError,
  httpUrl,
  loadSettings,
  maskSettings,
  nonEmpty,
  settingFlags,
  wholeNumber,
  wholeNumberList,
  type SettingsTable,
} from './config-table.js';

interface Example {
  count: number;
  levels: number[];
  url: string | undefined;
  token: string | undefined;
}

const TABLE: SettingsTable<Example> = {
  envPrefix: 'FHIRLEDGER_EXAMPLE_',
  settings: [
    {
      key: 'count',
      flag: 'count',
      default: '5',
      parse: wholeNumber(1, 10),
      valueName: 'N',
      description: 'how many',
    },
    {
      key: 'levels',
      flag: 'levels',
      default: '1,2',
      parse: wholeNumberList(1, 100),
      valueName: 'LIST',
      description: 'levels',
    },
    { key: 'url', flag: 'url', default: undefined, parse: httpUrl, valueName: 'URL', description: 'where' },
    {
      key: 'token',
      flag: 'token',
      default: 'built-in',
      parse: nonEmpty,
      secret: true,
      valueName: 'T',
      description: 'secret',
    },
  ],
};

describe('config table (flags > FHIRLEDGER_* env > defaults)', () => {
  it('takes a flag over its variable over the default, and leaves an unset default undefined', () => {
    const fromFlag = loadSettings(TABLE, { count: '7' }, { FHIRLEDGER_EXAMPLE_COUNT: '3' });
    assert.equal(fromFlag.count, 7);
    assert.equal(loadSettings(TABLE, {}, { FHIRLEDGER_EXAMPLE_COUNT: '3' }).count, 3);
    const defaults = loadSettings(TABLE, {}, { FHIRLEDGER_EXAMPLE_COUNT: '' });
    assert.deepEqual(defaults, { count: 5, levels: [1, 2], url: undefined, token: 'built-in' });
  });

  it('refuses a bad value with a ConfigError naming the flag or the variable and what was expected', () => {
    assert.throws(() => loadSettings(TABLE, { count: 'abc' }, {}), {
      name: 'ConfigError',
      message: '--count "abc" is not a whole number from 1 to 10',
    });
    assert.throws(() => loadSettings(TABLE, { count: '' }, {}), /--count "" is not a whole number/);
    assert.throws(
      () => loadSettings(TABLE, {}, { FHIRLEDGER_EXAMPLE_LEVELS: '5,x' }),
      /FHIRLEDGER_EXAMPLE_LEVELS entry "x" is not a whole number from 1 to 100/,
    );
    assert.throws(() => loadSettings(TABLE, { levels: '5,' }, {}), /--levels "5," has an empty entry/);
    assert.throws(() => loadSettings(TABLE, { url: 'ftp://host' }, {}), ConfigError);
    assert.throws(() => loadSettings(TABLE, { token: ' ' }, {}), /--token is empty; expected a value/);
  });

  it('masks secrets and URL credentials when printed, and keeps a secret default out of --help', () => {
    const config = loadSettings(TABLE, { url: 'https://user:pass@host/path', token: 'xyz' }, {});
    const shown = JSON.stringify(maskSettings(TABLE, config));
    assert.doesNotMatch(shown, /xyz|user:pass/);
    assert.match(shown, /"token":"\*\*\*"/);
    const flags = settingFlags(TABLE);
    assert.equal(flags.count?.description, 'how many (default 5); env FHIRLEDGER_EXAMPLE_COUNT');
    assert.doesNotMatch(flags.token?.description ?? '', /built-in/);
  });
});
