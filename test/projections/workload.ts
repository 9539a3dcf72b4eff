import { createHash } from 'node:crypto';
import { commandFields, CONTROL_KINDS, isoDateAt, type CycleDefinition, type Role } from '@ciclo/domain';
import { ROLES } from '@ciclo/identity';
import type { DefinitionRegistry } from '@ciclo/workflow';
import { fieldValue, prng } from '../../bench/projections';
import type { TestApi } from '../support/api';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

interface View {
  type: string;
  definitionVersion: number;
  stage: string;
  status: string;
  availableCommands: string[];
}

/**
 * Drives cycles through the real HTTP command path. Two users of each tenant hold every role and
 * act in the role the command needs (`X-Acting-Role`), so separation-of-duties rules are met by
 * switching user; a third holds only the control roles (oiv, revisori) and performs the
 * validations and refusals, which must be independent of whoever drafted and approved the cycle.
 */
export class HttpWorkload {
  private readonly seq = new Map<string, { n: number }>();
  private readonly users = new Map<string, [string, string, string]>();
  readonly cycles: { tenant: string; id: string; type: string }[] = [];
  commands = 0;

  constructor(
    private readonly api: TestApi,
    private readonly registry: DefinitionRegistry,
    private readonly rnd = prng(20270131),
  ) {}

  private async tokens(tenant: string): Promise<[string, string, string]> {
    let t = this.users.get(tenant);
    if (!t) {
      t = [
        await this.api.token('u-all-1', [...ROLES] as Role[], tenant),
        await this.api.token('u-all-2', [...ROLES] as Role[], tenant),
        await this.api.token('u-controllo', ['oiv', 'revisori'], tenant),
      ];
      this.users.set(tenant, t);
    }
    return t;
  }

