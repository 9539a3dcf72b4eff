/* eslint-disable no-restricted-imports */
// The chamber's own rating method (its tenant stream) and how a register pins it: given/when/then
// on the real PTPCT definition, refusals included.
import { readFileSync } from 'fs';
import { join } from 'path';
import { decide } from '../../cycle/decide';
import { DomainRefusal } from '../../cycle/errors';
import type { FoldableEvent } from '../../cycle/evolve';
import { foldCycle } from '../../cycle/fold';
import type { ActorContext, DomainEvent } from '../../cycle/model';
import { actor, commands, NOW, pathTo, TENANT, TIME_ZONE, todayAt } from '../../cycle/testing';
import { parseCycleDefinition } from '../../definitions';
import { decidePlan } from '../decide';
import { foldPlan } from '../evolve';
import type { PlanCommand } from '../model';
import { planSubmissionProblems } from '../tree';
import { DEFAULT_RATING_METHOD } from './model';
import { rpctAnnualReport } from './rpct-report';
import {
  currentTenantMethod,
  decideTenantRatingMethod,
  foldTenantRatingMethod,
  type TenantRatingMethodCommand,
  type TenantRatingMethodState,
} from './tenant-method';
import { registerView } from './view';

const ptpct = parseCycleDefinition(
  readFileSync(join(__dirname, '../../../../../seeds/cycles/ptpct.v1.yaml'), 'utf8'),
  'ptpct.v1.yaml',
);
const rpct = actor('rpct');
const admin = actor('admin');
const dirigente = actor('dirigente');
const organi = actor('segreteria_organi');
const TODAY = todayAt(NOW);

const FIVE = {
  indicators: [
    { key: 'interesse_esterno', title: 'Interesse esterno' },
    { key: 'discrezionalita', title: 'Discrezionalità' },
    { key: 'controlli', title: 'Efficacia dei controlli' },
  ],
  levels: ['minimo', 'basso', 'moderato', 'alto', 'critico'],
};
const THREE = {
  indicators: [{ key: 'interesse_esterno', title: 'Interesse esterno' }],
  levels: ['trascurabile', 'rilevante', 'grave'],
};

/** The tenant's method stream. */
class MethodStream {
  events: FoldableEvent[] = [];
  get state(): TenantRatingMethodState {
    return foldTenantRatingMethod(this.events);
  }
  do(command: TenantRatingMethodCommand, by: ActorContext): DomainEvent[] {
    const out = decideTenantRatingMethod(command, this.state, { actor: by, now: NOW });
    for (const e of out) this.events.push({ ...e, version: this.events.length + 1, tenant: TENANT });
    return out;
  }
  refusal(command: TenantRatingMethodCommand, by: ActorContext): DomainRefusal {
    const before = this.events.length;
    try {
      this.do(command, by);
    } catch (e) {
      expect(this.events.length).toBe(before);
      if (e instanceof DomainRefusal) return e;
      throw e;
    }
    throw new Error('expected a refusal');
  }
}

/** A PTPCT's stream, whose register commands see the chamber's method of `methods`. */
class CycleStream {
  events: FoldableEvent[] = [...pathTo(ptpct, 'proposta_rpct', { year: 2027 }).events];
  constructor(readonly methods: MethodStream) {}
  get plan() {
    return foldPlan(this.events);
  }
  get cycle() {
    return foldCycle(this.events);
  }
  private push(out: DomainEvent[]): DomainEvent[] {
    for (const e of out) this.events.push({ ...e, version: this.events.length + 1, tenant: TENANT });
    return out;
  }
  do(command: PlanCommand, by: ActorContext = rpct): DomainEvent[] {
    return this.push(
      decidePlan(command, this.plan, this.cycle, {
        actor: by,
        now: NOW,
        definition: ptpct,
        timeZone: TIME_ZONE,
        ratingMethod: currentTenantMethod(this.methods.state),
      }),
    );
  }
  adopt(): void {
    this.push(
      decide(commands.transition('submit', {}), this.cycle, {
        actor: rpct,
        now: NOW,
        definition: ptpct,
        timeZone: TIME_ZONE,
        planProblems: planSubmissionProblems(this.plan, this.cycle, ptpct),
      }),
    );
    this.push(
      decide(
        commands.transition('record_giunta_deliberation', {
          number: '9/2027',
          date: TODAY,
          actHash: 'c'.repeat(64),
        }),
        this.cycle,
        { actor: organi, now: NOW, definition: ptpct, timeZone: TIME_ZONE },
      ),
    );
    expect(this.cycle.stage).toBe('adottato');
  }
}

