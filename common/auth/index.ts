export * from './caller';
export * from './devSecret';
export * from './signedCaller';
export * from './tokens';
