import type { FeedbackCell } from '../../lib/pipeline/ports';

/** Rows shaped like a Feedback tab (status lines, a header, one row per problem), for the writer's tests. */
export function feedbackTable(report: {
  status: string;
  syncedAt: string;
  issues: ReadonlyArray<{
    at: string;
    code?: string;
    typed?: string;
    problem: string;
    expected?: string;
    lastAccepted?: number | string | null;
  }>;
}): FeedbackCell[][] {
  return [
    ['Status 状态', report.status],
    ['Last sync 最近同步', report.syncedAt],
    [],
    [
      'Cell 单元格',
      'Code 指标代码',
      'Value as typed 填报内容',
      'Problem 问题',
      'Expected 应填写',
      'Last accepted value 上次接受的数值',
    ],
    ...report.issues.map((i) => [
      i.at,
      i.code ?? null,
      i.typed ?? null,
      i.problem,
      i.expected ?? null,
      i.lastAccepted ?? null,
    ]),
  ];
}