  /**
   * Sends a request and expects 2xx. A 409 CONCURRENT_MODIFICATION is what a client is told to
   * retry: the engine may write into a cycle at the same moment on behalf of a linked cycle (the
   * PIAO's deadline following another cycle's deliberation), so it is sent again, a few times.
   */
  private async ok<T>(what: string, send: () => Promise<{ status: number; body: T }>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const res = await send();
      const code = (res.body as { code?: unknown } | null)?.code;
      if (res.status === 409 && code === 'CONCURRENT_MODIFICATION' && attempt < 5) continue;
      if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
      this.commands++;
      return res.body;
    }
  }

  async open(tenant: string, type: string, year: number, title?: string): Promise<string> {
    const def = this.registry.latest(type) as CycleDefinition;
    const [a] = await this.tokens(tenant);
    const r = await this.ok<{ cycleId: string }>(
      `open ${type}`,
      () => this.api.call('POST', '/cycles', { token: a, body: { type, year, ...(title ? { title } : {}) }, headers: { 'x-acting-role': pick(this.rnd, def.openRoles) } }),
    );
    this.cycles.push({ tenant, id: r.cycleId, type });
    return r.cycleId;
  }

  async view(tenant: string, id: string, user = 0): Promise<View> {
    const tokens = await this.tokens(tenant);
    const r = await this.api.call<View>('GET', `/cycles/${id}`, { token: tokens[user] });
    if (r.status !== 200) throw new Error(`GET /cycles/${id}: ${r.status}`);
    return r.body;
  }

  async comment(tenant: string, id: string, text: string): Promise<number> {
    const v = await this.view(tenant, id);
    const def = this.registry.get(v.type, v.definitionVersion) as CycleDefinition;
    const [a] = await this.tokens(tenant);
    const r = await this.ok<{ position: number }>(
      'comment',
      () => this.api.call('POST', `/cycles/${id}/commands/comment`, { token: a, body: { text }, headers: { 'x-acting-role': pick(this.rnd, def.commentRoles) } }),
    );
    return r.position;
  }

  async attach(tenant: string, id: string, name: string): Promise<number> {
    const v = await this.view(tenant, id);
    const def = this.registry.get(v.type, v.definitionVersion) as CycleDefinition;
    const [, b] = await this.tokens(tenant);
    const r = await this.ok<{ position: number }>(
      'attach',
      () => this.api.call('POST', `/cycles/${id}/documents`, {
        token: b,
        raw: Buffer.from(`%PDF-1.7 ${name}`),
        headers: { 'content-type': 'application/pdf', 'x-file-name': encodeURIComponent(name), 'x-acting-role': pick(this.rnd, def.attachRoles) },
      }),
    );
    return r.position;
  }

  async cancel(tenant: string, id: string, reason: string): Promise<number> {
    const v = await this.view(tenant, id);
    const def = this.registry.get(v.type, v.definitionVersion) as CycleDefinition;
    const [a] = await this.tokens(tenant);
    const r = await this.ok<{ position: number }>(
      'cancel',
      () => this.api.call('POST', `/cycles/${id}/commands/cancel`, { token: a, body: { reason }, headers: { 'x-acting-role': pick(this.rnd, def.cancelRoles) } }),
    );
    return r.position;
  }

  /** Runs `command` with its required fields, as whichever of the two users may. */
  async transition(tenant: string, id: string, command: string, extra: Record<string, unknown> = {}): Promise<{ position: number; stage: string }> {
    const tokens = await this.tokens(tenant);
    const views = [await this.view(tenant, id, 0), await this.view(tenant, id, 1)];
    let user = views.findIndex((v) => v.availableCommands.includes(command));
    if (user < 0 && (await this.view(tenant, id, 2)).availableCommands.includes(command)) user = 2;
    if (user < 0) throw new Error(`${command} is not available on ${views[0].type} in stage ${views[0].stage}`);
    const def = this.registry.get(views[0].type, views[0].definitionVersion) as CycleDefinition;
    const t = def.transitions.find((x) => x.command === command && x.from.includes(views[0].stage));
    if (!t) throw new Error(`no transition ${command}`);
    const seq = this.seq.get(tenant) ?? { n: 0 };
    this.seq.set(tenant, seq);
    const now = new Date();
    const fields: Record<string, unknown> = {};
    for (const f of commandFields(t)) if (f.required || this.rnd() < 0.3) fields[f.name] = fieldValue(f, now, this.rnd, seq);
    if ('date' in fields) fields.date = isoDateAt(now, 'Europe/Rome');
    if ('actHash' in fields) fields.actHash = sha(`${id}:${command}:${seq.n}`);
    return this.ok(command, () =>
      this.api.call('POST', `/cycles/${id}/commands/${command}`, { token: tokens[user], body: { ...fields, ...extra }, headers: { 'x-acting-role': pick(this.rnd, t.roles) } }),
    );
  }

  /**
   * A random walk of up to `steps` actions: transitions available to any user (forward ones
   * three times as often as requests for changes, withdrawals and refusals), comments,
   * attachments, and a cancellation at step `cancelAt`; stops in a terminal stage.
   */
  async walk(tenant: string, id: string, steps: number, cancelAt = -1): Promise<void> {
    for (let step = 0; step < steps; step++) {
      const views = [await this.view(tenant, id, 0), await this.view(tenant, id, 1)];
      if (views[0].status !== 'open') return;
      if (step === cancelAt) {
        await this.cancel(tenant, id, 'Ciclo annullato: sostituito da una nuova programmazione');
        return;
      }
      const def = this.registry.get(views[0].type, views[0].definitionVersion) as CycleDefinition;
      // The control user only where a validation or refusal leaves the stage.
      if (def.transitions.some((t) => t.from.includes(views[0].stage) && CONTROL_KINDS.includes(t.kind))) views.push(await this.view(tenant, id, 2));
      const available = new Set(views.flatMap((v) => v.availableCommands));
      const transitions = def.transitions.filter((t) => t.from.includes(views[0].stage) && available.has(t.command));
      const r = this.rnd();
      if (r < 0.15 || transitions.length === 0) {
        if (this.rnd() < 0.6) await this.comment(tenant, id, `Osservazione ${step} su ${views[0].stage}`);
        else await this.attach(tenant, id, `Allegato ${step}.pdf`);
        continue;
      }
      const back = (k: string) => k === 'request_changes' || k === 'withdrawal' || k === 'refusal';
      const t = pick(this.rnd, transitions.flatMap((x) => (back(x.kind) ? [x] : [x, x, x])));
      await this.transition(tenant, id, t.command);
    }
  }
}
