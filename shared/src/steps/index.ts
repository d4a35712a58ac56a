// Every step, in pipeline order. A step lands here when its core function does.
import { buildStep } from './build.js';
import { deployStep } from './deploy.js';
import { diffStep } from './diff.js';
import { planStep } from './plan.js';
import { pushStep } from './push.js';
import { renderStep } from './render.js';
import { rollbackStep } from './rollback.js';
import { runTaskStep } from './run-task.js';
import type { Step } from './step.js';
import { testStep } from './test.js';
import { verifyStep } from './verify.js';

// biome-ignore lint/suspicious/noExplicitAny: steps differ in settings and result types
export const STEPS: Step<any, any>[] = [
  planStep,
  buildStep,
  testStep,
  pushStep,
  renderStep,
  diffStep,
  verifyStep,
  deployStep,
  rollbackStep,
  runTaskStep,
];
