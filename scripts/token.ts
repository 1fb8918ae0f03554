// `npm run token -- --role ROLE [--district CODE] [--subdistrict CODE] [--grid ID]… [--enterprise ID]
// [--agency ID] [--scope S]… [--sub NAME] [--expires 8h]`: prints a development token, signed with
// the secret `npm start` accepts (.data/dev-jwt-secret, or JWT_SECRET when set).
import { parseArgs } from 'node:util';
import {
  Role,
  callerSchema,
  callerClaims,
  defaultScopes,
  developmentSecret,
  signDevToken,
} from '../common/auth';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      district: { type: 'string' },
      subdistrict: { type: 'string' },
      grid: { type: 'string', multiple: true },
      enterprise: { type: 'string' },
      agency: { type: 'string' },
      scope: { type: 'string', multiple: true },
      sub: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  const roles = Object.values(Role) as string[];
  if (!values.role || !roles.includes(values.role)) {
    throw new Error(`--role is one of ${roles.join(', ')}`);
  }
  const role = values.role as Role;
  const options = {
    role,
    scopes: values.scope ?? defaultScopes[role],
    sub: values.sub ?? `dev-${role.toLowerCase().replace(/_/g, '-')}`,
    expiresIn: values.expires!,
    ...(values.district ? { district: values.district } : {}),
    ...(values.subdistrict ? { subdistrict: values.subdistrict } : {}),
    ...(values.grid ? { grids: values.grid } : {}),
    ...(values.enterprise ? { enterprise: values.enterprise } : {}),
    ...(values.agency ? { agency: values.agency } : {}),
  };
  // The gateway would refuse a token whose claims do not fit its role; say so now instead.
  const check = callerSchema.safeParse(callerClaims({ ...options, scope: options.scopes.join(' ') }));
  if (!check.success) {
    const issue = check.error.issues[0]!;
    throw new Error(`${issue.path.join('.')}: ${issue.message}`);
  }
  const secret = process.env.JWT_SECRET || developmentSecret();
  process.stdout.write(`${await signDevToken(secret, options)}\n`);
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(2);
});
