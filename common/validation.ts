import type { z } from 'zod';
import { AppError, ErrorCode } from './errors';

/**
 * Validates a mutation's input. The first broken rule becomes a `VALIDATION_FAILED` error whose
 * `extensions.field` is the path of the offending input field and `extensions.problems` lists all.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown, root = 'input'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({
    field: [root, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  const first = problems[0]!;
  throw new AppError(ErrorCode.VALIDATION_FAILED, `${first.field}: ${first.message}`, {
    field: first.field,
    problems,
  });
}
