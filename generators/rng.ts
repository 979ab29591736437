/**
 * Seeded randomness for the generator. One Mersenne randomizer drives a Faker per locale, and every patient (and
 * every shared Organization/Practitioner) reseeds it from `[seed, domain, index]` with faker's `seed()`, so a
 * record's content depends only on the seed and its own index — never on batching, order of calls or the clock.
 */
import {
  Faker,
  base,
  de,
  en,
  en_US,
  es,
  fr,
  generateMersenne53Randomizer,
  type Randomizer,
} from '@faker-js/faker';

/** Separate streams so that, e.g., turning dirty mode on does not change the clean content. */
export const SeedDomain = {
  ORGANIZATION: 1,
  PRACTITIONER: 2,
  PATIENT: 3,
  DEFECT_PATIENT: 4,
  DEFECT_SHARED: 5,
  BUILDER: 6,
} as const;
export type SeedDomain = (typeof SeedDomain)[keyof typeof SeedDomain];

export type NameLocale = 'en_US' | 'de' | 'fr' | 'es';

export class Rng {
  readonly faker: Faker;
  private readonly randomizer: Randomizer;
  private readonly byLocale: Record<NameLocale, Faker>;

  constructor() {
    this.randomizer = generateMersenne53Randomizer();
    const make = (locale: Faker['rawDefinitions'][]): Faker =>
      new Faker({ locale, randomizer: this.randomizer });
    this.faker = make([en_US, en, base]);
    this.byLocale = {
      en_US: this.faker,
      de: make([de, en, base]),
      fr: make([fr, en, base]),
      es: make([es, en, base]),
    };
  }

  /** Restart the stream for one unit of output (a patient, an organization, ...). */
  reseed(seed: number, domain: SeedDomain, index: number): this {
    this.faker.seed([
      seed >>> 0,
      Math.floor(seed / 2 ** 32) >>> 0,
      domain,
      index >>> 0,
      Math.floor(index / 2 ** 32),
    ]);
    return this;
  }

  /** Faker for names in a locale; they all share this Rng's stream. */
  fakerFor(locale: NameLocale): Faker {
    return this.byLocale[locale];
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.randomizer.next();
  }

  /** Whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Number in [min, max] rounded to `fractionDigits`. */
  float(min: number, max: number, fractionDigits: number): number {
    const factor = 10 ** fractionDigits;
    return Math.round((min + this.next() * (max - min)) * factor) / factor;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Normal-ish (sum of three uniforms) around `mean`, clamped to [min, max]. */
  around(mean: number, spread: number, min: number, max: number, fractionDigits: number): number {
    const centred = (this.next() + this.next() + this.next()) / 1.5 - 1;
    const value = Math.min(max, Math.max(min, mean + centred * spread));
    const factor = 10 ** fractionDigits;
    return Math.round(value * factor) / factor;
  }
}
