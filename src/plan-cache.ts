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
 */
export function planKey(value: unknown, depth = 0): string | undefined {
  switch (typeof value) {
    case 'undefined': return 'u';
    case 'boolean': return value ? 't' : 'f';
    case 'number': return Object.is(value, -0) ? '-0' : String(value);
    case 'string': return JSON.stringify(value);
    case 'object': break;
    default: return undefined;
  }
  if (value === null) return 'n';
  if (depth > 3) return undefined;
  const proto = Object.getPrototypeOf(value);
  const parts: string[] = [];
  if (Array.isArray(value) && proto === Array.prototype) {
    for (let i = 0; i < value.length; i++) {
      const part = i in value ? planKey(value[i], depth + 1) : 'h';
      if (part === undefined) return undefined;
      parts.push(part);
    }
    return `[${parts.join(',')}]`;
  }
  if (proto !== Object.prototype && proto !== null) return undefined;
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
    if (!('value' in descriptor)) return undefined; // a getter: read by the rules, once
    if (!descriptor.enumerable) continue;
    const part = planKey(descriptor.value, depth + 1);
    if (part === undefined) return undefined;
    parts.push(`${JSON.stringify(key)}:${part}`);
  }
  return `{${parts.join(',')}}`;
}
