/** What GET /cycles/{id}/plan answers (libs/workflow PlanResponse), typed from the pure domain. */
import type { PlanProblem } from '../../../../../libs/domain/src/performance/validation';
import type { PlanDiff } from '../../../../../libs/domain/src/plan/diff';
import type { PlanAdoption, PlanNode, PlanScoring, PlanVariation } from '../../../../../libs/domain/src/plan/model';
import type { AmbitoView, IndicatorView, MeasurementView, NodeScore, OperationalObjectiveView, PlanTreeView, StrategicObjectiveView } from '../../../../../libs/domain/src/plan/view';

export type { AmbitoView, IndicatorView, MeasurementView, NodeScore, OperationalObjectiveView, PlanDiff, PlanNode, PlanProblem, PlanTreeView, StrategicObjectiveView };

export interface PlanResponse {
  cycleId: string;
  type: string;
  title: string;
  period: string;
  planYears: number[];
  stage: string;
  stageTitle: string;
  editableStageTitles: string[];
  version: number;
  tree: 'current' | 'adopted';
  editable: boolean;
  notEditableBecause?: { code: string; message: string };
  adopted: PlanAdoption | null;
  variations: PlanVariation[];
  closedYears: number[];
  scoring: PlanScoring | null;
  counts: { ambiti: number; strategicObjectives: number; operationalObjectives: number; indicators: number; measurements: number };
  problems: PlanProblem[];
  achievement: PlanTreeView;
}

export type DiffResponse = PlanDiff & { from: { ref: string; version: number }; to: { ref: string; version: number } };

export interface ImportReport {
  file: string;
  format: string | null;
  created: Record<string, number>;
  updated: number;
  unchanged: number;
  replayed: number;
  refused: { ref: string; command: string; code: string; reason: string; fields?: { field: string; problem: string }[] }[];
  warnings: { ref: string; message: string }[];
  events: number;
}

export type AnyNodeView = AmbitoView | StrategicObjectiveView | OperationalObjectiveView | IndicatorView;
