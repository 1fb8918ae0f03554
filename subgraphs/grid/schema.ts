import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { sdlPath } from '../catalog';

/** The grid SDL from schema/, the contract's only copy. */
export const typeDefs = gql(readFileSync(sdlPath('grid'), 'utf8'));
