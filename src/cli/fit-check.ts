// The output of a file, checked from its header before any pixel is decoded: the same checks
// (and messages) whether the file is held whole (./convert.ts) or streamed (./png-stream.ts).

import type { ImageConvention } from '../image.js';
import type { ImageTarget } from './bands.js';
import { checkPixels, ImageFileError } from './codecs.js';
import { planFit, type Fit, type FitPlan } from './fit.js';

/** The fit of `name` (width x height, upright) to `target`: refused when the resized image is empty or the output over maxPixels. */
export function checkedFit(name: string, width: number, height: number, target: ImageTarget, fit: Fit, convention: ImageConvention | undefined,
                           maxPixels: number): FitPlan {
  const plan = planFit(width, height, target, fit, convention);
  if (plan.resizedWidth < 1 || plan.resizedHeight < 1) {
    throw new ImageFileError(`${name}: ${width} x ${height} resized to ${plan.resizedWidth} x ${plan.resizedHeight} is empty`);
  }
  checkPixels(plan.resizedWidth, plan.resizedHeight, maxPixels, `${name}: the output `);
  checkPixels(plan.width, plan.height, maxPixels, `${name}: the output `);
  return plan;
}
