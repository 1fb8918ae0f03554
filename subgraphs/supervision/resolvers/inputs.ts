import { z } from 'zod';
import { QINGDAO_BOUNDS, QINGDAO_DISTRICTS } from '../domain/districts';

// Input rules for the supervision mutations. GraphQL has already checked types and required
// fields; these add lengths, ranges and cross-field rules, each failure naming its field.

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const person = text(100);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const registerEnterpriseInput = z.object({
  name: text(200),
  creditCode: z.string(),
  category: z.string(),
  tier: z.string(),
  districtCode: z.string().refine((c) => c in QINGDAO_DISTRICTS, {
    message: `one of Qingdao's district codes: ${Object.keys(QINGDAO_DISTRICTS).join(', ')}`,
  }),
  address: text(300),
  location: z
    .object({
      lat: z
        .number()
        .min(QINGDAO_BOUNDS.minLat, 'must lie within Qingdao')
        .max(QINGDAO_BOUNDS.maxLat, 'must lie within Qingdao'),
      lon: z
        .number()
        .min(QINGDAO_BOUNDS.minLon, 'must lie within Qingdao')
        .max(QINGDAO_BOUNDS.maxLon, 'must lie within Qingdao'),
    })
    .nullish(),
});

export const riskAssessmentInput = z
  .object({
    enterpriseId: z.string(),
    riskPointId: z.string().nullish(),
    name: text(100).nullish(),
    method: z.enum(['LEC', 'RISK_MATRIX']),
    lec: z
      .object({
        likelihood: z.number().min(0.1).max(10),
        exposure: z.number().min(0.5).max(10),
        consequence: z.number().min(1).max(100),
      })
      .nullish(),
    matrix: z
      .object({ likelihood: z.number().int().min(1).max(5), severity: z.number().int().min(1).max(5) })
      .nullish(),
    controlMeasures: z.array(text(500)).min(1, 'at least one control measure').max(20),
    controlTier: z.enum(['COMPANY', 'WORKSHOP', 'TEAM', 'POST']),
    assessedBy: person,
    agencyId: z.string().nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.method === 'LEC' && !v.lec)
      ctx.addIssue({ code: 'custom', path: ['lec'], message: 'required for method LEC' });
    if (v.method === 'RISK_MATRIX' && !v.matrix)
      ctx.addIssue({ code: 'custom', path: ['matrix'], message: 'required for method RISK_MATRIX' });
    if (!v.riskPointId && !v.name)
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'required for a new risk point' });
  });

export const reportHazardInput = z
  .object({
    enterpriseId: z.string(),
    description: text(2000),
    level: z.enum(['GENERAL', 'MAJOR']),
    source: z.string(),
    foundBy: person,
    deadline: day.nullish(),
    agencyId: z.string().nullish(),
  })
  .refine((v) => !v.agencyId || v.source === 'SERVICE_AGENCY', {
    path: ['source'],
    message: 'must be SERVICE_AGENCY for a hazard an agency reports',
  });

const plan = z.object({
  measures: text(2000),
  funds: z.number().min(0, 'must not be negative').max(1e10),
  deadline: day,
  responsiblePerson: person,
});

export const hazardTransitionInput = z
  .object({
    hazardId: z.string(),
    action: z.enum(
      ['START_RECTIFICATION', 'SUBMIT_FOR_VERIFICATION', 'PASS_VERIFICATION', 'FAIL_VERIFICATION'],
      {
        message: 'REPORT is not a transition: use reportHazard',
      },
    ),
    by: person,
    note: z.string().trim().max(2000).nullish(),
    plan: plan.nullish(),
    onSite: z.boolean().nullish(),
  })
  .superRefine((v, ctx) => {
    // What was done, or why it failed, is the record the verifier and the next inspector read.
    if ((v.action === 'SUBMIT_FOR_VERIFICATION' || v.action === 'FAIL_VERIFICATION') && !v.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: `required for ${v.action}` });
  });

export const recordInspectionInput = z.object({
  enterpriseId: z.string(),
  conductedAt: z.date(),
  kind: z.string(),
  inspectors: z
    .array(person)
    .min(1, 'at least one inspector')
    .max(10)
    .refine((a) => new Set(a).size === a.length, 'inspectors must be distinct'),
  findings: text(5000),
  result: z.string(),
  taskId: z.string().min(1).max(200).nullish(),
});

export const queueFirst = z.number().int().min(1, 'at least 1').max(200, 'at most 200');

export const takeTaskInput = z.object({ taskId: z.string().min(1).max(200), officer: person });

export const decisionInput = z.object({
  taskId: z.string().min(1).max(200),
  kind: z.enum(['RECTIFICATION_ORDER', 'REVIEW_OPINION', 'PENALTY_DECISION']),
  legalBasis: z.string(),
  amount: z.number().nullish(),
  caseNumber: z.string().trim(),
  content: text(5000),
  rectifyBy: day.nullish(),
  decidedBy: person,
});

export const registerAgencyInput = z.object({ name: text(200), creditCode: z.string() });

export const rateAgencyInput = z.object({
  enterpriseId: z.string(),
  agencyId: z.string(),
  stars: z.number().int().min(1, 'from 1 to 5 stars').max(5, 'from 1 to 5 stars'),
  comment: z.string().trim().max(1000, 'at most 1000 characters').nullish(),
});
