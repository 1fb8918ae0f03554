import { isUuid } from '../../../common/loaders';
import type { SupervisionContext } from '../context';
import { parseCreditCode } from '../domain/creditCode';
import { RISK_COLOR } from '../domain/risk';
import type { EnterpriseRow, HazardStatus } from '../store/rows';

type EnterpriseReference = { id: string } | { creditCode: string };

export const Enterprise = {
  __resolveReference(ref: EnterpriseReference, ctx: SupervisionContext) {
    if ('id' in ref) return isUuid(ref.id) ? ctx.loaders.enterprise.load(ref.id) : null;
    try {
      return ctx.loaders.enterpriseByCreditCode.load(parseCreditCode(ref.creditCode));
    } catch {
      return null; // a malformed key cannot name an enterprise
    }
  },
  district: (e: EnterpriseRow) => ({ __typename: 'AdminArea', code: e.districtCode }),
  location: (e: EnterpriseRow) => (e.lat === null || e.lon === null ? null : { lat: e.lat, lon: e.lon }),
  riskColor: (e: EnterpriseRow) => (e.riskLevel ? RISK_COLOR[e.riskLevel] : null),
  riskPoints: (e: EnterpriseRow, _: unknown, ctx: SupervisionContext) => ctx.loaders.riskPoints.load(e.id),
  hazards: async (e: EnterpriseRow, args: { status?: HazardStatus[] | null }, ctx: SupervisionContext) => {
    const all = await ctx.loaders.hazards.load(e.id);
    return args.status ? all.filter((h) => args.status!.includes(h.status)) : all;
  },
  inspections: (e: EnterpriseRow, _: unknown, ctx: SupervisionContext) => ctx.loaders.inspections.load(e.id),
  serviceAgencies: (e: EnterpriseRow, _: unknown, ctx: SupervisionContext) =>
    ctx.loaders.agenciesOfEnterprise.load(e.id),
};
