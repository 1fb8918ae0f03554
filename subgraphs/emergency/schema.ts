import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { sdlPath } from '../catalog';

/** The emergency SDL from schema/, the contract's only copy. */
export const typeDefs = gql(readFileSync(sdlPath('emergency'), 'utf8'));
