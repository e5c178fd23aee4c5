/** The id of the Start node of a workflow made in the portal. */
export const START_ID = 'start';

/** A new workflow's template: its Start node, placed, ready for the first step. */
export function newTemplate() {
  return {
    nodes: [{ id: START_ID, type: 'Start', name: 'Start' }],
    edges: [] as string[],
    positions: { [START_ID]: { x: 240, y: 40 } },
  };
}
