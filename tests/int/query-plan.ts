import { getSql } from "@/lib/db/client";

export type PlanNode = {
  "Node Type": string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Plans?: PlanNode[];
};

/** Every node of the plan Postgres picks for a built query (EXPLAIN, not run), outermost first. */
export async function planNodes(query: { sql: string; params: unknown[] }): Promise<PlanNode[]> {
  const [row] = await getSql().unsafe<{ "QUERY PLAN": { Plan: PlanNode }[] }[]>(
    `explain (format json) ${query.sql}`,
    query.params as never[],
  );
  const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];
  return flatten(row!["QUERY PLAN"][0]!.Plan);
}

/** Whether the plan sorts anywhere (a thread page must come straight off its index). */
export const sorts = (nodes: PlanNode[]) =>
  nodes.some((n) => n["Node Type"] === "Sort" || n["Node Type"] === "Incremental Sort");
