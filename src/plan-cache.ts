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
