import { z } from 'zod';

/** Who a caller is, as the city's pyramid of responsibility (市—区—街道—网格—企业) places them. */
export enum Role {
  CITY_ADMIN = 'CITY_ADMIN',
  DISTRICT_OFFICER = 'DISTRICT_OFFICER',
  SUBDISTRICT_STAFF = 'SUBDISTRICT_STAFF',
  GRID_MEMBER = 'GRID_MEMBER',
  FIRE_STATION = 'FIRE_STATION',
  ENTERPRISE = 'ENTERPRISE',
  SERVICE_AGENCY = 'SERVICE_AGENCY',
  PARTNER_BUREAU = 'PARTNER_BUREAU',
  DATA_ANALYST = 'DATA_ANALYST',
}

/**
 * Scopes a token may carry. Field rules (`@requiresScopes`) and mutation checks name them;
 * `defaultScopes` is what the development token command grants each role.
 */
export const Scope = {
  /** Read personal data: phone numbers, ID numbers. */
  PERSONAL_READ: 'personal:read',
  /** Change the supervision register, risks, hazards, inspections and enforcement. */
  SUPERVISION_WRITE: 'supervision:write',
  /** Record patrols and clues. */
  GRID_WRITE: 'grid:write',
  /** Acknowledge, dispatch and close alarms; push readings. */
  EMERGENCY_WRITE: 'emergency:write',
  /** Read the audit log. */
  AUDIT_READ: 'audit:read',
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

/** Roles that may never change anything, whatever scopes their token claims. */
export const READ_ONLY_ROLES: ReadonlySet<Role> = new Set([Role.PARTNER_BUREAU, Role.DATA_ANALYST]);

export const defaultScopes: Readonly<Record<Role, readonly Scope[]>> = {
  [Role.CITY_ADMIN]: Object.values(Scope),
  [Role.DISTRICT_OFFICER]: [Scope.PERSONAL_READ, Scope.SUPERVISION_WRITE, Scope.EMERGENCY_WRITE],
  [Role.SUBDISTRICT_STAFF]: [Scope.PERSONAL_READ, Scope.SUPERVISION_WRITE, Scope.GRID_WRITE],
  [Role.GRID_MEMBER]: [Scope.GRID_WRITE],
  [Role.FIRE_STATION]: [Scope.EMERGENCY_WRITE],
  [Role.ENTERPRISE]: [Scope.SUPERVISION_WRITE],
  [Role.SERVICE_AGENCY]: [Scope.SUPERVISION_WRITE],
  [Role.PARTNER_BUREAU]: [],
  [Role.DATA_ANALYST]: [],
};

const uuid = z.string().uuid();
const areaCode = z.string().regex(/^[0-9]{6}$/, 'a 6-digit district code');

/**
 * The authenticated caller, as the gateway read it from a verified token and forwards it to
 * every subgraph. Area claims say where the caller belongs; which ones a role needs is checked
 * here, so a district officer without a district is refused rather than seeing everything.
 */
export const callerSchema = z
  .object({
    sub: z.string().min(1).max(200),
    role: z.enum(Role),
    scopes: z.array(z.string().min(1).max(100)).max(50),
    district: areaCode.optional(),
    subdistrict: z
      .string()
      .regex(/^[0-9]{9}$/, 'a 9-digit subdistrict code')
      .optional(),
    grids: z.array(uuid).max(200).optional(),
    enterprise: uuid.optional(),
    agency: uuid.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const need = (claim: keyof typeof c) => {
      if (c[claim] === undefined || (Array.isArray(c[claim]) && c[claim].length === 0))
        ctx.addIssue({ code: 'custom', path: [claim], message: `role ${c.role} needs the ${claim} claim` });
    };
    switch (c.role) {
      case Role.DISTRICT_OFFICER:
      case Role.FIRE_STATION:
        need('district');
        break;
      case Role.SUBDISTRICT_STAFF:
        need('district');
        need('subdistrict');
        break;
      case Role.GRID_MEMBER:
        need('district');
        need('grids');
        break;
      case Role.ENTERPRISE:
        need('enterprise');
        break;
      case Role.SERVICE_AGENCY:
        need('agency');
        break;
      default:
        break;
    }
    if (c.subdistrict && c.district && !c.subdistrict.startsWith(c.district))
      ctx.addIssue({
        code: 'custom',
        path: ['subdistrict'],
        message: 'subdistrict lies outside the district',
      });
  });

export type Caller = z.infer<typeof callerSchema>;

export const hasScope = (caller: Caller, scope: string): boolean => caller.scopes.includes(scope);

/**
 * The part of a caller that decides what they may see: role, area and scopes, without who they
 * are. Two callers with the same key get the same answer to the same operation, so caches and
 * subscription groups share results by it and never across it.
 */
export function accessScopeKey(caller: Caller): string {
  return JSON.stringify([
    caller.role,
    caller.district ?? null,
    caller.subdistrict ?? null,
    caller.grids ? [...caller.grids].sort() : null,
    caller.enterprise ?? null,
    caller.agency ?? null,
    [...caller.scopes].sort(),
  ]);
}
