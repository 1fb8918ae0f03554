export * from './record';
export * from './chain';
export { auditPlugin, auditEntries } from './plugin';
export type { AuditTarget, AuditPluginOptions } from './plugin';
export { auditQueries } from './resolvers';
export type { AuditContext } from './resolvers';
