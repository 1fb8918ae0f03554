import { z } from 'zod';
import { isUuid } from '../../../common/loaders';

// Input rules for the grid's field mutations, beyond what GraphQL already checked; each failure
// names its field.

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const id = z.string().refine(isUuid, 'not an id of this platform');

export const recordPatrolInput = z
  .object({
    memberId: z.string(),
    enterpriseId: id,
    gridId: z.string(),
    patrolledAt: z.date().nullish(),
    result: z.enum(['NORMAL', 'ISSUES_FOUND']),
    findings: text(2000),
    hazard: z.object({ description: text(2000), level: z.enum(['GENERAL', 'MAJOR']) }).nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.hazard && v.result !== 'ISSUES_FOUND')
      ctx.addIssue({ code: 'custom', path: ['hazard'], message: 'a hazard needs result ISSUES_FOUND' });
  });

export const reportClueInput = z.object({
  text: text(2000),
  category: z.enum(['GAS', 'FIRE', 'BLOCKED_EXIT', 'ILLEGAL_OPERATION', 'HAZARDOUS_MATERIALS', 'OTHER']),
  photos: z.array(text(500)).max(9, 'at most 9 photos').nullish(),
  location: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).nullish(),
  address: text(300).nullish(),
  reporterId: z.string(),
  patrolId: z.string().nullish(),
  enterpriseId: id.nullish(),
  gridId: z.string().nullish(),
});

export const clueStepInput = z.object({ clueId: z.string(), memberId: z.string() });

export const recordClueCheckInput = z.object({
  clueId: z.string(),
  memberId: z.string(),
  outcome: z.enum(['RECTIFIED', 'INVALID', 'REFUSED']),
  explanation: text(2000),
});

export const referClueInput = z.object({ clueId: z.string(), memberId: z.string(), reason: text(2000) });
