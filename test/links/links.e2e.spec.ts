// Links between cycles through HTTP: resolution when either cycle is opened, the record on both
// cycles, a missing target, relinking by command with a reason, refusals, and the PIAO's adoption
// deadline following the Consiglio's approval of the Preventivo economico once the law postpones it.
import { createHash } from 'node:crypto';
import { addDays, isoDateAt } from '@ciclo/domain';
import { startTestApi, type TestApi } from '../support/api';

const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

interface LinkView {
  id: string;
  relation: string;
  type: string;
  status: 'linked' | 'missing';
  target?: { targetCycleId: string; targetYear: number; targetVersion: number; mode: string; reason?: string; previousTargetCycleId?: string; by: string; at: string };
}
interface View {
  version: number;
  links: LinkView[];
  linkedFrom: { linkId: string; relation: string; sourceType: string; sourceCycleId: string; sourceYear: number; by: string }[];
  deadlines: { id: string; legalDate: string | null; status: string; follows?: { active: boolean; eventDate: string | null; switchedOn?: { reference: string } } }[];
}

describe('links between cycles through HTTP', () => {
  let api: TestApi;
  let po: string, sg: string, organi: string, revisori: string, oiv: string, otherTenant: string;

  beforeAll(async () => {
    api = await startTestApi('links');
    po = await api.token('u-po', ['po']);
    sg = await api.token('u-sg', ['segretario_generale']);
    organi = await api.token('u-organi', ['segreteria_organi']);
    revisori = await api.token('u-revisori', ['revisori']);
    oiv = await api.token('u-oiv', ['oiv']);
    otherTenant = await api.token('u-po-fi', ['po', 'segretario_generale'], 'cciaa-fi');
  });
  afterAll(async () => {
    await api.close();
  });

  const open = async (type: string, year: number, token = po) => {
    const r = await api.call<{ cycleId: string }>('POST', '/cycles', { token, body: { type, year } });
    expect(r.status).toBe(201);
    return r.body.cycleId;
  };
  const run = (id: string, command: string, token: string, body: unknown = {}) => api.call<Record<string, unknown>>('POST', `/cycles/${id}/commands/${command}`, { token, body });
  const view = async (id: string, token = sg) => (await api.call<View>('GET', `/cycles/${id}`, { token })).body;
  const historyTypes = async (id: string) =>
    (await api.call<{ versions: { type: string; actorId: string; reason: string | null; data: Record<string, unknown> }[] }>('GET', `/cycles/${id}/history`, { token: sg })).body.versions;

  let relazione: string, piao2026: string, piao2027: string, foreignPiao: string;

  it('shows a missing target as missing, then links both ways when the target is opened later', async () => {
    relazione = await open('relazione_performance', 2027);
    expect((await view(relazione)).links).toEqual([{ id: 'piao', title: 'PIAO di riferimento', relation: 'reports_on', type: 'piao', year: 'covering', status: 'missing' }]);

    // A PIAO of another chamber covering 2027 is not a target.
    foreignPiao = await open('piao', 2026, otherTenant);
    expect((await view(relazione)).links[0].status).toBe('missing');

    piao2026 = await open('piao', 2026);
    expect((await view(foreignPiao, otherTenant)).linkedFrom).toEqual([]);
    const rel = await view(relazione);
    expect(rel.links[0]).toMatchObject({ status: 'linked', target: { targetCycleId: piao2026, targetYear: 2026, targetVersion: 1, mode: 'automatic', by: 'u-po' } });
    const p = await view(piao2026);
    expect(p.linkedFrom).toEqual([expect.objectContaining({ linkId: 'piao', relation: 'reports_on', sourceType: 'relazione_performance', sourceCycleId: relazione, sourceYear: 2027, by: 'u-po' })]);
    // The PIAO's own link to the budget of 2026: none yet.
    expect(p.links).toEqual([expect.objectContaining({ id: 'preventivo', status: 'missing' })]);
    expect((await historyTypes(piao2026)).map((v) => v.type)).toEqual(['CycleOpened', 'CycleLinkedFrom']);
    expect((await historyTypes(relazione)).map((v) => v.type)).toEqual(['CycleOpened', 'CycleLinked']);
  });

  it('a link already made is not changed by a better target appearing; the link command relinks with a reason', async () => {
    piao2027 = await open('piao', 2027);
    expect((await view(relazione)).links[0].target?.targetCycleId).toBe(piao2026);
    const r = await run(relazione, 'link', sg, { linkId: 'piao', targetCycleId: piao2027, reason: 'La Relazione 2027 rendiconta il PIAO 2027-2029' });
    expect(r.status).toBe(200);
    expect((await view(relazione)).links[0]).toMatchObject({ status: 'linked', target: { targetCycleId: piao2027, mode: 'command', reason: 'La Relazione 2027 rendiconta il PIAO 2027-2029', previousTargetCycleId: piao2026, by: 'u-sg' } });
    expect((await view(piao2027)).linkedFrom.map((l) => l.sourceCycleId)).toEqual([relazione]);
    expect((await view(piao2026)).linkedFrom).toEqual([]);
    const last = (await historyTypes(relazione)).at(-1);
    expect(last).toMatchObject({ type: 'CycleLinked', actorId: 'u-sg', reason: 'La Relazione 2027 rendiconta il PIAO 2027-2029' });
    expect((await historyTypes(piao2026)).map((v) => v.type)).toEqual(['CycleOpened', 'CycleLinkedFrom', 'CycleUnlinkedFrom']);
  });

  it('refuses a bad link naming the field, writing nothing', async () => {
    const before = await view(relazione);
    const cases: [unknown, string, number, string][] = [
      [{ linkId: 'ptpct', targetCycleId: piao2026, reason: 'x' }, 'po', 404, 'UNKNOWN_LINK'],
      [{ linkId: 'piao', targetCycleId: relazione, reason: 'x' }, 'po', 404, 'LINK_TARGET_NOT_FOUND'],
      [{ linkId: 'piao', targetCycleId: foreignPiao, reason: 'x' }, 'po', 404, 'LINK_TARGET_NOT_FOUND'],
      [{ linkId: 'piao', targetCycleId: piao2027, reason: 'x' }, 'po', 409, 'LINK_UNCHANGED'],
      [{ linkId: 'piao', targetCycleId: piao2026 }, 'po', 400, ''],
      [{ linkId: 'piao', targetCycleId: piao2026, reason: 'x' }, 'oiv', 403, 'ROLE_NOT_ALLOWED'],
    ];
    for (const [body, who, status, code] of cases) {
      const r = await run(relazione, 'link', who === 'oiv' ? oiv : po, body);
      expect({ status: r.status, code: code ? r.body.code : '' }).toEqual({ status, code });
      expect(typeof r.body.messageIt).toBe('string');
    }
    const missingReason = await run(relazione, 'link', po, { linkId: 'piao', targetCycleId: piao2026 });
    expect(JSON.stringify(missingReason.body)).toContain('body.reason');
    // A cycle of the wrong type, or of a year the link does not cover.
    const prev2027 = await open('preventivo_economico', 2027);
    const wrongType = await run(relazione, 'link', po, { linkId: 'piao', targetCycleId: prev2027, reason: 'x' });
    expect([wrongType.status, wrongType.body.code]).toEqual([422, 'LINK_TARGET_WRONG_TYPE']);
    const piao2028 = await open('piao', 2028);
    const far = await run(relazione, 'link', po, { linkId: 'piao', targetCycleId: piao2028, reason: 'x' });
    expect([far.status, far.body.code]).toEqual([422, 'LINK_TARGET_YEAR_MISMATCH']);
    expect(far.body.fields).toMatchObject([{ field: 'targetCycleId', problem: 'must be a cycle of a period covering 2027' }]);
    expect((await view(relazione)).version).toBe(before.version);
  });

  it('the PIAO 2027 follows the Preventivo economico 2027: with the postponement on, 30 days after the Consiglio approves it', async () => {
    // The Preventivo 2027 was opened in the previous test: the PIAO 2027 was linked to it then.
    const piao = await view(piao2027);
    const prevId = piao.links[0].target?.targetCycleId as string;
    expect(piao.links[0]).toMatchObject({ id: 'preventivo', status: 'linked', target: { mode: 'automatic' } });
    expect(piao.deadlines.find((d) => d.id === 'adozione')).toMatchObject({ legalDate: '2027-01-31', follows: { active: false, eventDate: null } });

    const bad = await run(piao2027, 'switch_deadline_rule', sg, { deadlineId: 'pubblicazione', active: true, reason: 'Rinvio', reference: 'DL 202/2026' });
    expect([bad.status, bad.body.code]).toEqual([404, 'UNKNOWN_DEADLINE']);
    expect((await run(piao2027, 'switch_deadline_rule', po, { deadlineId: 'adozione', active: true, reason: 'Rinvio', reference: 'DL 202/2026' })).status).toBe(403);
    const on = await run(piao2027, 'switch_deadline_rule', sg, { deadlineId: 'adozione', active: true, reason: 'Termine del bilancio differito per legge', reference: 'DL 202/2026 art. 3' });
    expect(on.status).toBe(200);
    expect((await view(piao2027)).deadlines.find((d) => d.id === 'adozione')).toMatchObject({ legalDate: null, status: 'unscheduled', follows: { active: true, switchedOn: { reference: 'DL 202/2026 art. 3' } } });

    // The budget runs to the Consiglio's deliberation (dated today: acts cannot be in the future).
    for (const [cmd, token, body] of [
      ['close_forecasts', po, {}],
      ['submit', po, {}],
      ['record_giunta_deliberation', organi, { number: '101/2026', date: today(), actHash: sha('giunta') }],
      ['record_auditors_report', revisori, { reportReference: 'Verbale 7/2026', date: today(), opinion: 'favorevole' }],
      ['record_consiglio_deliberation', organi, { number: '9/2026', date: today(), actHash: sha('consiglio') }],
    ] as const) {
      const r = await run(prevId, cmd, token, body);
      expect([cmd, r.status]).toEqual([cmd, 200]);
    }
    const expected = addDays(today(), 30) > '2027-01-31' ? addDays(today(), 30) : '2027-01-31';
    const after = await view(piao2027);
    expect(after.deadlines.find((d) => d.id === 'adozione')).toMatchObject({ legalDate: expected, follows: { active: true, eventDate: today() } });
    expect((await historyTypes(piao2027)).map((v) => v.type)).toEqual(['CycleOpened', 'CycleLinkedFrom', 'CycleLinked', 'DeadlineRuleSwitched', 'LinkedEventRecorded']);
  });

  it('the Monitoraggio intermedio measures the PIAO covering its year, the latest starting', async () => {
    const mon = await open('monitoraggio_intermedio', 2028);
    expect((await view(mon)).links[0]).toMatchObject({ relation: 'measures_and_varies', status: 'linked' });
    const target = (await view(mon)).links[0].target;
    expect(target?.targetYear).toBe(2028);
  });
});
