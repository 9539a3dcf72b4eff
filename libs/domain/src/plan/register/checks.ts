/** What stops a register from being submitted (or a variation of it from being approved). */
import type { PlanProblem } from '../../performance/validation';
import { isRegisterEmpty, methodOf, type RegisterState } from './model';

/** Every problem at once: processes not assessed, risks no measure treats, measures without risk or phases. */
export function registerSubmissionProblems(r: RegisterState): PlanProblem[] {
  if (isRegisterEmpty(r)) return [];
  const out: PlanProblem[] = [];
  const levels = new Set(methodOf(r).levels);
  for (const p of r.processes.values()) {
    const a = r.assessments.get(p.code);
    if (!a || !levels.has(a.rating))
      out.push({
        code: 'PROCESS_NOT_ASSESSED',
        nodeCode: p.code,
        nodeKind: 'process',
        message: a
          ? `rating ${a.rating} is not a level of the method: assess again`
          : 'the process has no risk assessment',
      });
  }
  const treated = new Set<string>();
  for (const m of r.measures.values()) {
    for (const c of m.riskCodes) treated.add(c);
    if (m.measureKind === 'specifica' && m.riskCodes.length === 0)
      out.push({
        code: 'MEASURE_WITHOUT_RISK',
        nodeCode: m.code,
        nodeKind: 'measure',
        message: 'a specific measure treats no risk',
      });
    if (m.phases.length === 0)
      out.push({
        code: 'MEASURE_WITHOUT_PHASES',
        nodeCode: m.code,
        nodeKind: 'measure',
        message: 'the measure has no implementation phase with a deadline',
      });
  }
  for (const x of r.risks.values())
    if (!treated.has(x.code))
      out.push({
        code: 'RISK_WITHOUT_MEASURE',
        nodeCode: x.code,
        nodeKind: 'risk',
        message: 'no measure treats the risk',
      });
  return out;
}
