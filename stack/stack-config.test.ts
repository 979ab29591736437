import assert from 'node:assert/strict';
import path from 'node:path';
import { ExitCode } from '../common/cli-args.js';
import { loadNetworkSettings } from '../network/network-config.js';
import { runDown, runUp } from './cli.js';
import { STACK_DOWN_SETTINGS, STACK_UP_SETTINGS } from './stack-config.js';

/** Runs a command with these variables set and the process's stdout/stderr captured; all restored after. */
async function runWith(
  run: (argv: readonly string[]) => Promise<number>,
  argv: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const { stdout, stderr } = process;
  const originalOut = stdout.write.bind(stdout);
  const originalErr = stderr.write.bind(stderr);
  let out = '';
  let err = '';
  Object.assign(process.env, env);
  stdout.write = (text: string) => {
    out += text;
    return true;
  };
  stderr.write = (text: string) => {
    err += text;
    return true;
  };
  try {
    return { code: await run(argv), out, err };
  } finally {
    stdout.write = originalOut;
    stderr.write = originalErr;
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  }
}

describe('stack: up/down settings — flags, then FHIRLEDGER_STACK_* / FHIRLEDGER_NETWORK_HOME, then defaults', () => {
  it('takes a flag over its variable over the default, and the shared devnet home variable', () => {
    const settings = loadNetworkSettings(
      STACK_UP_SETTINGS,
      { providers: '3' },
      {
        FHIRLEDGER_STACK_PROVIDERS: '7',
        FHIRLEDGER_STACK_PATIENTS: '5',
        FHIRLEDGER_STACK_PORT_OFFSET: '45500',
        FHIRLEDGER_STACK_PROFILE: 'paper',
        FHIRLEDGER_NETWORK_HOME: '/tmp/some-stack',
      },
    );
    assert.deepEqual(
      { ...settings },
      {
        profile: 'paper',
        home: '/tmp/some-stack',
        portOffset: 45500,
        providers: 3,
        patients: 5,
        regulators: 2,
        gatewayLogLevel: 'warn',
      },
    );
    assert.ok(Object.isFrozen(settings));
    const down = loadNetworkSettings(STACK_DOWN_SETTINGS, {}, {});
    assert.equal(down.home, path.join(process.cwd(), '.fhirledger', 'devnet'));
  });

  it('lists every variable in up and down --help', async () => {
    const up = await runWith(runUp, ['--help'], {});
    assert.equal(up.code, ExitCode.OK);
    for (const name of [
      'FHIRLEDGER_STACK_PROFILE',
      'FHIRLEDGER_NETWORK_HOME',
      'FHIRLEDGER_STACK_PORT_OFFSET',
      'FHIRLEDGER_STACK_PROVIDERS',
      'FHIRLEDGER_STACK_PATIENTS',
      'FHIRLEDGER_STACK_REGULATORS',
      'FHIRLEDGER_STACK_GATEWAY_LOG_LEVEL',
    ])
      assert.match(up.out, new RegExp(`env ${name}\\b`));
    assert.match(up.out, /--providers N +providers to seed \(default 20\); env FHIRLEDGER_STACK_PROVIDERS/);
    const down = await runWith(runDown, ['--help'], {});
    assert.equal(down.code, ExitCode.OK);
    assert.match(down.out, /--home DIR .*env FHIRLEDGER_NETWORK_HOME/);
    assert.match(down.out, /--purge/);
  });

  it('refuses a bad variable or flag with exit 2, naming it, before anything starts', async () => {
    const badVariable = await runWith(runUp, [], { FHIRLEDGER_STACK_PROVIDERS: 'abc' });
    assert.equal(badVariable.code, ExitCode.USAGE);
    assert.equal(
      badVariable.err,
      'fhirledger up: FHIRLEDGER_STACK_PROVIDERS "abc" is not a whole number from 1 to 100000\n',
    );
    const badLevel = await runWith(runUp, [], { FHIRLEDGER_STACK_GATEWAY_LOG_LEVEL: 'loud' });
    assert.equal(badLevel.code, ExitCode.USAGE);
    assert.match(badLevel.err, /FHIRLEDGER_STACK_GATEWAY_LOG_LEVEL "loud" is not one of fatal, error, warn/);
    // The flag wins over a good variable, and its own bad value is named as the flag.
    const badFlag = await runWith(runUp, ['--port-offset', '70000'], { FHIRLEDGER_STACK_PORT_OFFSET: '10' });
    assert.equal(badFlag.code, ExitCode.USAGE);
    assert.equal(
      badFlag.err,
      'fhirledger up: --port-offset "70000" is not a whole number from -6000 to 58000\n',
    );
    const badProfile = await runWith(runUp, ['--profile', 'huge'], {});
    assert.equal(badProfile.err, 'fhirledger up: --profile "huge" is not one of dev, paper\n');
    const badHome = await runWith(runDown, ['--home', ' '], {});
    assert.equal(badHome.code, ExitCode.USAGE);
    assert.equal(badHome.err, 'fhirledger down: --home is empty; expected a value\n');
  });
});