const rated = (levels: Record<string, string>) =>
  Object.fromEntries(Object.entries(levels).map(([k, l]) => [k, { level: l, reason: `motivo ${k}` }]));

function withProcesses(methods: MethodStream): CycleStream {
  const s = new CycleStream(methods);
  for (const code of ['A1', 'B2']) {
    s.do({ type: 'add_register_item', item: { kind: 'process', code, title: `Processo ${code}` } });
    s.do({
      type: 'add_register_item',
      item: { kind: 'risk', code: `${code}-R1`, processCode: code, description: 'Favoritismo', factors: [] },
    });
  }
  s.do({
    type: 'add_register_item',
    item: {
      kind: 'measure',
      code: 'MS1',
      measureKind: 'specifica',
      category: 'controllo',
      title: 'Controllo a campione',
      riskCodes: ['A1-R1', 'B2-R1'],
      owner: { office: 'Ufficio gare', dirigente: 'Dirigente Area 1' },
      phases: [{ title: 'Estrazione del campione', deadline: '2027-06-30' }],
      indicator: 'Pratiche controllate',
      target: '10%',
    },
  });
  return s;
}

describe("the chamber's rating method (tenant stream)", () => {
  it('given no method, when the RPCT sets one with its reason, then it is version 1 and in force', () => {
    const m = new MethodStream();
    expect(currentTenantMethod(m.state)).toBeNull();
    const [e] = m.do({ type: 'set_tenant_rating_method', method: FIVE, reason: 'Delibera RPCT 2027' }, rpct);
    expect(e).toMatchObject({
      type: 'TenantRatingMethodSet',
      actorRole: 'rpct',
      data: { method: FIVE, reason: 'Delibera RPCT 2027' },
    });
    expect(currentTenantMethod(m.state)).toMatchObject({
      ...FIVE,
      version: 1,
      reason: 'Delibera RPCT 2027',
      by: rpct.userId,
    });
    // The same method again writes nothing; an administrator may change it: version 2.
    expect(m.do({ type: 'set_tenant_rating_method', method: FIVE, reason: 'di nuovo' }, rpct)).toEqual([]);
    m.do({ type: 'set_tenant_rating_method', method: THREE, reason: 'Metodo semplificato' }, admin);
    expect(m.state.history.map((h) => [h.version, h.levels.length])).toEqual([
      [1, 5],
      [2, 3],
    ]);
  });

  it("goes back to ANAC's default as a new version; nothing to write when the default is in force", () => {
    const m = new MethodStream();
    expect(m.do({ type: 'reset_tenant_rating_method', reason: 'x' }, rpct)).toEqual([]);
    expect(
      m.do({ type: 'set_tenant_rating_method', method: DEFAULT_RATING_METHOD, reason: 'x' }, rpct),
    ).toEqual([]);
    m.do({ type: 'set_tenant_rating_method', method: FIVE, reason: 'proprio' }, rpct);
    const [e] = m.do({ type: 'reset_tenant_rating_method', reason: 'Torniamo al PNA' }, rpct);
    expect(e.data).toMatchObject({ default: true, method: { levels: ['basso', 'medio', 'alto'] } });
    expect(currentTenantMethod(m.state)).toMatchObject({ version: 2, levels: DEFAULT_RATING_METHOD.levels });
  });

  it('refuses other roles, a missing reason and a bad method, naming every field', () => {
    const m = new MethodStream();
    expect(m.refusal({ type: 'set_tenant_rating_method', method: FIVE, reason: 'x' }, dirigente).code).toBe(
      'ROLE_NOT_ALLOWED',
    );
    const r = m.refusal(
      {
        type: 'set_tenant_rating_method',
        method: {
          indicators: [
            { key: 'Interesse', title: 'x' },
            { key: 'a', title: 'A' },
            { key: 'a', title: 'B' },
          ],
          levels: ['alto'],
          scale: 3,
        },
        reason: '',
      },
      rpct,
    );
    expect(r.code).toBe('INVALID_FIELDS');
    expect(r.category).toBe('invalid');
    expect(r.fields.map((f) => f.field).sort()).toEqual([
      'method.indicators[0]',
      'method.indicators[2].key',
      'method.levels',
      'method.scale',
      'reason',
    ]);
    expect(
      m
        .refusal({ type: 'set_tenant_rating_method', method: 'pna', reason: 'x' }, admin)
        .fields.map((f) => f.field),
    ).toEqual(['method']);
  });
});

