// PUT /tenants/{tenant}/profile: the chamber's registry data (TenantProfileUpdated), administrators
// only, each bad field named and nothing written; printed in the PIAO's Scheda anagrafica (as it was
// recorded at the document's version) and carried by the portal pack's metadata.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { isoDateAt } from '@ciclo/domain';
import { startTestApi, type TestApi } from '../support/api';

const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const PROFILE = { address: 'Via del Romito 71, 59100 Prato (PO)', legalRepresentative: 'Mario Esempio, Presidente', employees: 90, website: 'https://www.example.org/trasparenza' };
const dir = mkdtempSync(join(tmpdir(), 'profile-'));

interface Tenant {
  id: string;
  version: number;
  profile?: typeof PROFILE & { updatedAt: string; updatedBy: string };
  code?: string;
  fields?: { field: string; problemIt?: string }[];
  messageIt?: string;
}

describe('PUT /tenants/{tenant}/profile and the Scheda anagrafica', () => {
  let api: TestApi;
  let admin: string, po: string, sg: string, organi: string;
  let piao: string;

  beforeAll(async () => {
    api = await startTestApi('tenantprofile');
    const root = await api.token('u-root', ['admin'], 'platform');
    expect((await api.call('POST', '/tenants', { token: root, body: { id: 'cciaa-po', name: 'Camera di commercio di Pistoia-Prato', ipaCode: 'cciaa_po' } })).status).toBe(201);
    admin = await api.token('u-admin', ['admin']);
    po = await api.token('u-po', ['po']);
    sg = await api.token('u-sg', ['segretario_generale']);
    organi = await api.token('u-organi', ['segreteria_organi']);
  });
  afterAll(async () => {
    await api.close();
  });

  const put = (body: unknown, token = admin, tenant = 'cciaa-po') => api.call<Tenant>('PUT', `/tenants/${tenant}/profile`, { token, body });
  const tenant = async () => (await api.call<Tenant>('GET', '/tenants/cciaa-po', { token: admin })).body;
  const text = async (path: string) => {
    const r = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${po}` } });
    expect(r.status).toBe(200);
    const bytes = Buffer.from(await r.arrayBuffer());
    const file = join(dir, `${createHash('sha256').update(bytes).digest('hex')}.pdf`);
    writeFileSync(file, bytes);
    return { bytes, text: execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8').replace(/\s+/g, ' ') };
  };

  it('refuses other roles, another tenant and every bad field, writing nothing', async () => {
    const before = await tenant();
    expect(before.profile).toBeUndefined();
    const notAdmin = await put(PROFILE, po);
    expect([notAdmin.status, notAdmin.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    const foreign = await put(PROFILE, await api.token('u-admin-fi', ['admin'], 'cciaa-fi'));
    expect(foreign.status).toBe(404); // another tenant is "not found"
    const fields = async (body: unknown) => {
      const r = await put(body);
      expect(r.status).toBe(400);
      expect(r.body.messageIt).toEqual(expect.any(String));
      return r.body.fields?.map((f) => f.field);
    };
    expect(await fields({ ...PROFILE, employees: -1 })).toEqual(['body.employees']);
    expect(await fields({ ...PROFILE, employees: 12.5 })).toEqual(['body.employees']);
    expect(await fields({ ...PROFILE, website: 'ftp://example.org' })).toEqual(['body.website']);
    expect(await fields({ ...PROFILE, website: 'www.example.org' })).toEqual(['body.website']);
    expect(await fields({ ...PROFILE, address: '   ' })).toEqual(['body.address']);
    expect(await fields({ ...PROFILE, legalRepresentative: 'x'.repeat(201) })).toEqual(['body.legalRepresentative']);
    const { address: _a, ...noAddress } = PROFILE;
    expect(await fields(noAddress)).toEqual(['body.address']);
    expect(await fields({ ...PROFILE, pec: 'x@pec.it' })).toEqual(['body.pec']);
    expect((await tenant()).version).toBe(before.version);
  });

  it('records the registry data as an event; the PIAO prints it in section 1, as recorded at the version asked', async () => {
    piao = (await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year: 2026 } })).body.cycleId;
    const draft = await text(`/cycles/${piao}/documents/piao.pdf`);
    expect(draft.text).toContain('Indirizzo della sede non indicato');
    const version = (await api.call<{ version: number }>('GET', `/cycles/${piao}`, { token: po })).body.version;

    const r = await put(PROFILE);
    expect(r.status).toBe(200);
    expect(r.body.profile).toEqual({ ...PROFILE, updatedAt: expect.any(String), updatedBy: 'u-admin' });
    expect((await tenant()).profile).toMatchObject(PROFILE);
    const events = await api.pool.query<{ type: string; actor: string }>(`SELECT type, metadata->>'actorId' AS actor FROM es_events WHERE stream_id = 'cciaa-po/tenant' ORDER BY version`);
    expect(events.rows).toEqual([
      { type: 'TenantRegistered', actor: 'u-root' },
      { type: 'TenantProfileUpdated', actor: 'u-admin' },
    ]);

    const now = await text(`/cycles/${piao}/documents/piao.pdf`);
    for (const t of ['Indirizzo della sede Via del Romito 71, 59100 Prato (PO)', 'Legale rappresentante Mario Esempio, Presidente', 'Numero di dipendenti 90', 'Sito istituzionale https://www.example.org/trasparenza'])
      expect(now.text).toContain(t);
    // At the version before the update: the document as it was, byte for byte.
    const then = await text(`/cycles/${piao}/documents/piao.pdf?version=${version}`);
    expect(then.text).toContain('Indirizzo della sede non indicato');
    expect(then.bytes.equals(draft.bytes)).toBe(true);
  });

  it('the portal pack carries the IPA code, the number of employees and the link', async () => {
    const plan = await api.call('POST', `/cycles/${piao}/plan/commands/batch`, {
      token: po,
      body: {
        commands: [
          { command: 'add_node', kind: 'ambito', code: '01', title: 'Competitività' },
          { command: 'add_node', kind: 'strategic_objective', code: '01_01', title: 'Digitalizzazione', ambitoCode: '01' },
          { command: 'add_node', kind: 'operational_objective', code: '01_01_01', title: 'Punto Impresa Digitale', strategicObjectiveCode: '01_01', area: 'Area promozione' },
          { command: 'add_node', kind: 'indicator', code: '01_01_01_I1', objectiveCode: '01_01_01', name: 'Imprese assistite', type: 'volume', unit: 'n', baseline: { nd: true }, targets: [2026, 2027, 2028].map((year) => ({ year, operator: '>=', value: 60 })), weight: 100 },
        ],
      },
    });
    expect(plan.status).toBe(200);
    expect((await api.call('POST', `/cycles/${piao}/commands/submit`, { token: po, body: {} })).status).toBe(200);
    expect((await api.call('POST', `/cycles/${piao}/commands/approve`, { token: sg, body: {} })).status).toBe(200);
    expect((await api.call('POST', `/cycles/${piao}/commands/record_giunta_deliberation`, { token: organi, body: { number: '12/2026', date: today(), actHash: sha('piao') } })).status).toBe(200);
    const res = await fetch(`${api.url}/cycles/${piao}/documents/portal-pack.zip`, { headers: { authorization: `Bearer ${po}` } });
    expect(res.status).toBe(200);
    const zip = await JSZip.loadAsync(Buffer.from(await res.arrayBuffer()));
    const meta = JSON.parse((await zip.file('metadati.json')?.async('string')) as string) as Record<string, unknown>;
    expect(meta).toMatchObject({ codiceIpa: 'cciaa_po', numeroDipendenti: 90, linkPagina: 'https://www.example.org/trasparenza' });
    expect(await zip.file('metadati.csv')?.async('string')).toContain('Numero di dipendenti;90');
  });
});
