// Plans depend only on shapes and options, and repeated calls with the same ones are the common
// case (a model's layers, a benchmark), so the last few plans are kept: building tables costs
// ~0.07 ms even for bilinear (5% of a W1 call into resident memory), more for bicubic,
// antialias and convolution phases. Validation still runs on every call.

/** The last `limit` plans by key, least recently used out first. */
export class PlanCache<V> {
  private readonly plans = new Map<string, V>();

  constructor(private readonly limit = 16) {}

  /** The plan for `key`, built by `build` when not kept. */
  get(key: string, build: () => V): V {
    let plan = this.plans.get(key);
    if (plan !== undefined) {
      this.plans.delete(key); // most recently used last
    } else {
      plan = build();
      if (this.plans.size >= this.limit) this.plans.delete(this.plans.keys().next().value!);
    }
    this.plans.set(key, plan);
    return plan;
  }
}

/**
 * An exact key for a plan's inputs: numbers (-0 and NaN apart), strings, booleans, null,
 * undefined (kept, so an unknown option set to undefined is not the same call as no option), and
 * arrays and plain objects of them. Anything else (a boxed number, an object with toJSON, a
 * function, a Symbol, a BigInt, a getter) has no key: the call is validated and planned afresh,
 * and the rules refuse what they refuse. (JSON.stringify let such values hit a valid call's plan.)
 * The objects at `depth` 1 are the operations' own copies of the options (snapshotOptions: data
 * properties only); deeper ones are the caller's, so their getters are looked for.
 */
export function planKey(value: unknown, depth = 0): string | undefined {
  if (value === undefined) return 'u';
  switch (typeof value) {
    case 'boolean': return value ? 't' : 'f';
    case 'number': return value === 0 && 1 / value < 0 ? '-0' : `${value}`;
    case 'string': return `'${name(value)}`;
    case 'object': break;
    default: return undefined;
  }
  if (value === null) return 'n';
  if (depth > 3) return undefined;
  let key: string;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return undefined;
    key = '[';
    for (let i = 0; i < value.length; i++) {
      const part = i in value ? planKey(value[i], depth + 1) : 'h';
      if (part === undefined) return undefined;
      key += `${part},`;
    }
    return `${key}]`;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const record = value as Record<string, unknown>;
  key = '{';
  for (const field in record) {
    if (!Object.hasOwn(record, field)) continue;
    if (depth > 1 && !('value' in Object.getOwnPropertyDescriptor(record, field)!)) return undefined; // a getter: the rules read it, once
    const part = planKey(record[field], depth + 1);
    if (part === undefined) return undefined;
    key += `${name(field)}:${part},`;
  }
  return `${key}}`;
}

const PLAIN = /^\w*$/;

/** A string as it is when it is a word (option names, modes), else quoted. */
function name(text: string): string {
  return PLAIN.test(text) ? text : JSON.stringify(text);
}
