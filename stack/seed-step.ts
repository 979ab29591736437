/**
 * Seeds the stack's users through `users seed`'s own code: provider1..N, patient1..N (patientId patient-N),
 * regulator1..N, registered and enrolled from the devnet's CA with role and patientId as certificate attributes,
 * recorded in the gateway's credentials store. Users already there are kept as they are.
 */
import { hashSecret } from '../gateway/password-hash.js';
import { caEnroller, caTargetFromDevnet } from '../gateway/seed-ca-enroller.js';
import { planSeedUsers } from '../gateway/seed-plan.js';
import { SeedError, seedUsers } from '../gateway/users-seed.js';
import type { SeededUserCounts } from './stack-file.js';

export interface SeedRequest extends SeededUserCounts {
  home: string;
  store: string;
  identitiesDir: string;
  password: string;
}

/** Users registered and enrolled at once: `users seed`'s measured best on 2 cores. */
const SEED_CONCURRENCY = 4;

export async function seedStackUsers(request: SeedRequest): Promise<{ enrolled: number; existing: number }> {
  const report = await seedUsers(
    {
      users: planSeedUsers(request),
      storeFile: request.store,
      identitiesDir: request.identitiesDir,
      secret: await hashSecret(request.password),
      concurrency: SEED_CONCURRENCY,
    },
    caEnroller(caTargetFromDevnet(request.home)),
  );
  const [refused] = report.rejected;
  if (refused !== undefined) {
    throw new SeedError(
      'SEED_USER_REFUSED',
      `${report.rejected.length} user(s) could not be seeded, e.g. ${refused.id}: ${refused.reason}`,
    );
  }
  return { enrolled: report.added, existing: report.kept };
}
