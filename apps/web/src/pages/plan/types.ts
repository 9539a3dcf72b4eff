/** What the plan endpoints answer; the tree's views typed from the pure domain. */
import type { components } from '../../api-schema';
import type { PlanProblem } from '../../../../../libs/domain/src/performance/validation';
import type { PlanDiff } from '../../../../../libs/domain/src/plan/diff';
import type { PlanNode } from '../../../../../libs/domain/src/plan/model';
import type { AmbitoView, IndicatorView, MeasurementView, NodeScore, OperationalObjectiveView, PlanTreeView, StrategicObjectiveView } from '../../../../../libs/domain/src/plan/view';

export type { AmbitoView, IndicatorView, MeasurementView, NodeScore, OperationalObjectiveView, PlanDiff, PlanNode, PlanProblem, PlanTreeView, StrategicObjectiveView };

// The answers come typed from the API's OpenAPI document (api-schema.d.ts, generated).
export type PlanResponse = components['schemas']['PlanResponse'];
export type DiffResponse = components['schemas']['PlanDiffAnswer'];
export type ImportReport = components['schemas']['ImportReport'];

export type AnyNodeView = AmbitoView | StrategicObjectiveView | OperationalObjectiveView | IndicatorView;
