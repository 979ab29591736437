/**
 * Mocha's spec reporter plus one plain closing line, `tests: N passed, N failed, N skipped`, which CI reads to know
 * that tests really ran. Skipped tests are the ones that could not reach what they need (a Fabric network, k6)
 * and said so; they are counted, never hidden.
 */
import Mocha from 'mocha';

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class TestSummaryReporter extends Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      process.stdout.write(`\ntests: ${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

export default TestSummaryReporter;
