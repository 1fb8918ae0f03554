// `hive`: Hive Gateway with its defaults, inbound request deduplication stated off, and the one
// addition every plain gateway gets: the signed caller header on each subgraph request.
import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CALLER_HEADER, signCaller } from '../../../common/auth/signedCaller';
import { benchRequire } from '../deps';
import type { PlainGatewaySpec } from '../protocol';
import { LOG_LEVEL, runTarget, targetSpec } from './measured';

/** The parts of Hive Gateway's API used here (its types live with it, outside the root install). */
interface FetchHookPayload {
  options: { headers?: Record<string, string> };
  setOptions(options: { headers?: Record<string, string> }): void;
}
interface HiveGateway {
  createGatewayRuntime(config: {
    supergraph: string;
    logging: string;
    inboundInflightRequestDeduplication: boolean;
    plugins: () => { onFetch(payload: FetchHookPayload): void }[];
  }): RequestListener;
}

runTarget(async () => {
  const { supergraphPath, signer } = targetSpec<PlainGatewaySpec>();
  const { createGatewayRuntime } = benchRequire('@graphql-hive/gateway') as HiveGateway;
  const gateway = createGatewayRuntime({
    supergraph: supergraphPath,
    logging: LOG_LEVEL,
    // Already off by default in this version; stated so that a new default cannot flatter it.
    inboundInflightRequestDeduplication: false,
    plugins: () => [
      {
        onFetch({ options, setOptions }) {
          setOptions({
            ...options,
            headers: { ...options.headers, [CALLER_HEADER]: signCaller(signer.caller, signer.secret) },
          });
        },
      },
    ],
  });
  const server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
