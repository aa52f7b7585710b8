import type { CatalogueCourse, CatalogueModule } from '../courses/catalogue.ts';
import type { ProgressRow } from './queries.ts';

export type ModuleStatus = 'not_started' | 'in_progress' | 'completed' | 'quiz_failed' | 'locked';

export interface ModuleState {
  module: CatalogueModule;
  status: ModuleStatus;
  bestScore: number | null;
  attempts: number;
}

export interface CourseProgress {
  modules: ModuleState[];
  completed: number;
  total: number;
  percent: number;
  next: CatalogueModule | null; // where to continue: the first module not yet complete
  complete: boolean;
}

/** A teacher's state in a course, from their progress rows; pure, so pages and tests agree. */
export function courseProgress(course: CatalogueCourse, rows: Map<number, ProgressRow>): CourseProgress {
  let previousDone = true;
  const states = course.modules.map((module): ModuleState => {
    const row = rows.get(module.id);
    let status: ModuleStatus;
    if (row?.status === 'completed') status = 'completed';
    else if (course.sequential && !previousDone) status = 'locked';
    else if (row && row.attempts > 0 && !row.quizPassed) status = 'quiz_failed';
    else status = row ? 'in_progress' : 'not_started';
    previousDone = status === 'completed';
    return { module, status, bestScore: row?.bestScore ?? null, attempts: row?.attempts ?? 0 };
  });
  const completed = states.filter((s) => s.status === 'completed').length;
  const total = states.length;
  return {
    modules: states,
    completed,
    total,
    percent: total === 0 ? 0 : Math.floor((completed / total) * 100),
    next: states.find((s) => s.status !== 'completed')?.module ?? null,
    complete: total > 0 && completed === total,
  };
}
