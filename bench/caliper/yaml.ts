/**
 * A YAML writer for the plain data Caliper's config files hold (objects, arrays, strings, numbers, booleans).
 * Strings are always written double-quoted in JSON syntax, which YAML reads as the same string, so no value can be
 * mistaken for a number, a boolean or YAML syntax.
 */
export type YamlValue =
  string | number | boolean | null | readonly YamlValue[] | { readonly [key: string]: YamlValue };

export function toYaml(value: YamlValue): string {
  return `${lines(value, 0).join('\n')}\n`;
}

function lines(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (isScalar(value)) return [`${pad}${scalar(value)}`];
  if (isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => {
      if (isScalar(item)) return [`${pad}- ${scalar(item)}`];
      const [first = '', ...rest] = lines(item, indent + 2);
      return [`${pad}- ${first.trimStart()}`, ...rest];
    });
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return [`${pad}{}`];
  return entries.flatMap(([key, item]) => {
    const name = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
    if (isScalar(item) || isEmpty(item)) return [`${pad}${name}: ${lines(item, 0)[0] ?? ''}`];
    return [`${pad}${name}:`, ...lines(item, indent + 2)];
  });
}

function isScalar(value: YamlValue): value is string | number | boolean | null {
  return value === null || typeof value !== 'object';
}

function isArray(value: YamlValue): value is readonly YamlValue[] {
  return Array.isArray(value);
}

function isEmpty(value: YamlValue): boolean {
  return isArray(value)
    ? value.length === 0
    : typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new RangeError(`cannot write ${value} as YAML`);
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
