// termbridge tenants create|list — districts served by this termbridge, one tenant each.
import { parse, UsageError } from './args.ts';
import { openAdministration } from './open-administration.ts';

export const TENANTS_USAGE = 'tenants create --id T --name N [--edorg-id N] [--time-zone Area/City] | tenants list [--json]   [--data-dir DIR]';

export async function tenantsCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    id: { type: 'string' },
    name: { type: 'string' },
    'edorg-id': { type: 'string' },
    'time-zone': { type: 'string' },
    json: { type: 'boolean' },
    'data-dir': { type: 'string' },
  });
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (action !== 'create' && action !== 'list') throw new UsageError(action ? `unknown tenants action: ${action}` : 'tenants needs an action');
  if (action === 'create' && (!values.id || !values.name)) throw new UsageError('tenants create needs --id and --name');
  const edOrg = values['edorg-id'];
  if (edOrg !== undefined && !/^\d{1,10}$/.test(edOrg)) throw new UsageError(`--edorg-id must be the district's numeric Ed-Fi EducationOrganizationId, not '${edOrg}'`);

  const { admin, via, close } = await openAdministration(values['data-dir'], `tenants ${action}`);
  try {
    if (action === 'create') {
      const t = await admin.createTenant({
        tenantId: values.id!,
        name: values.name!,
        timeZone: values['time-zone'],
        ...(edOrg === undefined ? {} : { districtEducationOrganizationId: Number(edOrg) }),
      });
      process.stdout.write(`created tenant ${t.tenantId} (${t.name}, ${t.timeZone}) ${via}\n`);
    } else {
      const tenants = await admin.listTenants();
      if (values.json) process.stdout.write(JSON.stringify(tenants, null, 2) + '\n');
      else if (tenants.length === 0) process.stdout.write('no tenants\n');
      else
        for (const t of tenants)
          process.stdout.write(
            `${t.tenantId}  ${t.name}  ${t.timeZone}  district edorg ${t.districtEducationOrganizationId ?? '-'}  schools: ${t.schools.map((s) => `${s.schoolId ?? '-'} ${s.name}`).join('; ') || 'none'}\n`,
          );
    }
  } finally {
    await close();
  }
}
