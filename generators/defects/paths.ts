/** Element paths inside a resource: read, write and print them as FHIRPath-like text ("Patient.name[0].family"). */
export type ElementPath = readonly (string | number)[];

export function getAt(root: unknown, path: ElementPath): unknown {
  let node: unknown = root;
  for (const step of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

export function setAt(root: object, path: ElementPath, value: unknown): void {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (typeof parent !== 'object' || parent === null || last === undefined) {
    throw new RangeError(`no element at ${formatPath('', path.slice(0, -1))}`);
  }
  (parent as Record<string | number, unknown>)[last] = value;
}

export function formatPath(resourceType: string, path: ElementPath): string {
  return path.reduce<string>(
    (text, step) => (typeof step === 'number' ? `${text}[${step}]` : `${text}.${step}`),
    resourceType,
  );
}

/** Inverse of formatPath: "Patient.name[0].family" → ["name", 0, "family"]. */
export function parsePath(location: string): ElementPath {
  const steps: (string | number)[] = [];
  for (const match of location.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)) {
    steps.push(match[1] ?? Number(match[2]));
  }
  return steps;
}
