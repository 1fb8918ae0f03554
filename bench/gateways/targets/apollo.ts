// `apollo`: Apollo Gateway and Apollo Server as their documentation starts them. The one addition
// is the signed caller header on each subgraph request, without which the subgraphs answer nothing.
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { CALLER_HEADER, signCaller } from '../../../common/auth/signedCaller';
import type { PlainGatewaySpec } from '../protocol';
import { runTarget, targetSpec } from './measured';

runTarget(async () => {
  const { supergraphPath, signer } = targetSpec<PlainGatewaySpec>();
  class SignedCallerDataSource extends RemoteGraphQLDataSource {
    override willSendRequest({ request }: GraphQLDataSourceProcessOptions): void {
      request.http?.headers.set(CALLER_HEADER, signCaller(signer.caller, signer.secret));
    }
  }
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(supergraphPath, 'utf8'),
    buildService: ({ url }) => new SignedCallerDataSource({ url }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return url;
});
