// Every step, in pipeline order. A step lands here when its core function does.
import type { Step } from './step.js';

// biome-ignore lint/suspicious/noExplicitAny: steps differ in settings and result types
export const STEPS: Step<any, any>[] = [];
