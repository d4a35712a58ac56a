// Collects every problem found in one pass so a user fixes them all at once, then turns them into one
// UserError (exit 2) that names each field and its fix. Used by render and verify.
import { UserError } from '../errors.js';

export interface Problem {
  /** The field or resource at fault: "containerDefinitions[web].image", "service api (cluster prod)". */
  field: string;
  message: string;
  fix: string;
}

export class Problems {
  readonly list: Problem[] = [];

  add(field: string, message: string, fix: string): void {
    this.list.push({ field, message, fix });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  /** Throws one UserError listing every problem; does nothing when there is none. */
  throwIfAny(subject: string, where: string): void {
    if (this.empty) return;
    throw problemsError(subject, where, this.list);
  }
}

export function problemsError(subject: string, where: string, problems: Problem[]): UserError {
  if (problems.length === 1) {
    const [p] = problems;
    return new UserError(`${subject}: ${p.field}: ${p.message}`, where, p.fix);
  }
  const lines = problems.map((p) => `  - ${p.field}: ${p.message}\n    fix: ${p.fix}`);
  return new UserError(
    `${subject}: ${problems.length} problems\n${lines.join('\n')}`,
    where,
    'fix each field listed above, then run again',
  );
}
