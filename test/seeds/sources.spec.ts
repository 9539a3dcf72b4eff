import { ROLES } from '@ciclo/identity';
import { RAW, collectSources, loadSeed, rawLine } from './helpers';

/** Every curated record names the raw document, the line and the code or heading it came from. */

const FILES = [
  'plan/piano-performance-2022-2024.json',
  'plan/schede-obiettivo-2022-2024.json',
  'catalogue/processi.json',
  'catalogue/strutture.json',
  'catalogue/processi-anticorruzione.json',
  'catalogue/schede-processo.json',
  'tenants/demo.json',
];
const RAW_FILES: string[] = Object.values(RAW);

describe('curated seeds: sources', () => {
  it.each(FILES)('%s: every source line contains its ref', (rel) => {
    const doc = loadSeed<unknown>(rel);
    const sources = collectSources(doc);
    expect(sources.length).toBeGreaterThan(0);
    for (const { path, source } of sources) {
      expect([path, RAW_FILES.includes(source.file)]).toEqual([path, true]);
      expect(typeof source.ref).toBe('string');
      expect(source.ref.length).toBeGreaterThan(0);
      expect([path, rawLine(source.file, source.line).includes(source.ref)]).toEqual([path, true]);
    }
  });

  it.each(FILES.filter((f) => !f.startsWith('tenants/')))(
    '%s: every record of its main list has a source',
    (rel) => {
      const doc = loadSeed<Record<string, unknown>>(rel);
      for (const [key, value] of Object.entries(doc)) {
        if (!Array.isArray(value)) continue;
        for (const [i, rec] of value.entries())
          expect([`${key}[${i}]`, typeof (rec as { source?: unknown }).source]).toEqual([
            `${key}[${i}]`,
            'object',
          ]);
      }
    },
  );
});

interface Tenant {
  id: string;
  name: string;
  ipaCode: string;
  ipaCodeVerified: boolean;
  timeZone: string;
  patronDays: unknown[];
  patronDaysNote?: string;
  users: { id: string; name: string; email: string; roles: string[] }[];
}

describe('curated seeds: demo tenant', () => {
  const t = loadSeed<Tenant>('tenants/demo.json');

  it('is the chamber of seed 003, with an unverified IPA placeholder', () => {
    expect(t.name).toBe('Camera di commercio di Pistoia-Prato');
    expect(t.ipaCode).toBe('cciaa_po');
    expect(t.ipaCodeVerified).toBe(false);
    expect(t.timeZone).toBe('Europe/Rome');
    expect(t.id).toMatch(/^[a-z0-9][a-z0-9_.-]{0,62}$/);
    if (t.patronDays.length === 0) expect(t.patronDaysNote).toBeTruthy();
  });

  it('has fictitious users with known roles, SG and RPCT being different people', () => {
    const ids = t.users.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const u of t.users) {
      expect(u.email).toMatch(/^[a-z.]+@example\.org$/);
      for (const r of u.roles) expect(ROLES).toContain(r);
    }
    const holders = (role: string) => t.users.filter((u) => u.roles.includes(role));
    for (const role of ['segretario_generale', 'rpct', 'oiv', 'dirigente', 'rilevatore', 'segreteria_organi'])
      expect(holders(role).length).toBeGreaterThanOrEqual(1);
    expect(holders('po')).toHaveLength(2);
    const sg = holders('segretario_generale').map((u) => u.id);
    for (const r of holders('rpct')) expect(sg).not.toContain(r.id);
    // the OIV is independent: nobody else holds that role with another one
    for (const o of holders('oiv')) expect(o.roles).toEqual(['oiv']);
  });
});
