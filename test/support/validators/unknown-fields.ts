// Unknown-field detection for Kubernetes objects.
//
// kubernetes-models ships its schemas only as precompiled ajv validators (`kubernetes-models/_schemas/*.js`)
// without `additionalProperties: false`, so `validate()` accepts typos such as `spec.replicaz`.
// The compiled code reads every property its schema declares (`void 0 !== data.replicas && …`) and, for
// map-typed objects (labels, annotations, resources.limits …), iterates the keys (`for (const k in data)`).
// We run the same validator over a deep copy in which every plain object is a Proxy that records which keys
// the validator read and whether it enumerated the object:
//   * object enumerated            → a map (additionalProperties schema): every key is allowed;
//   * no key read at all           → opaque schema (`type: object` without properties, RawExtension): skipped;
//   * otherwise a key never read   → not in the schema → unknown field.
// This reuses the exact schema the validator enforces (same Kubernetes version), needs no vendored JSON
// schemas, and stays correct when kubernetes-models is upgraded.
import { isObject } from "./common.js";

export type CompiledValidator = ((data: unknown) => boolean) & { errors?: unknown[] | null };

interface Access {
  obj: Record<string, unknown>;
  read: Set<string>;
  enumerated: boolean;
}

export function findUnknownFields(validate: CompiledValidator, data: unknown): string[] {
  const accesses = new Map<string, Access>();
  const wrap = (v: unknown, at: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => wrap(x, `${at}/${i}`));
    if (!isObject(v)) return v;
    const acc: Access = { obj: v, read: new Set(), enumerated: false };
    accesses.set(at, acc);
    const target: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) target[k] = wrap(x, `${at}/${k}`);
    return new Proxy(target, {
      get(t, k, r) {
        if (typeof k === "string") acc.read.add(k);
        return Reflect.get(t, k, r);
      },
      has(t, k) {
        if (typeof k === "string") acc.read.add(k);
        return Reflect.has(t, k);
      },
      ownKeys(t) {
        acc.enumerated = true;
        return Reflect.ownKeys(t);
      },
      getOwnPropertyDescriptor(t, k) {
        if (typeof k === "string") acc.read.add(k);
        return Reflect.getOwnPropertyDescriptor(t, k);
      },
    });
  };
  validate(wrap(data, ""));
  const unknown: string[] = [];
  for (const [at, acc] of accesses) {
    if (acc.enumerated || acc.read.size === 0) continue;
    for (const k of Object.keys(acc.obj)) if (!acc.read.has(k)) unknown.push(`${at}/${k}`);
  }
  return unknown;
}