describe("the chamber's rating method written on the version read (expectedVersion)", () => {
  it('writes when the version read is the current one, and refuses once another write came in between', () => {
    const m = new MethodStream();
    // Read at version 0 (ANAC's method): the first write passes.
    expect(m.do({ type: 'set_tenant_rating_method', method: FIVE, reason: 'a', expectedVersion: 0 }, rpct)).toHaveLength(1);
    // Someone else still at version 0: refused, naming the version now in force.
    const stale = m.refusal({ type: 'set_tenant_rating_method', method: THREE, reason: 'b', expectedVersion: 0 }, admin);
    expect(stale.code).toBe('RATING_METHOD_VERSION_CHANGED');
    expect(stale.category).toBe('conflict');
    expect(stale.messageIt).toContain('ora versione 1 (la modifica era sulla versione 0)');
    expect(m.refusal({ type: 'reset_tenant_rating_method', reason: 'c', expectedVersion: 0 }, rpct).code).toBe(
      'RATING_METHOD_VERSION_CHANGED',
    );
    // On the version in force: written (set and reset alike).
    expect(m.do({ type: 'reset_tenant_rating_method', reason: 'c', expectedVersion: 1 }, rpct)).toHaveLength(1);
    expect(m.state.version).toBe(2);
  });

  it('refuses a version that is not a whole number ≥ 0 as a field, before looking at the stream; a wrong role first', () => {
    const m = new MethodStream();
    for (const bad of [-1, 1.5, '1', Number.NaN]) {
      const r = m.refusal({ type: 'set_tenant_rating_method', method: FIVE, reason: 'a', expectedVersion: bad }, rpct);
      expect([r.code, r.fields.map((f) => f.field)]).toEqual(['INVALID_FIELDS', ['expectedVersion']]);
    }
    expect(m.refusal({ type: 'set_tenant_rating_method', method: FIVE, reason: 'a', expectedVersion: 7 }, dirigente).code).toBe(
      'ROLE_NOT_ALLOWED',
    );
    expect(m.state.version).toBe(0);
  });
});

