import { createHash } from 'node:crypto';
import { isoDateAt, addDays } from '@ciclo/domain';
import { startTestApi, type HttpResult, type TestApi } from '../support/api';

/**
 * The rule failures found by a user trying the engine, each reproduced through HTTP: independence
 * by person (B1), Idempotency-Key scope and races (B2), act dates (B3), moved deadlines (B4) and
 * per-transition enum restrictions (B5).
 */
const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

interface Refusal {
  code: string;
  message: string;
  messageIt: string;
  fields?: { field: string; problem: string }[];
}

/** Field problems without their Italian rendering (checked on its own: present and not empty). */
function plain(fields: { field: string; problem: string; problemIt?: string }[] | undefined): { field: string; problem: string }[] | undefined {
  for (const f of fields ?? []) expect(f.problemIt?.length).toBeGreaterThan(0);
  return fields?.map(({ field, problem }) => ({ field, problem }));
}

describe('rule failures found by users, through HTTP', () => {
  let api: TestApi;
  let po: string, sg: string, organi: string, oiv: string, tuttofare: string;

  beforeAll(async () => {
    api = await startTestApi('rules');
    po = await api.token('u-po', ['po']);
    sg = await api.token('u-sg', ['segretario_generale']);
    organi = await api.token('u-organi', ['segreteria_organi']);
    oiv = await api.token('u-oiv', ['oiv']);
    tuttofare = await api.token('u-tuttofare', ['po', 'segreteria_organi', 'oiv']);
  });
  afterAll(async () => {
    await api.close();
  });

  const ok = <T>(r: HttpResult<T>, what: string): HttpResult<T> => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const open = async (type: string, year: number, token = po) =>
    ok(await api.call<{ cycleId: string }>('POST', '/cycles', { token, body: { type, year } }), `open ${type}`).body.cycleId;
  const run = <T = Record<string, unknown>>(id: string, command: string, token: string, body: unknown = {}, headers?: Record<string, string>) =>
    api.call<T>('POST', `/cycles/${id}/commands/${command}`, { token, body, headers });
  let numbers = 0;
  const deliberation = () => ({ number: `${++numbers}/2026`, date: today(), actHash: sha(`delibera ${numbers}`) });
  const attach = (id: string, token: string, bytes: string, headers: Record<string, string> = {}) =>
    api.call<{ document: { documentId: string; sha256: string }; replayed: boolean; position: number }>('POST', `/cycles/${id}/documents`, {
      token,
      raw: Buffer.from(bytes),
      headers: { 'content-type': 'application/pdf', 'x-file-name': 'atto.pdf', ...headers },
    });

  /** A Relazione sulla performance 2026 approved by the Giunta, every step by `token`. */
  async function relazioneApproved(token: string): Promise<string> {
    const id = await open('relazione_performance', 2026, token);
    ok(await run(id, 'close_measurements', token), 'close_measurements');
    ok(await run(id, 'submit', token), 'submit');
    ok(await run(id, 'record_giunta_deliberation', token, deliberation()), 'deliberation');
    return id;
  }

  describe('B1: the OIV is independent, by person', () => {
    it('one person who drafted, submitted and recorded the deliberation cannot validate it as OIV (422); another OIV can', async () => {
      const id = await relazioneApproved(tuttofare);
      const head = await api.head();
      for (const command of ['validate', 'refuse_validation']) {
        const body = command === 'validate' ? { reportReference: 'Documento di validazione', date: today() } : { reason: 'Dati incompleti', reportReference: 'Verbale 1' };
        const r = await run<Refusal>(id, command, tuttofare, body, { 'x-acting-role': 'oiv' });
        expect({ status: r.status, code: r.body.code }).toEqual({ status: 422, code: 'INDEPENDENCE_REQUIRED' });
        expect(r.body.messageIt).toMatch(/^Serve un soggetto indipendente.*apertura del ciclo/);
      }
      expect(await api.head()).toBe(head);
      const view = await api.call<{ availableCommands: string[] }>('GET', `/cycles/${id}`, { token: tuttofare });
      expect(view.body.availableCommands).not.toContain('validate');
      expect((await run(id, 'validate', oiv, { reportReference: 'Documento di validazione', date: today() })).status).toBe(200);
    });

    it('granting oiv to an employee, or an internal role to the OIV, is refused with 409 OIV_NOT_INDEPENDENT', async () => {
      const root = await api.token('u-root', ['admin'], 'platform');
      ok(await api.call('POST', '/tenants', { token: root, body: { id: 'cciaa-po', name: 'Camera di commercio di Pistoia-Prato', ipaCode: 'cciaa_po' } }), 'register tenant');
      const admin = await api.token('u-admin', ['admin']);
      const grant = (user: string, role: string) => api.call<Refusal>('POST', `/tenants/cciaa-po/users/${user}/roles`, { token: admin, body: { role } });
      expect((await grant('u-dipendente', 'po')).status).toBe(201);
      expect((await grant('u-esterno', 'oiv')).status).toBe(201);
      const head = await api.head();
      for (const [user, role] of [
        ['u-dipendente', 'oiv'],
        ['u-esterno', 'segreteria_organi'],
        ['u-esterno', 'struttura_tecnica'],
      ]) {
        const r = await grant(user, role);
        expect({ user, role, status: r.status, code: r.body.code, fields: r.body.fields?.map((f) => f.field) }).toEqual({
          user,
          role,
          status: 409,
          code: 'OIV_NOT_INDEPENDENT',
          fields: ['body.role'],
        });
        expect(r.body.messageIt).toContain("L'OIV deve essere indipendente");
      }
      expect(await api.head()).toBe(head);
    });
  });

  describe('B2: Idempotency-Key is scoped to the actor, the method, the path and the body', () => {
    type Result = { position: number; version: number; replayed: boolean; events: { type: string }[]; stage: string };
    const comments = async (id: string) =>
      (await api.call<{ comments: { text: string; by: string }[] }>('GET', `/cycles/${id}`, { token: sg })).body.comments;

    it("another person's key never replays: the SG's comment with the PO's key is written", async () => {
      const id = await open('piao', 2027);
      const first = await run<Result>(id, 'comment', po, { text: 'Osservazione della PO' }, { 'idempotency-key': 'k1' });
      const second = await run<Result>(id, 'comment', sg, { text: 'Osservazione del SG' }, { 'idempotency-key': 'k1' });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.body.replayed).toBe(false);
      expect(second.body.position).toBeGreaterThan(first.body.position);
      expect((await comments(id)).map((c) => [c.by, c.text])).toEqual([
        ['u-po', 'Osservazione della PO'],
        ['u-sg', 'Osservazione del SG'],
      ]);
      // The same key on another path (another cycle) is another request too.
      const other = await open('piao', 2027);
      expect((await run<Result>(other, 'comment', po, { text: 'Osservazione della PO' }, { 'idempotency-key': 'k1' })).body.replayed).toBe(false);
    });

    it('the same key with another body is refused (422 IDEMPOTENCY_KEY_REUSED); with the same body it replays', async () => {
      const id = await open('piao', 2027);
      const first = await run<Result>(id, 'comment', po, { text: 'Prima' }, { 'idempotency-key': 'k2' });
      const head = await api.head();
      const reused = await run<Refusal>(id, 'comment', po, { text: 'Seconda' }, { 'idempotency-key': 'k2' });
      expect({ status: reused.status, code: reused.body.code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(plain(reused.body.fields)).toEqual([{ field: 'header.Idempotency-Key', problem: 'was already used with another body' }]);
      expect(reused.body.messageIt).toContain('Idempotency-Key');
      const again = await run<Result>(id, 'comment', po, { text: 'Prima' }, { 'idempotency-key': 'k2' });
      expect(again.body).toEqual({ ...first.body, replayed: true });
      expect(await api.head()).toBe(head);
      // Opening: the same key and another body is refused too; another person's key opens their own cycle.
      const opened = ok(await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year: 2027 }, headers: { 'idempotency-key': 'k-open' } }), 'open');
      const otherBody = await api.call<Refusal>('POST', '/cycles', { token: po, body: { type: 'piao', year: 2028 }, headers: { 'idempotency-key': 'k-open' } });
      expect({ status: otherBody.status, code: otherBody.body.code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
      const bySg = ok(await api.call<{ cycleId: string; replayed: boolean }>('POST', '/cycles', { token: sg, body: { type: 'piao', year: 2027 }, headers: { 'idempotency-key': 'k-open' } }), 'open by SG');
      expect(bySg.body.cycleId).not.toBe(opened.body.cycleId);
      expect(bySg.body.replayed).toBe(false);
    });

    it('20 simultaneous requests with one key: one write, the same answer to every request, never a 500', async () => {
      const id = await open('piao', 2027);
      const head = await api.head();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => run<Result>(id, 'submit', po, { note: 'Prima stesura' }, { 'idempotency-key': 'k-race' })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(results.filter((r) => !r.body.replayed)).toHaveLength(1);
      const answers = new Set(results.map((r) => JSON.stringify({ ...r.body, replayed: undefined })));
      expect(answers.size).toBe(1);
      expect(await api.head()).toBe(head + 1);
      expect(results[0].body).toMatchObject({ stage: 'revisione_sg', events: [{ type: 'SubmittedForReview' }] });

      // The same for opening a cycle: one cycle, one CycleOpened.
      const before = await api.head();
      const opens = await Promise.all(
        Array.from({ length: 20 }, () => api.call<{ cycleId: string; replayed: boolean }>('POST', '/cycles', { token: po, body: { type: 'smvp', year: 2027 }, headers: { 'idempotency-key': 'k-race-open' } })),
      );
      expect(opens.map((r) => r.status)).toEqual(Array(20).fill(201));
      expect(new Set(opens.map((r) => r.body.cycleId)).size).toBe(1);
      expect(await api.head()).toBe(before + 1);
    });

    it('a replayed document upload returns the same document id; the bytes are stored and downloadable', async () => {
      const id = await open('piao', 2027);
      const first = await attach(id, po, '%PDF-1.7 delibera', { 'idempotency-key': 'k-doc' });
      expect(first.status).toBe(201);
      const head = await api.head();
      const again = await attach(id, po, '%PDF-1.7 delibera', { 'idempotency-key': 'k-doc' });
      expect(again.status).toBe(201);
      expect(again.body.replayed).toBe(true);
      expect(again.body.document).toEqual(first.body.document);
      expect(await api.head()).toBe(head);
      const view = await api.call<{ attachments: { documentId: string }[] }>('GET', `/cycles/${id}`, { token: po });
      expect(view.body.attachments.map((a) => a.documentId)).toEqual([first.body.document.documentId]);
      const download = await api.call('GET', `/cycles/${id}/documents/${first.body.document.documentId}`, { token: po });
      expect(download.status).toBe(200);
      expect(download.headers.get('x-content-sha256')).toBe(sha('%PDF-1.7 delibera'));
      const otherBytes = await attach(id, po, '%PDF-1.7 altro', { 'idempotency-key': 'k-doc' });
      expect({ status: otherBytes.status, code: (otherBytes.body as unknown as Refusal).code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
      // Simultaneous uploads with one key: one attachment.
      const many = await Promise.all(Array.from({ length: 10 }, () => attach(id, po, '%PDF-1.7 verbale', { 'idempotency-key': 'k-doc-race' })));
      expect(many.map((r) => r.status)).toEqual(Array(10).fill(201));
      expect(new Set(many.map((r) => r.body.document.documentId)).size).toBe(1);
      const after = await api.call<{ attachments: { documentId: string }[] }>('GET', `/cycles/${id}`, { token: po });
      expect(after.body.attachments).toHaveLength(2);
    });

    it('stores the bytes before the event: when the bytes cannot be stored, no attachment is recorded', async () => {
      const id = await open('piao', 2027);
      // The document table refuses these bytes (a stand-in for a storage failure).
      await api.pool.query(`ALTER TABLE wf_documents ADD CONSTRAINT test_refuse_big CHECK (size < 10) NOT VALID`);
      const head = await api.head();
      try {
        const r = await attach(id, po, '%PDF-1.7 troppo grande', { 'idempotency-key': 'k-doc-fail' });
        expect(r.status).toBe(500);
        expect(await api.head()).toBe(head);
      } finally {
        await api.pool.query(`ALTER TABLE wf_documents DROP CONSTRAINT test_refuse_big`);
      }
      // Retried with the same key once storage works: written once, with its bytes.
      const retried = ok(await attach(id, po, '%PDF-1.7 troppo grande', { 'idempotency-key': 'k-doc-fail' }), 'retry');
      expect(retried.body.replayed).toBe(false);
      const download = await api.call('GET', `/cycles/${id}/documents/${retried.body.document.documentId}`, { token: po });
      expect(download.status).toBe(200);
    });
  });

  describe('B2 on the plan: the same scoping for plan commands', () => {
    type PlanResult = { position: number; replayed: boolean; events: { type: string; position: number }[] };
    it("another person's key is theirs; another body is refused; 20 at once write once", async () => {
      const id = await open('piao', 2027);
      const po2 = await api.token('u-po-2', ['po']);
      const plan = (token: string, body: unknown, key: string) =>
        api.call<PlanResult & Refusal>('POST', `/cycles/${id}/plan/commands/add_node`, { token, body, headers: { 'idempotency-key': key } });
      const first = await plan(po, { kind: 'ambito', code: '01', title: 'Competitività' }, 'kp');
      const theirs = await plan(po2, { kind: 'ambito', code: '02', title: 'Semplificazione' }, 'kp');
      expect([first.status, theirs.status, theirs.body.replayed]).toEqual([200, 200, false]);
      const head = await api.head();
      const reused = await plan(po, { kind: 'ambito', code: '03', title: 'Altro' }, 'kp');
      expect({ status: reused.status, code: reused.body.code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
      const again = await plan(po, { kind: 'ambito', code: '01', title: 'Competitività' }, 'kp');
      expect({ replayed: again.body.replayed, position: again.body.position, events: again.body.events }).toEqual({
        replayed: true,
        position: first.body.position,
        events: first.body.events,
      });
      expect(await api.head()).toBe(head);
      const many = await Promise.all(Array.from({ length: 20 }, () => plan(po, { kind: 'ambito', code: '04', title: 'Internazionalizzazione' }, 'kp-race')));
      expect(many.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(new Set(many.map((r) => r.body.position)).size).toBe(1);
      expect(await api.head()).toBe(head + 1);
    });
  });

  describe('B3: act dates', () => {
    it('an OIV validation dated 2020-01-15 for the Relazione 2026 is refused, naming the field', async () => {
      const id = await relazioneApproved(await api.token('u-po-3', ['po', 'segreteria_organi']));
      const head = await api.head();
      const early = await run<Refusal>(id, 'validate', oiv, { reportReference: 'Documento di validazione', date: '2020-01-15' });
      expect({ status: early.status, code: early.body.code, fields: plain(early.body.fields) }).toEqual({
        status: 422,
        code: 'ACT_DATE_BEFORE_PERIOD',
        fields: [{ field: 'date', problem: 'must not be before 2025-01-01' }],
      });
      expect(early.body.messageIt).toContain('campo date: il 15/01/2020');
      const beforeDeliberation = await run<Refusal>(id, 'validate', oiv, { reportReference: 'Documento di validazione', date: addDays(today(), -1) });
      expect({ status: beforeDeliberation.status, code: beforeDeliberation.body.code }).toEqual({ status: 422, code: 'ACT_DATE_BEFORE_PREVIOUS_STEP' });
      expect(beforeDeliberation.body.messageIt).toContain('campo date');
      expect(await api.head()).toBe(head);
      expect((await run(id, 'validate', oiv, { reportReference: 'Documento di validazione', date: today() })).status).toBe(200);
    });
  });

  describe('B4: a moved deadline must be plausible', () => {
    it('move_deadline to 1999-03-31 is refused (422) naming newDate and the range', async () => {
      const rpct = await api.token('u-rpct', ['rpct']);
      const id = await open('relazione_rpct', 2026, rpct);
      const body = (newDate: string) => ({ deadlineId: 'pubblicazione', newDate, reason: 'Comunicato ANAC', reference: 'Comunicato del Presidente ANAC' });
      const head = await api.head();
      const r = await run<Refusal>(id, 'move_deadline', rpct, body('1999-03-31'));
      expect({ status: r.status, code: r.body.code, fields: plain(r.body.fields) }).toEqual({
        status: 422,
        code: 'DEADLINE_DATE_IMPLAUSIBLE',
        fields: [{ field: 'newDate', problem: 'must be between 2025-12-14 and 2027-12-16' }],
      });
      expect(r.body.messageIt).toContain('campo newDate: il 31/03/1999');
      expect(await api.head()).toBe(head);
      expect((await run(id, 'move_deadline', rpct, body('2027-01-31'))).status).toBe(200);
    });
  });

  describe('B5: a transition accepts only the recipient its stage names', () => {
    it("the PIAO's upload_to_portal refuses recipient anac (400 naming recipient) and accepts funzione_pubblica", async () => {
      const id = await open('piao', 2027);
      ok(await run(id, 'submit', po), 'submit');
      ok(await run(id, 'approve', sg), 'approve');
      ok(await run(id, 'record_giunta_deliberation', organi, deliberation()), 'deliberation');
      ok(await attach(id, po, '%PDF-1.7 PIAO'), 'attach');
      ok(await run(id, 'publish', po, { channel: 'amministrazione_trasparente', url: 'https://www.example.org/piao', date: today() }), 'publish');
      const head = await api.head();
      const anac = await run<Refusal>(id, 'upload_to_portal', po, { recipient: 'anac', protocol: 'PIAO-1', date: today() });
      expect({ status: anac.status, code: anac.body.code, fields: plain(anac.body.fields) }).toEqual({
        status: 400,
        code: 'INVALID_FIELDS',
        fields: [{ field: 'recipient', problem: 'must be one of: funzione_pubblica' }],
      });
      expect(await api.head()).toBe(head);
      const portal = await run<{ stage: string }>(id, 'upload_to_portal', po, { recipient: 'funzione_pubblica', protocol: 'PIAO-1', date: today() });
      expect(portal.body.stage).toBe('trasmesso');
    });
  });
});
