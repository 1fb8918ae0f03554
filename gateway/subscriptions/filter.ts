import { getNamedType, isEnumType, isInputObjectType, isListType, getNullableType } from 'graphql';
import type { GraphQLInputObjectType } from 'graphql';

/**
 * Whether an event payload passes a subscriber's filter argument. The rules are generic, read from
 * the filter's input type, so any supergraph can use them:
 * - a list field `status: [X]` passes when `payload.status` is one of the values;
 * - a field named `minSeverity` of an enum type passes when `payload.severity` comes at or after
 *   the given value in the enum's declared order (declare enums from least to most);
 * - any other field passes when `payload[field]` equals the value.
 * Fields the subscriber left out (or null) do not filter.
 */
export function matchesFilter(
  filterType: GraphQLInputObjectType | undefined,
  filter: Record<string, unknown> | null | undefined,
  payload: Record<string, unknown>,
): boolean {
  if (!filter || !filterType) return true;
  const fields = filterType.getFields();
  for (const [name, wanted] of Object.entries(filter)) {
    if (wanted === null || wanted === undefined) continue;
    const type = fields[name]?.type;
    if (!type) continue;
    const named = getNamedType(type);
    if (/^min[A-Z]/.test(name) && isEnumType(named)) {
      const key = name[3]!.toLowerCase() + name.slice(4);
      const order = named.getValues().map((v) => v.value as unknown);
      const at = order.indexOf(payload[key]);
      if (at < 0 || at < order.indexOf(wanted)) return false;
    } else if (isListType(getNullableType(type))) {
      if (!(wanted as unknown[]).includes(payload[name])) return false;
    } else if (isInputObjectType(named)) {
      if (
        !matchesFilter(
          named,
          wanted as Record<string, unknown>,
          (payload[name] ?? {}) as Record<string, unknown>,
        )
      )
        return false;
    } else if (payload[name] !== wanted) {
      return false;
    }
  }
  return true;
}