describe("a register under the chamber's method", () => {
  it("given the chamber's method, when a process is assessed, then the method is pinned to the plan and the assessment keeps its version", () => {
    const m = new MethodStream();
    m.do({ type: 'set_tenant_rating_method', method: FIVE, reason: 'Metodo camerale' }, rpct);
    const s = withProcesses(m);
    // Before any assessment the register shows the chamber's method.
    expect(registerView(s.plan.register, TODAY, currentTenantMethod(m.state))).toMatchObject({
      methodRef: { source: 'ente', version: 1 },
      method: { levels: FIVE.levels },
    });
    const out = s.do({
      type: 'assess_risk',
      processCode: 'A1',
      indicators: rated({ interesse_esterno: 'alto', discrezionalita: 'critico', controlli: 'moderato' }),
      rating: 'critico',
      motivation: 'appalti di importo rilevante',
    });
    expect(out.map((e) => e.type)).toEqual(['RiskRatingMethodSet', 'RiskAssessed']);
    expect(out[0].data).toMatchObject({ source: 'ente', tenantVersion: 1, method: FIVE });
    expect(out[1].data).toMatchObject({ rating: 'critico', method: { source: 'ente', version: 1 } });
    // A second assessment under the same version pins nothing more.
    const again = s.do({
      type: 'assess_risk',
      processCode: 'B2',
      indicators: rated({ interesse_esterno: 'basso', discrezionalita: 'minimo', controlli: 'basso' }),
      rating: 'basso',
      motivation: 'attività vincolata',
    });
    expect(again.map((e) => e.type)).toEqual(['RiskAssessed']);
    const v = registerView(s.plan.register, TODAY);
    expect(v.methodRef).toEqual({ source: 'ente', version: 1 });
    expect(v.summary.byRating).toEqual([
      { level: 'critico', processes: 1 },
      { level: 'alto', processes: 0 },
      { level: 'moderato', processes: 0 },
      { level: 'basso', processes: 1 },
      { level: 'minimo', processes: 0 },
      { level: 'non_valutato', processes: 0 },
    ]);
    expect(v.processes[0]).toMatchObject({
      code: 'A1',
      assessedWith: { source: 'ente', version: 1 },
      needsReassessment: false,
    });
  });

  it("refuses an assessment on ANAC's levels or indicators when the chamber's method differs", () => {
    const m = new MethodStream();
    m.do({ type: 'set_tenant_rating_method', method: FIVE, reason: 'Metodo camerale' }, rpct);
    const s = withProcesses(m);
    const before = s.events.length;
    let refusal: DomainRefusal | undefined;
    try {
      s.do({
        type: 'assess_risk',
        processCode: 'A1',
        indicators: rated({ interesse_esterno: 'medio', discrezionalita: 'alto', opacita: 'alto' }),
        rating: 'medio',
        motivation: 'm',
      });
    } catch (e) {
      refusal = e as DomainRefusal;
    }
    expect(refusal).toBeInstanceOf(DomainRefusal);
    expect(refusal?.fields.map((f) => f.field).sort()).toEqual([
      'indicators.controlli',
      'indicators.interesse_esterno.level',
      'indicators.opacita',
      'rating',
    ]);
    expect(s.events.length).toBe(before);
  });

  it('when the chamber changes its method, earlier assessments keep their version and must be redone under the new one', () => {
    const m = new MethodStream();
    m.do({ type: 'set_tenant_rating_method', method: FIVE, reason: 'v1' }, rpct);
    const s = withProcesses(m);
    s.do({
      type: 'assess_risk',
      processCode: 'A1',
      indicators: rated({ interesse_esterno: 'alto', discrezionalita: 'alto', controlli: 'alto' }),
      rating: 'alto',
      motivation: 'm',
    });
    m.do({ type: 'set_tenant_rating_method', method: THREE, reason: 'v2' }, admin);
    const out = s.do({
      type: 'assess_risk',
      processCode: 'B2',
      indicators: rated({ interesse_esterno: 'grave' }),
      rating: 'grave',
      motivation: 'm',
    });
    expect(out[0].data).toMatchObject({ source: 'ente', tenantVersion: 2 });
    const v = registerView(s.plan.register, TODAY);
    const a1 = v.processes.find((p) => p.code === 'A1');
    expect(a1).toMatchObject({
      assessedWith: { source: 'ente', version: 1 },
      needsReassessment: true,
      rating: null,
    });
    expect(
      planSubmissionProblems(s.plan, s.cycle, ptpct)
        .filter((p) => p.code === 'PROCESS_NOT_ASSESSED')
        .map((p) => p.nodeCode),
    ).toEqual(['A1']);
  });

  it("a method set on the plan itself wins over the chamber's: nothing is pinned", () => {
    const m = new MethodStream();
    m.do({ type: 'set_tenant_rating_method', method: FIVE, reason: 'camerale' }, rpct);
    const s = withProcesses(m);
    s.do({ type: 'set_rating_method', method: THREE, reason: 'solo per questo piano' });
    const out = s.do({
      type: 'assess_risk',
      processCode: 'A1',
      indicators: rated({ interesse_esterno: 'grave' }),
      rating: 'grave',
      motivation: 'm',
    });
    expect(out.map((e) => e.type)).toEqual(['RiskAssessed']);
    expect(out[0].data.method).toEqual({ source: 'piano', version: s.plan.register.method?.version });
  });

  it('an adopted register keeps the method it was rated with when the chamber changes its own later', () => {
    const m = new MethodStream();
    m.do({ type: 'set_tenant_rating_method', method: THREE, reason: 'v1' }, rpct);
    const s = withProcesses(m);
    for (const code of ['A1', 'B2'])
      s.do({
        type: 'assess_risk',
        processCode: code,
        indicators: rated({ interesse_esterno: 'grave' }),
        rating: code === 'A1' ? 'grave' : 'rilevante',
        motivation: 'm',
      });
    s.adopt();
    m.do({ type: 'set_tenant_rating_method', method: FIVE, reason: 'v2' }, rpct);
    const v = registerView(s.plan.register, TODAY, currentTenantMethod(m.state));
    expect(v.methodRef).toEqual({ source: 'ente', version: 1 });
    expect(v.processes.every((p) => !p.needsReassessment)).toBe(true);
    const rows = rpctAnnualReport(s.plan.register, 2027, TODAY);
    expect(rows.find((r) => r.item === 'Processi con livello di rischio grave')?.value).toBe(1);
    expect(rows.find((r) => r.item === 'Processi con livello di rischio rilevante')?.value).toBe(1);
  });

  it("without a method of the chamber, ANAC's default applies and assessments record it", () => {
    const s = withProcesses(new MethodStream());
    const out = s.do({
      type: 'assess_risk',
      processCode: 'A1',
      indicators: rated(Object.fromEntries(DEFAULT_RATING_METHOD.indicators.map((i) => [i.key, 'medio']))),
      rating: 'medio',
      motivation: 'm',
    });
    expect(out.map((e) => e.type)).toEqual(['RiskAssessed']);
    expect(out[0].data.method).toEqual({ source: 'pna2019', version: 0 });
    expect(registerView(s.plan.register, TODAY).methodRef).toEqual({ source: 'pna2019', version: 0 });
  });
});
